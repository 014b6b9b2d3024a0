from django.urls import path

from registrations import views as registration_views

from . import feeds, views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("feed.rss", feeds.UpcomingEventsFeed(), name="feed_rss"),
    path("feed.atom", feeds.UpcomingEventsAtomFeed(), name="feed_atom"),
    path("<slug:slug>.ics", views.event_ics, name="ics"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/status.json", views.event_status, name="status"),
    path("<slug:slug>/register/", registration_views.register, name="register"),
]
