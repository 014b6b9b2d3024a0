"""What an attendee is offered once an event is over or called off: nothing to cancel and no
calendar entry to add, as the emails already say."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_personal_page_of_a_cancelled_event_offers_no_cancelling(client):
    event = EventFactory(status=Event.Status.CANCELLED)
    registration = RegistrationFactory(event=event)

    html = client.get(registration.personal_path).content.decode()

    assert "This event was cancelled." in html
    assert "Cancel my place" not in html
    assert "Delete my data" in html


def test_cancel_page_of_a_cancelled_event_leads_back_to_the_personal_page(client):
    registration = RegistrationFactory(event=EventFactory(status=Event.Status.CANCELLED))

    page = client.get(f"/registration/{registration.token}/cancel/")
    sent = client.post(f"/registration/{registration.token}/cancel/")

    assert (page.status_code, page["Location"]) == (302, registration.personal_path)
    assert sent.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_past_event_page_offers_no_calendar_entry(client):
    event = EventFactory(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2, hours=-2),
    )

    html = client.get(event.get_absolute_url()).content.decode()

    assert "This event has ended." in html
    assert "Add to calendar" not in html
    assert f"/events/{event.slug}.ics" not in html
