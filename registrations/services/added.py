"""Registrations the organisers make themselves: a speaker, a guest, partner staff, someone
who phoned. A note says who they are in place of the form's consent; the registration window
and the limit per network address do not apply, capacity does unless the organiser says."""

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
from .places import Status, active_registration_for, new_registration, release_holds_under_lock


def add_registration(
    *,
    event: Event,
    name: str,
    email: str,
    note: str,
    organisation: str = "",
    role: str = "",
    access_needs: str = "",
    dietary_options: str = "",
    dietary_requirements: str = "",
    answers: dict[Question, str] | None = None,
    allow_over_capacity: bool = False,
    now: datetime | None = None,
) -> Registration:
    """Give ``email`` a place at ``event`` on an organiser's word, and email them their link."""
    now = now or timezone.now()
    registration = new_registration(
        event=event,
        name=name,
        email=email,
        organisation=organisation,
        role=role,
        access_needs=access_needs,
        dietary_options=dietary_options,
        dietary_requirements=dietary_requirements,
        privacy_consent_at=None,
        organiser_note=note.strip(),
        status=Status.CONFIRMED,
    )
    duplicate = RegistrationRefused(
        _("This email address is already registered for this event."), code="duplicate"
    )
    try:
        return _admit(
            registration,
            answers=answers or {},
            allow_over_capacity=allow_over_capacity,
            refusal=duplicate,
            now=now,
        )
    except IntegrityError as error:
        raise duplicate from error


@transaction.atomic
def _admit(
    registration: Registration,
    *,
    answers: dict[Question, str],
    allow_over_capacity: bool,
    refusal: RegistrationRefused,
    now: datetime,
) -> Registration:
    event = locking.locked_event(registration.event)
    release_holds_under_lock(event, now=now)
    if event.status == Event.Status.CANCELLED:
        raise RegistrationRefused(_("This event was cancelled."), code="cancelled")
    if active_registration_for(event, registration.email) is not None:
        raise refusal
    confirmed = locking.confirmed_count(event)
    if not allow_over_capacity and event.capacity is not None and confirmed >= event.capacity:
        raise RegistrationRefused(
            _(
                "The event is full: all %(capacity)d places are taken. Tick “Give a place over "
                "capacity” to register this person anyway."
            )
            % {"capacity": event.capacity},
            code="full",
        )
    registration.event = event
    registration.save(force_insert=True)
    locking.count_change(event, added=[registration.status])
    store_answers(registration, {question: value for question, value in answers.items() if value})
    tasks.enqueue_delivery(emails.queue_registration_email(registration))
    return registration
