"""The site's URLs.

Uploaded documents are never served from ``MEDIA_URL``, in debug mode neither: each one goes out only
through a view that finds its dossier inside the caller's scope (the workbench's and the API's download).
"""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from motcua.api import api
from motcua.operations import views as operations

admin.site.site_header = _("motcua — Quản trị một cửa điện tử")
admin.site.site_title = _("motcua")
admin.site.index_title = _("Quản trị hệ thống")

urlpatterns = [
    path("healthz", operations.healthz, name="healthz"),
    path("metrics", operations.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("motcua.payments.urls")),
    path("verify/", include("motcua.signatures.urls")),
    path("workbench/ecopies/", include("motcua.ecopies.urls")),
    path("", include("motcua.web.urls")),
]
