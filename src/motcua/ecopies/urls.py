from django.urls import path

from motcua.ecopies import views

app_name = "ecopies"

urlpatterns = [
    path("", views.copies_page, name="list"),
    path("new/", views.certify_page, name="certify"),
    path("<int:copy_id>/file/", views.copy_file, name="file"),
]
