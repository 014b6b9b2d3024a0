"""Organisers changing an event through the admin: closing dates, times, capacity, emails."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations.models import Registration
from tests.admin_forms import event_change_data
from tests.factories import EventFactory
from tests.registrations.test_views import form_data, register_url

pytestmark = pytest.mark.django_db


def test_registration_after_start_refused_whatever_the_closing_date(client):
    started = timezone.now() - timedelta(hours=1)
    event = EventFactory(
        starts_at=started,
        ends_at=started + timedelta(hours=3),
        registration_closes_at=started + timedelta(days=1),
    )

    response = client.post(register_url(event), form_data())

    assert Registration.objects.count() == 0
    assert "This event has already started, so registration is closed." in (
        response.content.decode()
    )
    assert event.registration_state(confirmed=0) == Event.RegistrationState.CLOSED


def test_admin_closing_date_after_start_refused(organiser_client, event):
    local = timezone.localtime(event.starts_at, event.tzinfo) + timedelta(hours=1)
    url = reverse("admin:events_event_change", args=[event.pk])

    response = organiser_client.post(
        url,
        event_change_data(
            organiser_client,
            event,
            registration_closes_at_0=local.strftime("%Y-%m-%d"),
            registration_closes_at_1=local.strftime("%H:%M"),
        ),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "registration_closes_at": [
            "Registration closes when the event starts at the latest: choose a time before "
            "the start, or leave this empty."
        ]
    }
    event.refresh_from_db()
    assert event.registration_closes_at is None


def test_admin_closing_date_at_start_accepted(organiser_client, event):
    local = timezone.localtime(event.starts_at, event.tzinfo)
    url = reverse("admin:events_event_change", args=[event.pk])

    response = organiser_client.post(
        url,
        event_change_data(
            organiser_client,
            event,
            registration_closes_at_0=local.strftime("%Y-%m-%d"),
            registration_closes_at_1=local.strftime("%H:%M"),
        ),
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.registration_closes_at == event.starts_at.replace(second=0, microsecond=0)
