"""Sending a stored email: claim it, send it once, retry for hours when the mail server fails,
and queue again an email whose task was lost.

What an email says is written in ``emails.py``; the background tasks that run these
functions, and queueing them, are in ``tasks.py``. This module queues nothing itself: it is
given the function that queues a delivery (``retry``, ``enqueue``), because the task that
runs it is what it would queue, and a module that both defines a task and is run by it
would import itself in a circle.
"""

import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from email.mime.image import MIMEImage
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from . import checkin_code, emails
from .models import OutboundEmail

logger = logging.getLogger(__name__)

# When an email worker last ran a delivery, kept in the cache every process shares.
WORKER_HEARTBEAT_KEY = "registrations:email-worker-last-ran"
# Emails waiting longer than this with no worker running mean no worker is running.
WORKER_SILENCE = timedelta(minutes=10)

# Waits between attempts: about 16 hours in all before an email is given up.
RETRY_DELAYS = [timedelta(minutes=minutes) for minutes in (1, 5, 15, 30, 60, 120, 240, 480)]
# How long one attempt may take before another worker may try: far more than EMAIL_TIMEOUT.
SEND_LEASE = timedelta(minutes=10)
# A queued email whose attempt is this late has lost its task (a worker was killed).
STALLED_AFTER = timedelta(minutes=15)

Delivery = OutboundEmail.Delivery
# Queues sending an email, at once or (``run_after``) later.
Enqueue = Callable[..., None]


def claim(email_id: int, now: datetime) -> OutboundEmail | None:
    """Mark the email as being sent, unless it was sent or another worker is sending it."""
    claimed = (
        OutboundEmail.objects.queued()
        .filter(pk=email_id)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + SEND_LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    return OutboundEmail.objects.select_related("event__organiser").get(pk=email_id)


def sender(email: OutboundEmail) -> str:
    """The organising organisation's name with the site's sending address: attendees see who
    writes to them, and replies go to the organisers (Reply-To)."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    name = email.event.organiser.name if email.event_id else settings.ORGANISATION_NAME
    return formataddr((emails.single_line(name), address))


def build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    body_text, body_html = email.bodies_to_send()
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=body_text,
        from_email=sender(email),
        to=[formataddr((email.recipient_name, email.recipient))],
        reply_to=[email.reply_to] if email.reply_to else None,
        # The same Message-ID on every attempt: a copy that got through twice is one message.
        headers={"Message-ID": email.message_id},
    )
    message.attach_alternative(body_html, "text/html")
    if email.calendar:
        method = "CANCEL" if "METHOD:CANCEL" in email.calendar else "REQUEST"
        message.attach("invite.ics", email.calendar, f"text/calendar; method={method}")
    if "cid:checkin-code" in body_html and email.registration_id:
        # The door's QR code, shown in the HTML by its Content-ID and attached for the rest.
        image = MIMEImage(checkin_code.png(email.registration), "png")
        image.add_header("Content-ID", "<checkin-code>")
        image.add_header("Content-Disposition", "inline", filename="checkin-code.png")
        message.attach(image)
    return message


def deliver(email_id: int, *, retry: Enqueue | None, now: datetime | None = None) -> str:
    """Send one queued email. Returns what happened, which the task result records.

    ``retry`` queues the next attempt after a failure; without it (a backend that cannot
    wait, as in the demo) a failed email is given up at once.
    """
    now = now or timezone.now()
    email = claim(email_id, now)
    if email is None:
        return "skipped"
    if email.compose_later:
        emails.compose(email)
    try:
        build_message(email).send()
    except Exception as error:
        return _failed(email, error, now, retry=retry)
    email.status = Delivery.SENT
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


def _failed(email: OutboundEmail, error: Exception, now: datetime, *, retry: Enqueue | None) -> str:
    email.last_error = _describe(error, email)
    email.claimed_until = None
    if email.attempts > len(RETRY_DELAYS) or retry is None:
        email.status = Delivery.FAILED
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
    if email.status == Delivery.QUEUED:
        retry(email, run_after=email.next_attempt_at)
        return "retry"
    return "failed"


def stalled(now: datetime) -> QuerySet[OutboundEmail]:
    """Queued emails whose attempt is long overdue and that no worker is sending."""
    return (
        OutboundEmail.objects.queued()
        .filter(next_attempt_at__lt=now - STALLED_AFTER)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )


def requeue_stalled(*, enqueue: Enqueue, now: datetime | None = None) -> int:
    """Queue again the emails whose task was lost, e.g. with a worker killed while sending.

    An email that is still being sent is claimed, and a duplicate task finds it sent, so
    this never leads to a second copy.
    """
    now = now or timezone.now()
    count = 0
    for email in stalled(now):
        with transaction.atomic():
            email.next_attempt_at = now
            email.save(update_fields=["next_attempt_at"])
            enqueue(email)
        count += 1
    return count


def record_worker_run(now: datetime | None = None) -> None:
    """Note that an email worker is running, for the Emails page (``worker_last_ran``)."""
    cache.set(WORKER_HEARTBEAT_KEY, now or timezone.now(), timeout=None)


def worker_last_ran() -> datetime | None:
    return cache.get(WORKER_HEARTBEAT_KEY)


def waiting_without_worker(now: datetime | None = None) -> int:
    """How many emails have waited to be sent for longer than ``WORKER_SILENCE`` while no
    worker ran in that time: 0 when a worker is running or nothing waits."""
    now = now or timezone.now()
    last = worker_last_ran()
    if last is not None and last > now - WORKER_SILENCE:
        return 0
    return OutboundEmail.objects.queued().filter(next_attempt_at__lte=now - WORKER_SILENCE).count()
