"""Registrations the organisers make themselves: a speaker, a guest, partner staff, someone
who phoned. A note says who they are in place of the form's consent; the registration window
and the limit per network address do not apply, capacity does unless the organiser says."""

from datetime import datetime

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event

from ..models import Question, Registration
from .door import admit_at_once
from .errors import RegistrationRefused
from .places import Status, attendance_at, new_registration


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
    language: str = "",
    allow_over_capacity: bool = False,
    attendance: str = "",
    now: datetime | None = None,
) -> Registration:
    """Give ``email`` a place at ``event`` on an organiser's word, and email them their link,
    in ``language``, else in the event's main language, the one they most likely read. At a
    hybrid event, a place of ``attendance`` (in person if not given)."""
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
        language=language or event.main_language,
        attendance=attendance_at(event, attendance),
    )
    duplicate = RegistrationRefused(
        _("This email address is already registered for this event."), code="duplicate"
    )
    full = _(
        "The event is full: all %(capacity)d places are taken. Tick “Give a place over "
        "capacity” to register this person anyway."
    )
    try:
        return admit_at_once(
            registration,
            answers=answers or {},
            allow_over_capacity=allow_over_capacity,
            refusal=duplicate,
            full_message=full,
            now=now,
        )
    except IntegrityError as error:
        raise duplicate from error
