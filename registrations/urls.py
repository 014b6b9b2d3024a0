from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("events/<slug:slug>/register/check-email/", views.check_email, name="check_email"),
    path("registration/lost/", views.lost_link, name="lost_link"),
    path("registration/lost/sent/", views.lost_link_sent, name="lost_link_sent"),
    path("registration/<str:token>/", views.manage, name="manage"),
    path("registration/<str:token>/registered/", views.register_done, name="done"),
    path("registration/<str:token>/confirm/", views.confirm, name="confirm"),
    path("registration/<str:token>/cancel/", views.cancel, name="cancel"),
    path("registration/<str:token>/delete/", views.erase, name="erase"),
]
