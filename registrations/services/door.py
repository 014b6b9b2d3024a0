"""At the door: checking people in, and registering those who turn up."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event

from .. import emails, tasks
from ..models import Question, Registration
from . import locking
from .details import store_answers
from .errors import RegistrationRefused
from .places import (
    Status,
    active_registration_for,
    attendance_at,
    new_registration,
    release_holds_under_lock,
)


@transaction.atomic
def check_in(*, registration: Registration, now: datetime | None = None) -> Registration:
    """Mark a confirmed attendee as arrived. A second tap keeps the first arrival time."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.CANCELLED:
        raise RegistrationRefused(
            _("%(name)s cancelled this registration, so there is no place to check in to.")
            % {"name": registration.name},
            code="cancelled",
        )
    if registration.status == Status.WAITLISTED:
        raise RegistrationRefused(
            _(
                "%(name)s is on the waiting list and has no place. Give them a place from the "
                "registrations first, if there is room."
            )
            % {"name": registration.name},
            code="waitlisted",
        )
    if registration.checked_in_at is None:
        registration.checked_in_at = now or timezone.now()
        # The organisers see the person at the door: a place held for them is theirs now.
        registration.hold_expires_at = None
        registration.save(update_fields=["checked_in_at", "hold_expires_at", "updated_at"])
    return registration


@transaction.atomic
def give_place_at_door(
    *, registration: Registration, allow_over_capacity: bool = False, now: datetime | None = None
) -> Registration:
    """Someone on the waiting list, or who cancelled, is at the door: give them a place and
    check them in. A full event goes over capacity only when the organiser says so. At the
    door a place is in person: at a hybrid event, one of the places in person."""
    now = now or timezone.now()
    event = locking.locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.CONFIRMED:
        return check_in(registration=registration, now=now)
    if registration.anonymised_at is not None:
        raise RegistrationRefused(
            _("This registration's details were deleted: register the person as a walk-in."),
            code="anonymised",
        )
    holder = active_registration_for(event, registration.email)
    if holder is not None and holder.pk != registration.pk:
        raise RegistrationRefused(
            _("%(name)s has another registration for this event: find it in the list.")
            % {"name": registration.name},
            code="duplicate",
        )
    in_person = Registration.Attendance.IN_PERSON if event.is_hybrid else registration.attendance
    if locking.places_all_taken(event, in_person) and not allow_over_capacity:
        raise RegistrationRefused(
            _("The event is full: a place for %(name)s would put it over capacity.")
            % {"name": registration.name},
            code="over_capacity",
        )
    locking.count_change(event, added=[(Status.CONFIRMED, in_person)], removed=[registration.place])
    registration.status = Status.CONFIRMED
    registration.attendance = in_person
    registration.cancelled_at = None
    registration.cancellation_reason = ""
    registration.hold_expires_at = None
    registration.checked_in_at = now
    registration.save()
    # "A place is now yours", whether they waited or had cancelled: a confirmation was
    # emailed to them when they registered, and each email of a kind is stored once.
    tasks.enqueue_delivery(emails.queue_promotion_email(registration))
    return registration


@transaction.atomic
def undo_check_in(*, registration: Registration) -> Registration:
    """Take back a check-in made by mistake."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.checked_in_at is not None:
        registration.checked_in_at = None
        registration.save(update_fields=["checked_in_at", "updated_at"])
    return registration


def register_walk_in(
    *,
    event: Event,
    name: str,
    email: str,
    organisation: str = "",
    language: str = "",
    allow_over_capacity: bool = False,
    now: datetime | None = None,
) -> Registration:
    """Register someone who turns up at the door and check them in at once.

    The registration window does not apply at the door; capacity does, unless the organiser
    lets the person in over capacity. At a hybrid event, they take a place in person. Their
    emails are in ``language``, else in the event's main language, the one they most likely
    read.
    """
    now = now or timezone.now()
    registration = new_registration(
        event=event,
        name=name,
        email=email,
        organisation=organisation,
        privacy_consent_at=now,
        status=Status.CONFIRMED,
        checked_in_at=now,
        attendance=attendance_at(event),
        language=language or event.main_language,
    )
    duplicate = RegistrationRefused(
        _("This email address is already registered for this event: find the person in the list."),
        code="duplicate",
    )
    full = _(
        "The event is full: all %(capacity)d places are taken. Tick “Let them in over "
        "capacity” to register this person anyway."
    )
    try:
        return admit_at_once(
            registration,
            allow_over_capacity=allow_over_capacity,
            refusal=duplicate,
            full_message=full,
            now=now,
        )
    except IntegrityError as error:
        raise duplicate from error


@transaction.atomic
def admit_at_once(
    registration: Registration,
    *,
    allow_over_capacity: bool,
    refusal: RegistrationRefused,
    full_message: str,
    now: datetime,
    answers: dict[Question, str] | None = None,
) -> Registration:
    """Save a registration an organiser makes (a walk-in, one added from the admin) under the
    event's lock: the event is on, the address has no other registration, and a place is free
    unless the organiser lets them in over capacity (``full_message`` says how to). A place
    of the registration's mode: at a hybrid event, in person or online."""
    event = locking.locked_event(registration.event)
    release_holds_under_lock(event, now=now)
    if event.status == Event.Status.CANCELLED:
        raise RegistrationRefused(_("This event was cancelled."), code="cancelled")
    if active_registration_for(event, registration.email) is not None:
        raise refusal
    if not allow_over_capacity and locking.places_all_taken(event, registration.attendance):
        capacity = event.capacity_for(registration.attendance)
        raise RegistrationRefused(full_message % {"capacity": capacity}, code="full")
    registration.event = event
    registration.save(force_insert=True)
    locking.count_change(event, added=[registration.place])
    given = {question: value for question, value in (answers or {}).items() if value}
    if given:
        store_answers(registration, given)
    # Their personal link and calendar invitation, as for anyone who registers.
    tasks.enqueue_delivery(emails.queue_registration_email(registration))
    return registration
