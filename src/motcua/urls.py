"""The site's URLs.

Uploaded documents are never served from ``MEDIA_URL``, in debug mode neither: each one goes out only
through a view that finds its dossier inside the caller's scope (the workbench's and the API's download).
"""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from motcua.accounts.lockout import LockoutAwareOTPAdminForm
from motcua.api import api
from motcua.operations import views as operations

# The admin asks for the second factor with the password (django-otp's admin site: unverified staff are not staff
# there), and tells a locked-out username so (accounts.lockout).
admin.site.__class__ = OTPAdminSite
admin.site.login_form = LockoutAwareOTPAdminForm
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
