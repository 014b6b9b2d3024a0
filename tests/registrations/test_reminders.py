from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Event
from registrations.models import OutboundEmail, Registration
from tests.factories import EventFactory, RegistrationFactory

# The worker runs as in production, committing as it goes.
pytestmark = pytest.mark.django_db(transaction=True)


def send_reminders() -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def tomorrow(settings):
    """An event 20 hours away, with reminders due 24 hours before, and two confirmed places
    taken three days ago."""
    settings.REMINDER_HOURS_BEFORE = 24
    event = EventFactory(title="Data and democracy", starts_at=timezone.now() + timedelta(hours=20))
    three_days_ago = timezone.now() - timedelta(days=3)
    for email in ("ada@example.org", "grace@example.org"):
        registration = RegistrationFactory(event=event, email=email)
        Registration.objects.filter(pk=registration.pk).update(created_at=three_days_ago)
    return event


def test_reminders_sent_once_across_two_runs(tomorrow, run_worker, mailoutbox):
    first = send_reminders()
    run_worker()
    second = send_reminders()
    run_worker()

    assert first == "2 reminder(s) queued (24 hours before); 0 interrupted email(s) queued again."
    assert second == "0 reminder(s) queued (24 hours before); 0 interrupted email(s) queued again."
    assert sorted(message.to[0].split("<")[1] for message in mailoutbox) == [
        "ada@example.org>",
        "grace@example.org>",
    ]
    when = tomorrow.local_starts_at.strftime("%A %-d %B, %H:%M")
    zone = tomorrow.local_starts_at.strftime("%Z")
    assert mailoutbox[0].subject == (
        f"Reminder: Data and democracy, {when} Spanish time ({zone}), NH Canciller Ayala Vitoria"
    )
    assert "Your place is confirmed." in mailoutbox[0].body
    assert mailoutbox[0].body.split("\n\n")[1].endswith(", at NH Canciller Ayala Vitoria.")


def test_reminders_skip_waitlisted_cancelled_and_recent_registrations(tomorrow, run_worker):
    RegistrationFactory(event=tomorrow, status=Registration.Status.WAITLISTED)
    RegistrationFactory(
        event=tomorrow, status=Registration.Status.CANCELLED, cancelled_at=timezone.now()
    )
    RegistrationFactory(event=tomorrow)  # Registered just now: the confirmation is enough.

    send_reminders()

    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REMINDER).count() == 2


def test_reminders_not_sent_before_time_or_for_cancelled_events(tomorrow, settings):
    settings.REMINDER_HOURS_BEFORE = 12
    cancelled = EventFactory(
        status=Event.Status.CANCELLED, starts_at=timezone.now() + timedelta(hours=2)
    )
    RegistrationFactory(event=cancelled)
    Registration.objects.update(created_at=timezone.now() - timedelta(days=3))

    assert send_reminders().startswith("0 reminder(s) queued (12 hours before)")


def test_reminder_due_is_a_queryset_of_confirmed_people_not_yet_reminded():
    now = timezone.now()
    soon = EventFactory(starts_at=now + timedelta(hours=10), ends_at=now + timedelta(hours=12))
    in_three_days = now + timedelta(days=3)
    later = EventFactory(starts_at=in_three_days, ends_at=in_three_days + timedelta(hours=2))
    due = RegistrationFactory(event=soon, name="Due")
    RegistrationFactory(event=soon, name="Waiting", status="waitlisted")
    RegistrationFactory(event=later, name="Too early")
    reminded = RegistrationFactory(event=soon, name="Reminded")
    RegistrationFactory(event=soon, name="Registered inside the reminder time")
    Registration.objects.exclude(name__startswith="Registered inside").update(
        created_at=now - timedelta(days=2)
    )
    Registration.objects.filter(pk=reminded.pk).update(reminded_for=soon.starts_at)

    found = Registration.objects.reminder_due(now, hours_before=24)

    assert list(found) == [due]
