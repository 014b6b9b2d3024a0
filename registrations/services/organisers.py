"""What organisers do to an event and its attendees from the admin, which only calls these."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from events.models import Event

from .. import emails, tasks
from ..models import OrganiserMessage, OutboundEmail, Registration
from .places import fill_free_places


@dataclass
class EventChanged:
    """What saving an organiser's change of an event did to its registrations."""

    notices: list[OutboundEmail]  # the emails telling attendees about the change
    promoted: list[Registration]  # people moved up from the waiting list into freed places

    @property
    def notified(self) -> int:
        """How many people will be told about the change."""
        return len(self.notices)


# A change of these may free places, or let the waiting list move up again.
PLACE_FIELDS = {"capacity", "waitlist_enabled", "status"}


@transaction.atomic
def change_event(
    *, event: Event, changed_fields: list[str], now: datetime | None = None
) -> EventChanged:
    """Save an organiser's change of ``event``: tell its attendees when the time or place
    changed or the event was cancelled, and give places that the change freed to the
    waiting list."""
    event.save()
    stored = emails.queue_event_change_emails(event=event, changed_fields=changed_fields)
    tasks.enqueue_delivery(*stored)
    promoted = []
    if PLACE_FIELDS & set(changed_fields):
        promoted = fill_free_places(event=event, now=now)
    return EventChanged(notices=stored, promoted=promoted)


@transaction.atomic
def send_organiser_message(
    *, event: Event, subject: str, body: str, include_waitlisted: bool, sent_by
) -> OrganiserMessage:
    """Email the organisers' message to the event's attendees (and the waiting list, if
    asked), not to addresses nobody has confirmed; the message is recorded as sent."""
    message, stored = emails.queue_organiser_message(
        event=event,
        subject=subject,
        body=body,
        include_waitlisted=include_waitlisted,
        sent_by=sent_by,
    )
    tasks.enqueue_delivery(*stored)
    return message


def queue_reminders(*, now: datetime | None = None) -> int:
    """Queue a reminder to each confirmed attendee of the events starting within
    REMINDER_HOURS_BEFORE hours, once per attendee: safe to run often, and twice at the same
    time. Each reminder is stored and queued in a transaction of its own. Returns how many
    were queued."""
    return len(emails.queue_reminders(now, then=tasks.enqueue_delivery))
