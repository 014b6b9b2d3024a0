import importlib
import smtplib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations import emails, services, tasks
from registrations.delivery import RETRY_DELAYS
from registrations.models import OutboundEmail, Registration
from registrations.tasks import deliver_email
from tests.factories import RegistrationFactory

# The worker runs as in production, committing as it goes.
pytestmark = pytest.mark.django_db(transaction=True)

Delivery = OutboundEmail.Delivery


class RefusingBackend(EmailBackend):
    """A mail server that is down for the first ``refusals`` attempts, then accepts."""

    refusals = 0

    def send_messages(self, messages):
        if RefusingBackend.refusals > 0:
            RefusingBackend.refusals -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def refusing_server(settings):
    settings.EMAIL_BACKEND = "tests.registrations.test_delivery.RefusingBackend"
    yield RefusingBackend
    RefusingBackend.refusals = 0


def make_retries_due():
    """Jump to the time the waiting retries were scheduled for."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def register(event):
    return services.register(event=event, name="Ada Lovelace", email="ada@example.org")


def test_smtp_down_keeps_registration_and_email_retried_until_sent_once(
    event, refusing_server, run_worker, mailoutbox
):
    refusing_server.refusals = 2
    registration = register(event)

    run_worker()

    email = OutboundEmail.objects.get()
    assert Registration.objects.get().pk == registration.pk
    assert (email.status, email.attempts, mailoutbox) == (Delivery.QUEUED, 1, [])
    assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == email.next_attempt_at

    run_worker()  # The retry is not due yet.
    assert OutboundEmail.objects.get().attempts == 1

    make_retries_due()
    run_worker()
    make_retries_due()
    run_worker()

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Delivery.SENT, 3, "")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == email.message_id
    assert DBTaskResult.objects.filter(status="READY").count() == 0


def test_retry_waits_grow_to_many_hours(event, refusing_server, run_worker):
    refusing_server.refusals = 100
    register(event)
    waits = []

    for _attempt in range(len(RETRY_DELAYS) + 1):
        run_worker()
        email = OutboundEmail.objects.get()
        if email.next_attempt_at:
            waits.append(round((email.next_attempt_at - timezone.now()).total_seconds() / 60))
        make_retries_due()

    assert waits == [1, 5, 15, 30, 60, 120, 240, 480]
    assert sum(RETRY_DELAYS, timedelta()) == timedelta(hours=15, minutes=51)
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == (Delivery.FAILED, 9)


def test_sent_email_not_sent_again_by_a_second_task(event, run_worker, mailoutbox):
    register(event)
    run_worker()
    email = OutboundEmail.objects.get()

    deliver_email.enqueue(email.pk)
    run_worker()

    assert len(mailoutbox) == 1
    assert DBTaskResult.objects.filter(return_value="skipped").count() == 1


def test_email_being_sent_by_another_worker_not_sent_twice(event, run_worker, mailoutbox):
    register(event)
    OutboundEmail.objects.update(claimed_until=timezone.now() + timedelta(minutes=5), attempts=1)

    run_worker()
    call_command("send_reminders", verbosity=0)
    run_worker()

    assert mailoutbox == []
    assert OutboundEmail.objects.get().status == Delivery.QUEUED


def test_email_of_killed_worker_queued_again_and_sent_once(event, run_worker, mailoutbox):
    register(event)
    # A worker took the task 20 minutes ago and died before it finished sending.
    DBTaskResult.objects.update(status="RUNNING")
    twenty_minutes_ago = timezone.now() - timedelta(minutes=20)
    OutboundEmail.objects.update(
        claimed_until=twenty_minutes_ago + timedelta(minutes=10),
        next_attempt_at=twenty_minutes_ago,
        attempts=1,
    )

    call_command("send_reminders", verbosity=0)
    run_worker()
    call_command("send_reminders", verbosity=0)
    run_worker()

    assert len(mailoutbox) == 1
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == (Delivery.SENT, 2)


def test_registration_email_written_by_the_worker_once(event, refusing_server, run_worker):
    refusing_server.refusals = 1
    # A name stored before names with markup were refused: still text in the email.
    registration = RegistrationFactory(event=event, name="Ada <b>Lovelace</b>")
    tasks.enqueue_delivery(emails.queue_registration_email(registration))
    stored = OutboundEmail.objects.get(registration=registration)
    when_registered = (stored.compose_later, stored.body_text, stored.body_html)

    run_worker()  # the mail server refuses: written, not sent
    stored.refresh_from_db()
    written = (stored.body_text, stored.body_html, stored.calendar)

    assert when_registered == (True, "", "")
    assert stored.compose_later is False
    assert "Ada <b>Lovelace</b>" in written[0]
    assert "Ada &lt;b&gt;Lovelace&lt;/b&gt;" in written[1]
    assert "BEGIN:VCALENDAR" in written[2]
    assert stored.status == Delivery.QUEUED


def test_registration_email_marked_for_the_worker_others_written_at_once(event, run_worker):
    registration = register(event)
    services.cancel(registration=registration)
    stored = OutboundEmail.objects.order_by("pk")
    before = [
        (kind, compose_later, text == "")
        for kind, compose_later, text in stored.values_list("kind", "compose_later", "body_text")
    ]

    run_worker()

    assert before == [
        (OutboundEmail.Kind.CONFIRMATION, True, True),
        (OutboundEmail.Kind.CANCELLED, False, False),
    ]
    assert list(stored.values_list("kind", "compose_later", "status")) == [
        (OutboundEmail.Kind.CONFIRMATION, False, Delivery.SENT),
        (OutboundEmail.Kind.CANCELLED, False, Delivery.SENT),
    ]


def test_emails_stored_without_text_marked_for_the_worker_by_the_migration(event):
    """Before the field, an email the worker had to write was one with an empty body."""
    migration = importlib.import_module(
        "registrations.migrations.0008_outbound_email_compose_later"
    )
    unwritten = RegistrationFactory(event=event, email="ada@example.org")
    written = RegistrationFactory(event=event, email="grace@example.org")
    emails.queue_registration_email(unwritten)
    services.cancel(registration=written)
    OutboundEmail.objects.update(compose_later=False)

    migration.mark_unwritten(apps, None)

    assert sorted(OutboundEmail.objects.values_list("kind", "compose_later")) == [
        (OutboundEmail.Kind.CANCELLED, False),
        (OutboundEmail.Kind.CONFIRMATION, True),
    ]
