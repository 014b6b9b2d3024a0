"""The public event pages with what registration allows, served in place of events' own."""

from datetime import datetime

from django.urls import reverse

from events import calendar
from events import views as event_views
from events.models import Event

from ..availability import registration_summary, summaries


class EventListView(event_views.EventListView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upcoming = context["upcoming"]
        by_event = summaries(upcoming, context["now"])
        for event in upcoming:
            event.availability = by_event[event.pk]
        return context


class EventDetailView(event_views.EventDetailView):
    def get_queryset(self):
        return super().get_queryset().select_related("place_counts")

    def get_availability(self) -> dict:
        return registration_summary(self.object)


class EventStatusView(event_views.EventStatusView):
    def get_data(self, event: Event) -> dict:
        summary = registration_summary(event)
        return {
            **super().get_data(event),
            "confirmed": summary["confirmed"],
            "places_left": summary["places_left"],
            "waitlisted": summary["waitlisted"],
            "registration": summary["state"],
            "modes": _modes(event, summary),
        }


class CalendarJsonView(event_views.CalendarJsonView):
    """``/events.json`` with each event's places and registration state, as status.json."""

    def get_events_data(self, events: list[Event], now: datetime) -> list[dict]:
        by_event = summaries(events, now)
        return [
            {**self.get_event_data(event), **_places(event, by_event[event.pk])} for event in events
        ]


def _places(event: Event, summary: dict) -> dict:
    external = summary["state"] == Event.RegistrationState.EXTERNAL
    register = reverse("registrations:register", args=[event.slug])
    return {
        # Where to register: Turnout's form, unless registration is handled elsewhere.
        "register_url": None if external else calendar.absolute_url(register),
        "registration": summary["state"],
        "places_left": summary["places_left"],
        "confirmed": summary["confirmed"],
        "waitlisted": summary["waitlisted"],
        "modes": _modes(event, summary),
    }


def _modes(event: Event, summary: dict) -> dict | None:
    """A hybrid event's places in person and online, each as the event's own are given;
    None for any other event, whose places are the event's."""
    if not summary["modes"]:
        return None
    return {
        mode["attendance"]: {
            "capacity": event.capacity_for(mode["attendance"]),
            "registration": mode["state"],
            "places_left": mode["places_left"],
            "confirmed": mode["confirmed"],
            "waitlisted": mode["waitlisted"],
        }
        for mode in summary["modes"]
    }
