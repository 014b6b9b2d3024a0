"""An attendee of a hybrid event changing how they attend: in person or online."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event

from ..availability import refusal_message
from ..models import Registration
from . import locking
from .errors import RegistrationRefused
from .places import promote_waitlisted

Attendance = Registration.Attendance
Status = Registration.Status


@transaction.atomic
def switch_attendance(*, registration: Registration, now: datetime | None = None) -> Registration:
    """Move a confirmed place of a hybrid event to the other mode, if a place of that mode is
    free, counted under the event's lock as registering counts it; the place left behind
    goes to the next person waiting for one of its mode.

    Only a confirmed place moves: someone waiting keeps their place in the queue they joined.
    """
    now = now or timezone.now()
    event = locking.locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if (
        not event.is_hybrid
        or registration.status != Status.CONFIRMED
        or event.status != Event.Status.PUBLISHED
        or event.is_past(now)
    ):
        raise RegistrationRefused(
            _(
                "Only a confirmed place at a hybrid event still to come can change how it is "
                "attended."
            ),
            code="not_switchable",
        )
    left = registration.attendance
    other = Attendance.ONLINE if left == Attendance.IN_PERSON else Attendance.IN_PERSON
    if locking.places_all_taken(event, other):
        full = refusal_message(event, Event.RegistrationState.FULL, now, other)
        raise RegistrationRefused(full, code="full")
    locking.count_change(event, added=[(Status.CONFIRMED, other)], removed=[registration.place])
    registration.attendance = other
    registration.save(update_fields=["attendance", "updated_at"])
    promote_waitlisted(event, now=now, attendance=left)
    return registration
