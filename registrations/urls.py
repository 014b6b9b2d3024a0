from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("registration/<str:token>/", views.manage, name="manage"),
    path("registration/<str:token>/registered/", views.register_done, name="done"),
    path("registration/<str:token>/cancel/", views.cancel, name="cancel"),
    path("registration/<str:token>/delete/", views.erase, name="erase"),
]
