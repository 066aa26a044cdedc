from django.urls import path

from motcua.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("procedures/", views.procedure_list, name="procedure-list"),
    path("procedures/<str:code>/", views.procedure_page, name="procedure-detail"),
    path("track/", views.track, name="track-search"),
    path("track/<str:code>/", views.track, name="track"),
]
