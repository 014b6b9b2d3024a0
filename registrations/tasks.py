"""Sending email in the background, once, retrying for hours when the mail server fails."""

import logging
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

try:
    from django.tasks import task
except ImportError:  # Django < 6: the package Django's tasks came from
    from django_tasks import task

from .models import OutboundEmail

logger = logging.getLogger(__name__)

# Waits between attempts: about 16 hours in all before an email is given up.
RETRY_DELAYS = [timedelta(minutes=minutes) for minutes in (1, 5, 15, 30, 60, 120, 240, 480)]
# How long one attempt may take before another worker may try: far more than EMAIL_TIMEOUT.
SEND_LEASE = timedelta(minutes=10)
# A queued email whose attempt is this late has lost its task (a worker was killed).
STALLED_AFTER = timedelta(minutes=15)

Status = OutboundEmail.Status


@task()
def deliver_email(email_id: int) -> str:
    return deliver(email_id)


@task()
def send_personal_links(request_id: int) -> None:
    # Looked up by the worker, so the form answers in the same time whatever the address.
    # Given the id of a ``LinkRequest``, never the address: task rows are kept after they run.
    from .emails import queue_personal_links  # here: emails imports this module

    queue_personal_links(request_id=request_id)


def runs_of(task, ids: Iterable[int] | None = None) -> QuerySet[DBTaskResult]:
    """The stored runs of ``task``, queued or finished; with ``ids``, those run for one of them.

    Deleting the rows a task was about deletes these too: a failed run keeps its error, which
    may quote what the row held.
    """
    runs = DBTaskResult.objects.filter(task_path=task.module_path)
    if ids is None:
        return runs
    return runs.filter(args_kwargs__args__0__in=list(ids))


def _stores_tasks() -> bool:
    # The database backend can hold a task until later; the immediate one runs it at once.
    return deliver_email.get_backend().supports_defer


def enqueue_delivery(email: OutboundEmail, *, run_after: datetime | None = None) -> None:
    """Queue sending ``email``.

    With the database backend the task row joins the caller's transaction: it commits with
    the registration change or not at all. The immediate backend would send before the
    change is committed, so it waits for the commit.
    """
    if _stores_tasks():
        (deliver_email.using(run_after=run_after) if run_after else deliver_email).enqueue(email.pk)
    else:
        transaction.on_commit(lambda: deliver_email.enqueue(email.pk))


def _claim(email_id: int, now: datetime) -> OutboundEmail | None:
    """Mark the email as being sent, unless it was sent or another worker is sending it."""
    claimed = (
        OutboundEmail.objects.queued()
        .filter(pk=email_id)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + SEND_LEASE, attempts=F("attempts") + 1)
    )
    return OutboundEmail.objects.get(pk=email_id) if claimed else None


def build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    body_text, body_html = email.bodies_to_send()
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((email.recipient_name, email.recipient))],
        reply_to=[email.reply_to] if email.reply_to else None,
        # The same Message-ID on every attempt: a copy that got through twice is one message.
        headers={"Message-ID": email.message_id},
    )
    message.attach_alternative(body_html, "text/html")
    if email.calendar:
        method = "CANCEL" if "METHOD:CANCEL" in email.calendar else "REQUEST"
        message.attach("invite.ics", email.calendar, f"text/calendar; method={method}")
    return message


def deliver(email_id: int, now: datetime | None = None) -> str:
    """Send one queued email. Returns what happened, which the task result records."""
    now = now or timezone.now()
    email = _claim(email_id, now)
    if email is None:
        return "skipped"
    if not email.body_text:
        from .emails import write_registration_email  # here: emails imports this module

        write_registration_email(email)
    try:
        build_message(email).send()
    except Exception as error:
        return _failed(email, error, now)
    email.status = Status.SENT
    email.sent_at = timezone.now()
    email.claimed_until = None
    email.last_error = ""
    email.save(update_fields=["status", "sent_at", "claimed_until", "last_error"])
    return "sent"


def _describe(error: Exception, email: OutboundEmail) -> str:
    """The error without the recipient's address or name, which mail servers quote: it is
    logged, and logs hold no personal data."""
    text = f"{type(error).__name__}: {error}"
    for personal in (email.recipient, email.recipient_name):
        if personal:
            text = re.sub(re.escape(personal), "[recipient]", text, flags=re.IGNORECASE)
    return text[:2000]


def _failed(email: OutboundEmail, error: Exception, now: datetime) -> str:
    email.last_error = _describe(error, email)
    email.claimed_until = None
    if email.attempts > len(RETRY_DELAYS) or not _stores_tasks():
        email.status = Status.FAILED
        email.next_attempt_at = None
        logger.error("Gave up sending email %s: %s", email.pk, email.last_error)
    else:
        email.next_attempt_at = now + RETRY_DELAYS[email.attempts - 1]
        logger.warning(
            "Sending email %s failed (attempt %s), next attempt at %s: %s",
            email.pk,
            email.attempts,
            email.next_attempt_at.isoformat(),
            email.last_error,
        )
    email.save(update_fields=["last_error", "claimed_until", "status", "next_attempt_at"])
    if email.status == Status.QUEUED:
        enqueue_delivery(email, run_after=email.next_attempt_at)
        return "retry"
    return "failed"


def requeue_stalled(now: datetime | None = None) -> int:
    """Queue again the emails whose task was lost, e.g. with a worker killed while sending.

    An email that is still being sent is claimed, and a duplicate task finds it sent, so
    this never leads to a second copy.
    """
    now = now or timezone.now()
    stalled = (
        OutboundEmail.objects.queued()
        .filter(next_attempt_at__lt=now - STALLED_AFTER)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )
    count = 0
    for email in stalled:
        with transaction.atomic():
            email.next_attempt_at = now
            email.save(update_fields=["next_attempt_at"])
            enqueue_delivery(email)
        count += 1
    return count
