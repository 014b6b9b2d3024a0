"""Every state has a way forward: full, past, not yet open, and a cancelled registration."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from registrations import services
from tests.factories import EventFactory, OrganiserFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def past_event(**fields):
    return EventFactory(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2, hours=-2),
        **fields,
    )


def test_full_event_page_offers_contact_and_other_events(client):
    organiser = OrganiserFactory(contact_email="events@example.org")
    event = EventFactory(organiser=organiser, capacity=1, waitlist_enabled=False)
    RegistrationFactory(event=event)

    html = client.get(event.get_absolute_url()).content.decode()

    assert "This event is full." in html
    assert (
        'Questions? <a href="mailto:events@example.org">Write to the organisers</a> · '
        '<a href="/events/">See other events</a>'
    ) in html


def test_past_event_page_says_it_has_ended(client):
    event = past_event()

    html = client.get(event.get_absolute_url()).content.decode()

    assert (
        '<div class="alert alert-secondary"><strong>This event has ended.</strong> '
        '<a href="/events/">See upcoming events</a></div>'
    ) in html


def test_not_yet_open_gives_the_date_with_its_zone_and_a_reminder(client):
    event = EventFactory(
        timezone="Europe/Madrid",
        starts_at=datetime(2030, 10, 6, 8, tzinfo=UTC),
        ends_at=datetime(2030, 10, 6, 10, tzinfo=UTC),
        registration_opens_at=datetime(2030, 9, 1, 7, tzinfo=UTC),
    )

    html = client.get(event.get_absolute_url()).content.decode()

    assert (
        "Registration is not open yet. It opens on 1 September 2030, 09:00 Spanish time (CEST)."
    ) in html
    assert "Add a reminder to your calendar" in html
    assert (
        "https://calendar.google.com/calendar/render?action=TEMPLATE"
        "&amp;text=Registration+opens%3A+" in html
    )
    assert "dates=20300901T070000Z%2F20300901T071500Z" in html


def test_personal_page_after_the_event_says_you_attended_without_code_or_cancel(client):
    event = past_event(timezone="Europe/Madrid")
    registration = RegistrationFactory(event=event, checked_in_at=event.starts_at)

    html = client.get(registration.personal_path).content.decode()

    local = timezone.localtime(event.starts_at, event.tzinfo).strftime("%H:%M")
    assert f"This event has ended.\n    You attended: you were checked in at {local}." in html
    assert "<svg" not in html
    assert "Cancel my place" not in html
    assert client.get(f"/registration/{registration.token}/cancel/").status_code == 302


def test_personal_page_after_the_event_says_you_were_not_checked_in(client):
    registration = RegistrationFactory(event=past_event())

    html = client.get(registration.personal_path).content.decode()

    assert "You were not checked in at the door." in html


def test_cancelled_registration_link_offers_to_register_again_and_it_works(client):
    event = EventFactory()
    registration = services.register(event=event, name="Ada", email="ada@example.org")
    services.cancel(registration=registration, reason="")

    html = client.get(registration.personal_path).content.decode()
    assert f'<a href="/events/{event.slug}/register/">Register again</a>' in html

    again = services.register(event=event, name="Ada", email="ada@example.org")
    assert again.status == "confirmed"


def test_cancelled_registration_link_says_why_not_when_full(client):
    event = EventFactory(capacity=1, waitlist_enabled=False)
    registration = services.register(event=event, name="Ada", email="ada@example.org")
    services.cancel(registration=registration, reason="")
    RegistrationFactory(event=event)

    html = client.get(registration.personal_path).content.decode()

    assert "This registration is cancelled.\n    This event is full.</p>" in html
