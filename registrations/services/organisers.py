"""What organisers do to an event and its attendees from the admin, which only calls these."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from events import services as event_services
from events.models import Event

from .. import changes, emails, tasks
from ..models import OrganiserMessage, Question, Registration, RegistrationSettings
from . import locking
from .errors import RegistrationRefused
from .places import promote_waitlisted


@dataclass
class EventChanged:
    """What saving an organiser's change of an event did to its registrations."""

    notified: int  # how many people will be told about the change
    promoted: list[Registration]  # people moved up from the waiting list into freed places


# A change of these may free places, or let the waiting list move up again.
PLACE_FIELDS = {"capacity", "online_capacity", "attendance_mode", "waitlist_enabled", "status"}


# Each capacity, and the places it counts (``locking.taken``).
CAPACITY_FIELDS = {"capacity": "", "online_capacity": Registration.Attendance.ONLINE}


@transaction.atomic
def change_event(
    *,
    event: Event,
    changed_fields: list[str],
    notify: bool = True,
    reason: str = "",
    now: datetime | None = None,
) -> EventChanged:
    """Save an organiser's change of ``event``, give places that the change freed to the
    waiting list, and (``notify``) tell its attendees when the time or place changed or the
    event was cancelled, with what changed and the organisers' ``reason``.

    Refused (``RegistrationRefused``, code ``capacity_below_confirmed``) only when the
    change lowers a capacity below the places already confirmed, counted under the event's
    lock: ``capacity`` below those in person at a hybrid event (everyone's at any other),
    ``online_capacity`` below those online. An event already over capacity (a place given
    over capacity, a walk-in) takes any other change.

    The lock is held to change the row and the places only: the emails are stored and
    written by the worker (``tasks.announce_event_change``) once this has committed.
    """
    now = now or timezone.now()
    before = locking.locked_event(event)
    for field, attendance in CAPACITY_FIELDS.items():
        capacity = getattr(event, field)
        if field in changed_fields and capacity is not None:
            confirmed = locking.confirmed_count(event, attendance)
            if capacity < confirmed:
                raise RegistrationRefused(
                    capacity_below_confirmed(confirmed), code="capacity_below_confirmed"
                )
    event.save()
    promoted = []
    if PLACE_FIELDS & set(changed_fields):
        promoted = promote_waitlisted(event, now=now)
    kind = changes.change_kind(event, changed_fields)
    notified = 0
    if notify and kind is not None:
        notified = changes.change_recipients(event).count()
    if notified:
        details = {
            "key": uuid.uuid4().hex,
            "at": now.isoformat(),
            "changes": changes.event_changes_in_each_language(before, event),
            "reason": reason,
        }
        tasks.enqueue_announcement(event_id=event.pk, kind=kind, details=details)
    return EventChanged(notified=notified, promoted=promoted)


@transaction.atomic
def apply_website_change(
    *, event: Event, notify: bool = True, now: datetime | None = None
) -> EventChanged:
    """Apply the time or place the website stated for ``event``, which the import kept
    waiting (``Event.pending_import``), as an organiser's change: saved by ``change_event``,
    which tells the attendees (``notify``) what changed, old → new.

    Raises ``ValidationError`` (nothing saved) when the event would not be valid with the
    website's values, e.g. registration closing after the new start.
    """
    locked = locking.locked_event(event)
    changed_fields = event_services.take_website_change(event=locked)
    locked.full_clean()
    return change_event(event=locked, changed_fields=changed_fields, notify=notify, now=now)


def capacity_below_confirmed(confirmed: int) -> str:
    """Why a capacity lower than the ``confirmed`` places is refused."""
    return ngettext(
        "%(count)d person already holds a place. Nobody loses a confirmed place "
        "by a change of capacity: cancel registrations first to have fewer places.",
        "%(count)d people already hold a place. Nobody loses a confirmed place "
        "by a change of capacity: cancel registrations first to have fewer places.",
        confirmed,
    ) % {"count": confirmed}


@transaction.atomic
def send_organiser_message(
    *,
    event: Event,
    subject: str,
    body: str,
    include_waitlisted: bool,
    sent_by,
    attendance: str = "",
    answer_question: Question | None = None,
    answer_option: str = "",
) -> OrganiserMessage:
    """Email the organisers' message to the event's attendees (and the waiting list, if
    asked), or to those who came or did not, or gave an answer; not to addresses nobody has
    confirmed. The message is recorded as sent, with whom it was for."""
    message, stored = emails.queue_organiser_message(
        event=event,
        subject=subject,
        body=body,
        include_waitlisted=include_waitlisted,
        sent_by=sent_by,
        attendance=attendance,
        answer_question=answer_question,
        answer_option=answer_option,
    )
    tasks.enqueue_delivery(*stored)
    return message


def queue_reminders(*, now: datetime | None = None) -> int:
    """Queue a reminder to each confirmed attendee of the events starting within
    REMINDER_HOURS_BEFORE hours, once per attendee: safe to run often, and twice at the same
    time. Each reminder is stored and queued in a transaction of its own. Returns how many
    were queued."""
    return len(emails.queue_reminders(now, then=tasks.enqueue_delivery))


@transaction.atomic
def save_registration_settings(*, event: Event, **values) -> RegistrationSettings:
    """Keep the event's registration settings as the organisers set them (``values`` by
    field name; any left out stay as they were)."""
    current = RegistrationSettings.for_event(event)
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    return current
