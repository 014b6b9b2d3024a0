"""Reminders at each event's own time, again after a change of time, and for late sign-ups."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations import services
from registrations.models import OutboundEmail, Registration, RegistrationSettings
from tests.admin_forms import event_change_data
from tests.factories import RegistrationFactory


def whole_minute():
    # The admin's form posts hours and minutes: a start with seconds would change on saving.
    return timezone.now().replace(second=0, microsecond=0)


def reminded() -> list[str]:
    return sorted(
        OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REMINDER).values_list(
            "recipient", flat=True
        )
    )


def registered(event, email: str, *, hours_before_start: float) -> Registration:
    registration = RegistrationFactory(event=event, email=email)
    Registration.objects.filter(pk=registration.pk).update(
        created_at=event.starts_at - timedelta(hours=hours_before_start)
    )
    return registration


@pytest.mark.django_db
def test_reminder_timing_set_per_event_in_the_admin(organiser_client, event, settings):
    settings.REMINDER_HOURS_BEFORE = 24
    event.starts_at = whole_minute() + timedelta(hours=40)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    registered(event, "ada@example.org", hours_before_start=24 * 7)
    url = reverse("admin:events_event_change", args=[event.pk])

    page = organiser_client.get(url)
    response = organiser_client.post(
        url, event_change_data(organiser_client, event, reminder_hours_before="48")
    )

    assert page.context["adminform"].form["reminder_hours_before"].value() is None
    assert "The site&#x27;s default is 24 hours." in page.content.decode()
    assert response.status_code == 302
    assert RegistrationSettings.objects.get(event=event).reminder_hours == 48
    assert services.queue_reminders() == 1
    assert reminded() == ["ada@example.org"]


@pytest.mark.django_db
def test_reminder_timing_zero_sends_none(event, settings):
    settings.REMINDER_HOURS_BEFORE = 24
    event.starts_at = whole_minute() + timedelta(hours=3)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    registered(event, "ada@example.org", hours_before_start=24 * 7)
    services.save_registration_settings(event=event, reminder_hours_before=0)

    assert services.queue_reminders() == 0


@pytest.mark.django_db
def test_reminder_timing_default_from_the_setting_without_settings_of_the_event(event, settings):
    settings.REMINDER_HOURS_BEFORE = 6
    event.starts_at = whole_minute() + timedelta(hours=8)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    registered(event, "ada@example.org", hours_before_start=24 * 7)
    now = timezone.now()

    assert services.queue_reminders(now=now) == 0
    assert services.queue_reminders(now=now + timedelta(hours=2, minutes=1)) == 1


@pytest.mark.django_db
def test_reminder_again_after_the_event_is_postponed(organiser_client, event, settings):
    settings.REMINDER_HOURS_BEFORE = 24
    event.starts_at = whole_minute() + timedelta(hours=20)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    registered(event, "ada@example.org", hours_before_start=24 * 7)
    assert services.queue_reminders() == 1
    assert services.queue_reminders() == 0
    url = reverse("admin:events_event_change", args=[event.pk])
    later = timezone.localtime(event.starts_at + timedelta(days=3), event.tzinfo)
    end = later + timedelta(hours=2)

    response = organiser_client.post(
        url,
        event_change_data(
            organiser_client,
            event,
            starts_at_0=later.strftime("%Y-%m-%d"),
            starts_at_1=later.strftime("%H:%M"),
            ends_at_0=end.strftime("%Y-%m-%d"),
            ends_at_1=end.strftime("%H:%M"),
            _dont_tell_attendees="1",
        ),
    )
    event.refresh_from_db()
    not_yet = services.queue_reminders()
    on_the_new_day = services.queue_reminders(now=event.starts_at - timedelta(hours=23))

    assert response.status_code == 302
    assert (not_yet, on_the_new_day) == (0, 1)
    assert reminded() == ["ada@example.org", "ada@example.org"]


@pytest.mark.django_db
def test_reminder_for_late_registrations_two_hours_before_if_they_registered_four_before(
    event, settings
):
    settings.REMINDER_HOURS_BEFORE = 24
    event.starts_at = whole_minute() + timedelta(days=2)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    registered(event, "early@example.org", hours_before_start=48)
    registered(event, "late@example.org", hours_before_start=10)
    registered(event, "last-minute@example.org", hours_before_start=3)
    start = event.starts_at

    at_reminder_time = services.queue_reminders(now=start - timedelta(hours=23))
    three_hours_before = services.queue_reminders(now=start - timedelta(hours=3))
    two_hours_before = services.queue_reminders(now=start - timedelta(hours=2))
    one_hour_before = services.queue_reminders(now=start - timedelta(hours=1))

    assert (at_reminder_time, three_hours_before, two_hours_before, one_hour_before) == (
        1,
        0,
        1,
        0,
    )
    assert reminded() == ["early@example.org", "late@example.org"]
