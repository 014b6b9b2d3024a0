from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.factories import EventFactory, OrganiserFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_event_list_shows_upcoming_before_past(client):
    past = EventFactory(
        title="Last year lecture",
        starts_at=timezone.now() - timedelta(days=300),
        ends_at=timezone.now() - timedelta(days=300, hours=-2),
    )
    upcoming = EventFactory(title="Next month roundtable")

    response = client.get(reverse("events:list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(upcoming.title) < html.index("Past events") < html.index(past.title)


def test_event_list_hides_drafts(client):
    EventFactory(title="Secret draft", status=Event.Status.DRAFT)

    response = client.get(reverse("events:list"))

    assert "Secret draft" not in response.content.decode()


def test_event_list_query_count_constant(client, django_assert_max_num_queries):
    for _ in range(3):
        event = EventFactory()
        RegistrationFactory.create_batch(3, event=event)
    with django_assert_max_num_queries(5) as one_run:
        client.get(reverse("events:list"))
    queries_with_three = len(one_run.captured_queries)

    for _ in range(27):
        event = EventFactory()
        RegistrationFactory.create_batch(3, event=event)
    with django_assert_max_num_queries(queries_with_three) as second_run:
        client.get(reverse("events:list"))

    assert len(second_run.captured_queries) == queries_with_three


def test_event_page_shows_time_in_event_timezone(client):
    event = EventFactory(
        timezone="Europe/Madrid",
        starts_at=datetime(2030, 10, 6, 8, 0, tzinfo=UTC),
        ends_at=datetime(2030, 10, 6, 10, 30, tzinfo=UTC),
    )

    response = client.get(event.get_absolute_url())

    html = response.content.decode()
    assert (
        '<time datetime="2030-10-06T10:00:00+02:00">Sunday 6 October 2030, 10:00</time>–'
        '<time datetime="2030-10-06T12:30:00+02:00">12:30</time>'
    ) in html
    assert "Spanish time (CEST)" in html


def test_event_page_shows_venue_map_and_organisers(client, event):
    event.venue_address = "Calle Ramón y Cajal 5, Vitoria-Gasteiz"
    event.map_url = "https://maps.example.org/nh"
    event.save()
    event.co_organisers.add(
        OrganiserFactory(name="Participation AI", website="https://participationai.org/")
    )

    html = client.get(event.get_absolute_url()).content.decode()

    assert "Calle Ramón y Cajal 5, Vitoria-Gasteiz" in html
    assert 'href="https://maps.example.org/nh"' in html
    assert "Connected by Data" in html
    assert '<a href="https://participationai.org/" rel="noopener">Participation AI</a>' in html


def test_event_page_description_markdown_is_sanitised(client, event):
    event.description = (
        "**Bold** [link](https://example.org) <script>alert(1)</script> [x](javascript:alert(1))"
    )
    event.save()

    html = client.get(event.get_absolute_url()).content.decode()

    assert "<strong>Bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html


def test_event_page_query_count_constant(client, event, django_assert_num_queries):
    RegistrationFactory.create_batch(1, event=event)
    with django_assert_num_queries(3) as captured:
        client.get(event.get_absolute_url())
    queries = len(captured.captured_queries)

    RegistrationFactory.create_batch(29, event=event)
    with django_assert_num_queries(queries):
        client.get(event.get_absolute_url())


def test_event_page_unknown_slug_404(client):
    response = client.get("/events/no-such-event/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_event_page_draft_404_for_public(client):
    event = EventFactory(status=Event.Status.DRAFT)

    assert client.get(event.get_absolute_url()).status_code == 404


def test_event_page_draft_visible_to_its_organiser(organiser_client, organiser):
    event = EventFactory(status=Event.Status.DRAFT, organiser=organiser)

    response = organiser_client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert "Draft: only organisers can see this page." in response.content.decode()


def test_status_json_draft_404(client):
    event = EventFactory(status=Event.Status.DRAFT)

    assert client.get(reverse("events:status", args=[event.slug])).status_code == 404


def test_healthz_checks_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_privacy_notice_page(client):
    response = client.get(reverse("privacy"))

    assert response.status_code == 200
    assert "Version 2026-11" in response.content.decode()


def test_event_page_second_view_served_from_cache(client, event, django_assert_num_queries):
    client.get(event.get_absolute_url())

    # The event with its kept counts and its co-organisers (named in the page's schema.org
    # data) are read every time; the rest of the page comes from the cache.
    with django_assert_num_queries(2):
        response = client.get(event.get_absolute_url())

    assert event.title in response.content.decode()


@override_settings(EVENT_PAGE_CACHE_SECONDS=5)
def test_event_page_not_shared_with_logged_in_organiser(organiser_client, organiser):
    event = EventFactory(status=Event.Status.DRAFT, organiser=organiser)

    preview = organiser_client.get(event.get_absolute_url())
    public = Client().get(event.get_absolute_url())

    assert preview.status_code == 200
    assert public.status_code == 404
