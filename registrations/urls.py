from django.urls import path

from events import urls as event_urls

from . import views

app_name = "registrations"

urlpatterns = [
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/register/check-email/", views.check_email, name="check_email"),
    path("registration/lost/", views.lost_link, name="lost_link"),
    path("registration/lost/sent/", views.lost_link_sent, name="lost_link_sent"),
    path("registration/<str:token>/", views.manage, name="manage"),
    path("registration/<str:token>/registered/", views.register_done, name="done"),
    path("registration/<str:token>/confirm/", views.confirm, name="confirm"),
    path("registration/<str:token>/calendar.ics", views.personal_calendar, name="calendar"),
    path("registration/<str:token>/cancel/", views.cancel, name="cancel"),
    path(
        "registration/<str:token>/attendance/",
        views.switch_attendance,
        name="switch_attendance",
    ),
    path("registration/<str:token>/delete/", views.erase, name="erase"),
]

# The event list, the event page and status.json with their places, in place of events' own
# views: the same addresses under /events/ and the same names (events:list, events:detail,
# events:status). The rest of events' addresses stay as they are.
_with_places = [
    path("", views.EventListView.as_view(), name="list"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("<slug:slug>/status.json", views.EventStatusView.as_view(), name="status"),
]
_replaced = {pattern.name for pattern in _with_places}
EVENT_PAGES = (
    [*_with_places, *(p for p in event_urls.urlpatterns if p.name not in _replaced)],
    event_urls.app_name,
)
