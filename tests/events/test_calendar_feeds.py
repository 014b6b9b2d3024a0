from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from events.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_event_ics_has_event_in_its_timezone(client, settings):
    settings.SITE_URL = "https://events.example.org"
    event = EventFactory(
        title="AI procurement",
        slug="ai-procurement",
        starts_at=datetime(2027, 10, 6, 10, 0, tzinfo=MADRID),
        ends_at=datetime(2027, 10, 6, 12, 30, tzinfo=MADRID),
        venue_name="NH Canciller Ayala Vitoria",
    )

    calendar = parse(client.get("/events/ai-procurement.ics"))

    assert calendar["method"] == "PUBLISH"
    (vevent,) = calendar.events
    assert str(vevent["uid"]) == f"event-{event.pk}@events.example.org"
    assert str(vevent["summary"]) == "AI procurement"
    assert vevent["dtstart"].params["TZID"] == "Europe/Madrid"
    assert vevent.start == datetime(2027, 10, 6, 10, 0, tzinfo=MADRID)
    assert vevent.end == datetime(2027, 10, 6, 12, 30, tzinfo=MADRID)
    assert str(vevent["url"]) == "https://events.example.org/events/ai-procurement/"
    assert str(vevent["location"]) == "NH Canciller Ayala Vitoria"


def test_event_ics_of_draft_not_found(client):
    EventFactory(slug="secret", status=Event.Status.DRAFT)

    assert client.get("/events/secret.ics").status_code == 404


def test_events_ics_lists_upcoming_published_events_only(client):
    now = timezone.now()
    EventFactory(title="Next week", starts_at=now + timedelta(days=7))
    EventFactory(title="Tomorrow", starts_at=now + timedelta(days=1))
    EventFactory(title="Draft", status=Event.Status.DRAFT)
    EventFactory(title="Cancelled", status=Event.Status.CANCELLED)
    EventFactory(title="Last month", starts_at=now - timedelta(days=30))

    calendar = parse(client.get("/events.ics"))

    assert [str(vevent["summary"]) for vevent in calendar.events] == ["Tomorrow", "Next week"]


def test_event_list_links_to_calendar_feed(client):
    assert 'href="/events.ics"' in client.get("/events/").content.decode()
