from django.urls import path

from . import feeds, views

app_name = "events"

# ``registrations.urls.EVENT_PAGES`` serves the list, the event page and status.json in place
# of these, with places; the other addresses are served from here.
urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("feed.rss", feeds.UpcomingEventsFeed(), name="feed_rss"),
    path("feed.atom", feeds.UpcomingEventsAtomFeed(), name="feed_atom"),
    path("<slug:slug>.ics", views.event_ics, name="ics"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("<slug:slug>/status.json", views.EventStatusView.as_view(), name="status"),
]
