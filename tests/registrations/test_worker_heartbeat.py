"""The Emails page says when the email worker last ran, and warns when emails wait without one."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from registrations import delivery, tasks
from registrations.models import OutboundEmail
from tests.factories import RegistrationFactory

URL = reverse("admin:registrations_outboundemail_changelist")


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def waiting_email(minutes: int) -> OutboundEmail:
    registration = RegistrationFactory()
    return OutboundEmail.objects.create(
        kind=OutboundEmail.Kind.REMINDER,
        key=f"waiting:{registration.pk}",
        event=registration.event,
        registration=registration,
        recipient="ada@example.org",
        subject="Reminder",
        message_id=f"<{registration.pk}@example.org>",
        next_attempt_at=timezone.now() - timedelta(minutes=minutes),
    )


@pytest.mark.django_db(transaction=True)
def test_worker_heartbeat_recorded_by_the_worker(admin_client, run_worker):
    with transaction.atomic():
        tasks.enqueue_delivery(waiting_email(minutes=0))

    run_worker()
    response = admin_client.get(URL)

    assert said(response) == ["The email worker last ran less than a minute ago."]


@pytest.mark.django_db
def test_worker_heartbeat_warning_when_emails_wait_and_no_worker_ran(admin_client):
    waiting_email(minutes=15)

    response = admin_client.get(URL)

    assert said(response) == [
        "1 email has waited more than 10 minutes and no email worker has run yet: "
        "is manage.py db_worker running?"
    ]


@pytest.mark.django_db
def test_worker_heartbeat_warning_when_the_worker_stopped(admin_client):
    waiting_email(minutes=40)
    waiting_email(minutes=12)
    delivery.record_worker_run(timezone.now() - timedelta(minutes=30))

    response = admin_client.get(URL)

    assert said(response) == [
        "2 emails have waited more than 10 minutes and the email worker last ran "
        "30 minutes ago: is manage.py db_worker running?"
    ]


@pytest.mark.django_db
def test_worker_heartbeat_no_warning_for_emails_just_queued(admin_client):
    waiting_email(minutes=2)
    delivery.record_worker_run(timezone.now() - timedelta(minutes=3))

    response = admin_client.get(URL)

    assert said(response) == ["The email worker last ran 3 minutes ago."]
