from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from config.settings import cache_from_url
from events.models import Event
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({}, "Register"),
        ({"status": Event.Status.CANCELLED}, "This event was cancelled."),
        (
            {"registration_closes_at": timezone.now() - timedelta(days=1)},
            "Registration for this event is closed.",
        ),
        (
            {"registration_opens_at": timezone.now() + timedelta(days=1)},
            "Registration is not open yet.",
        ),
    ],
)
def test_event_page_registration_state(client, event, changes, text):
    Event.objects.filter(pk=event.pk).update(**changes)

    html = client.get(event.get_absolute_url()).content.decode()

    assert text in html


def test_event_page_full_event_says_full(client, event):
    Event.objects.filter(pk=event.pk).update(capacity=1, waitlist_enabled=False)
    RegistrationFactory(event=event)

    html = client.get(event.get_absolute_url()).content.decode()

    assert "This event is full." in html
    assert reverse("registrations:register", args=[event.slug]) not in html


def test_event_page_shows_places_left(client, event):
    RegistrationFactory.create_batch(3, event=event)
    RegistrationFactory(event=event, status="cancelled", cancelled_at=timezone.now())

    html = client.get(event.get_absolute_url()).content.decode()

    assert "17 places left" in html


def test_status_json_reports_counts(client, event):
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, status="waitlisted")

    response = client.get(reverse("events:status", args=[event.slug]))

    assert response.status_code == 200
    assert response.json() == {
        "slug": event.slug,
        "title": event.title,
        "starts_at": event.starts_at.isoformat(),
        "capacity": 20,
        "confirmed": 2,
        "places_left": 18,
        "waitlisted": 1,
        "registration": "open",
        "modes": None,
    }


@pytest.mark.parametrize(
    ("changes", "confirmed", "state"),
    [
        ({"capacity": 1}, 1, "waitlist"),
        ({"capacity": 1, "waitlist_enabled": False}, 1, "full"),
        ({"capacity": 1, "waitlist_limit": 0}, 1, "full"),
        ({"status": Event.Status.CANCELLED}, 0, "cancelled"),
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, 0, "not_yet_open"),
        ({"registration_closes_at": timezone.now() - timedelta(days=1)}, 0, "closed"),
        ({"external_registration_url": "https://lu.ma/x"}, 0, "external"),
        ({"capacity": None}, 0, "open"),
    ],
)
def test_status_json_registration_state(client, event, changes, confirmed, state):
    Event.objects.filter(pk=event.pk).update(**changes)
    RegistrationFactory.create_batch(confirmed, event=event)

    data = client.get(reverse("events:status", args=[event.slug])).json()

    assert data["registration"] == state


def test_status_json_unlimited_event_has_no_places_left(client):
    event = EventFactory(capacity=None)

    data = client.get(reverse("events:status", args=[event.slug])).json()

    assert data["capacity"] is None
    assert data["places_left"] is None


def test_event_page_cache_follows_changes(client, event):
    client.get(event.get_absolute_url())
    RegistrationFactory(event=event)
    event.venue_name = "Palacio Europa"
    event.save()

    html = client.get(event.get_absolute_url()).content.decode()

    assert "19 places left" in html
    assert "Palacio Europa" in html


@override_settings(EVENT_PAGE_CACHE_SECONDS=5)
def test_event_page_shared_copy_for_visitors_without_cookies(
    client, event, django_assert_num_queries
):
    first = client.get(event.get_absolute_url())
    RegistrationFactory(event=event)

    with django_assert_num_queries(0):
        second = client.get(event.get_absolute_url())

    assert second.content == first.content
    assert "20 places left" in second.content.decode()
    assert second["Cache-Control"] == "max-age=5"


def production_caches():
    """The caches as production has them: the database cache shared by every process, and
    each process's own copies of pages."""
    return {**settings.CACHES, "default": cache_from_url("")}


@override_settings(EVENT_PAGE_CACHE_SECONDS=5)
def test_event_page_of_anonymous_visitors_costs_no_query_once_kept(
    client, event, django_assert_num_queries
):
    with override_settings(CACHES=production_caches()):
        # The event with its counts, its co-organisers, its topics; nothing of the cache.
        with django_assert_num_queries(3, exact=True):
            first = client.get(event.get_absolute_url())
        with django_assert_num_queries(0, exact=True):
            second = client.get(event.get_absolute_url())

    assert second.content == first.content
    assert not second.cookies


def test_event_page_with_a_cookie_reads_the_event_only(client, event, django_assert_num_queries):
    client.cookies["django_language"] = "en"
    with override_settings(CACHES=production_caches()):
        client.get(event.get_absolute_url())
        # The event with its counts, its co-organisers; the body comes from the kept copy.
        with django_assert_num_queries(2, exact=True):
            response = client.get(event.get_absolute_url())

    assert "20 places left" in response.content.decode()
    assert not response.cookies


@override_settings(EVENT_PAGE_CACHE_SECONDS=5)
def test_event_page_with_message_not_taken_from_shared_copy(client, event):
    registration = RegistrationFactory(event=event)
    client.get(event.get_absolute_url())

    response = client.post(reverse("registrations:erase", args=[registration.token]), follow=True)

    assert "Your registration and your personal data were deleted." in response.content.decode()
