from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from events.models import Event
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://events.example.org"


def calendar_json(client) -> dict:
    response = client.get(reverse("events_json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_events_json_describes_each_event_for_the_website(client, site, organiser, settings):
    settings.WEBSITE_IMAGES_URL = "https://www.example.org/assets/events/"
    event = EventFactory(
        organiser=organiser,
        title="Open Government, AI Procurement & Public Participation",
        slug="ogp-ai",
        summary="A fringe event.",
        starts_at=datetime(2030, 10, 6, 10, 0, tzinfo=MADRID),
        ends_at=datetime(2030, 10, 6, 12, 30, tzinfo=MADRID),
        venue_name="NH Canciller Ayala Vitoria",
        venue_address="Ramón y Cajal Kalea, 5",
        map_url="https://maps.example.org/nh",
        attendance_mode=Event.AttendanceMode.HYBRID,
        join_url="https://zoom.example/j/1",
        capacity=30,
        featured=True,
        image="OGP_Logo_RGB.png",
    )
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)

    document = calendar_json(client)

    assert sorted(document) == ["events", "events_url", "generated_at"]
    assert document["events_url"] == "https://events.example.org/events/"
    assert document["events"] == [
        {
            "slug": "ogp-ai",
            "title": "Open Government, AI Procurement & Public Participation",
            "summary": "A fringe event.",
            "kind": "organised",
            "status": "published",
            "url": "https://events.example.org/events/ogp-ai/",
            "ics_url": "https://events.example.org/events/ogp-ai.ics",
            "register_url": "https://events.example.org/events/ogp-ai/register/",
            "external_registration_url": None,
            "timezone": "Europe/Madrid",
            "starts_at": "2030-10-06T10:00:00+02:00",
            "ends_at": "2030-10-06T12:30:00+02:00",
            "starts_at_utc": "2030-10-06T08:00:00Z",
            "ends_at_utc": "2030-10-06T10:30:00Z",
            "attendance_mode": "hybrid",
            "attendance_mode_label": "Hybrid: in person or online",
            "venue": {
                "name": "NH Canciller Ayala Vitoria",
                "address": "Ramón y Cajal Kalea, 5",
                "map_url": "https://maps.example.org/nh",
            },
            "organiser": "Connected by Data",
            "topics": [],
            "capacity": 30,
            "featured": True,
            "image": "OGP_Logo_RGB.png",
            "image_url": "https://www.example.org/assets/events/OGP_Logo_RGB.png",
            "website_url": None,
            "registration": "open",
            "places_left": 28,
            "confirmed": 2,
            "waitlisted": 1,
            "modes": {
                "in_person": {
                    "capacity": 30,
                    "registration": "open",
                    "places_left": 28,
                    "confirmed": 2,
                    "waitlisted": 1,
                },
                "online": {
                    "capacity": None,
                    "registration": "open",
                    "places_left": None,
                    "confirmed": 0,
                    "waitlisted": 0,
                },
            },
        }
    ]
    assert "zoom.example" not in str(document)


def test_events_json_lists_published_and_cancelled_events_never_drafts(client, site):
    EventFactory(slug="published", starts_at=datetime(2030, 1, 2, 10, tzinfo=MADRID))
    EventFactory(
        slug="cancelled",
        status=Event.Status.CANCELLED,
        starts_at=datetime(2030, 1, 1, 10, tzinfo=MADRID),
    )
    EventFactory(slug="draft", status=Event.Status.DRAFT)
    EventFactory(
        slug="past",
        starts_at=datetime(2020, 1, 1, 10, tzinfo=MADRID),
        ends_at=datetime(2020, 1, 1, 12, tzinfo=MADRID),
    )

    events = calendar_json(client)["events"]

    assert [(event["slug"], event["registration"]) for event in events] == [
        ("past", "closed"),
        ("cancelled", "cancelled"),
        ("published", "open"),
    ]


def test_events_json_external_registration_has_no_register_url(client, site):
    EventFactory(slug="elsewhere", external_registration_url="https://lu.ma/x", capacity=None)

    (event,) = calendar_json(client)["events"]

    assert (
        event["register_url"],
        event["external_registration_url"],
        event["registration"],
        event["places_left"],
    ) == (None, "https://lu.ma/x", "external", None)


def test_events_json_listing_links_to_host_without_registration(client, site):
    EventFactory(
        slug="rightscon",
        kind=Event.Kind.LISTING,
        website_url="https://www.rightscon.org/",
        capacity=None,
    )

    (event,) = calendar_json(client)["events"]

    assert (
        event["kind"],
        event["website_url"],
        event["register_url"],
        event["registration"],
    ) == ("listing", "https://www.rightscon.org/", None, "external")


def test_events_json_readable_from_any_site(client):
    response = client.get(reverse("events_json"))

    assert response["Access-Control-Allow-Origin"] == "*"


def test_events_json_query_count_constant(client, django_assert_num_queries):
    RegistrationFactory(event=EventFactory())
    with django_assert_num_queries(3):
        client.get(reverse("events_json"))

    for _ in range(3):
        RegistrationFactory(event=EventFactory())
    with django_assert_num_queries(3):
        client.get(reverse("events_json"))


def test_events_json_shared_copy_is_served_while_fresh(client, settings):
    settings.EVENT_PAGE_CACHE_SECONDS = 60
    event = EventFactory(capacity=5)
    first = calendar_json(client)

    RegistrationFactory(event=event)
    second = calendar_json(client)

    assert (first["events"][0]["places_left"], second) == (5, first)
