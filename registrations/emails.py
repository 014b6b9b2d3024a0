"""What Turnout writes to attendees, and queuing it with the change that causes it.

Each ``queue_*`` function renders the email now, in the attendee's language, and stores it
as an ``OutboundEmail`` in the caller's transaction; the caller queues its sending in the
same transaction (``tasks.enqueue_delivery``), as the services do. This module imports no
task: the worker that sends an email calls ``compose`` from here. A stored email holds a
placeholder where the attendee's personal link goes; the link is written in only when the
email is sent (``OutboundEmail.bodies_to_send``).
"""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events import calendar, calendar_links
from events.models import Event

from . import checkin_code, invitations, plain_text, subjects
from .audiences import message_recipients
from .invitations import single_line
from .models import (
    MAX_REMINDER_HOURS,
    LinkRequest,
    OrganiserMessage,
    OutboundEmail,
    Question,
    Registration,
    RegistrationSettings,
)

Kind = OutboundEmail.Kind
Status = Registration.Status
# The emails about an organiser's change of an event (``changes.py``).
CHANGE_KINDS = (Kind.EVENT_CHANGED, Kind.EVENT_CANCELLED)


def _context(event: Event, registration: Registration | None = None, **extra) -> dict:
    # Cancelling is offered to who has something to cancel, at an event still to come.
    can_cancel = bool(
        registration
        and registration.is_active
        and event.status == Event.Status.PUBLISHED
        and not event.is_past()
    )
    return {
        "can_cancel": can_cancel,
        "checkin_code": bool(registration and checkin_code.has_code(registration)),
        "event": event,
        "attendee": registration,
        "personal_link": registration.personal_link_placeholder if registration else "",
        # For a place held until the address is confirmed: the link that confirms it.
        "confirm_link": registration.confirm_link_placeholder if registration else "",
        # Only for who may join the call now (``Registration.join_url``).
        "join_url": registration.join_url if registration else "",
        "event_url": calendar.absolute_url(event.get_absolute_url()),
        "site_url": settings.SITE_URL,
        "organisation_name": settings.ORGANISATION_NAME,
        "organisation_website": settings.ORGANISATION_WEBSITE,
        "calendar_links": calendar_links.links(event),
        **extra,
    }


def render(template: str, context: dict) -> tuple[str, str]:
    """The plain text and HTML bodies of ``templates/emails/<template>.html``: the text is
    derived from the HTML, so each email is written once."""
    html = render_to_string(f"emails/{template}.html", context)
    return plain_text.from_html(html), html


def _store(*, template: str, context: dict, ics: str = "", **addressed) -> OutboundEmail:
    """Write one email and store it. A second email with the same key is refused by the
    database (IntegrityError), which is how a reminder is never queued twice."""
    email = envelope(**addressed)
    email.body_text, email.body_html = render(template, context)
    email.calendar = ics
    email.save(force_insert=True)
    return email


def envelope(
    *,
    kind: str,
    key: str,
    to_email: str,
    to_name: str,
    subject: str,
    event: Event | None = None,
    registration: Registration | None = None,
) -> OutboundEmail:
    """Who an email goes to and what it is about, without its text."""
    if "\r" in to_email or "\n" in to_email:
        raise ValueError("An email address cannot contain a line break.")
    return OutboundEmail(
        kind=kind,
        key=key,
        event=event,
        registration=registration,
        recipient=to_email,
        recipient_name=single_line(to_name),
        reply_to=event.organiser.contact_email if event else "",
        subject=single_line(subject)[:300],
        message_id=f"<{uuid.uuid4().hex}@{calendar.site_domain()}>",
        next_attempt_at=timezone.now(),
    )


def _to_attendee(
    registration: Registration, kind: str, subject: str, *, key: str = "", ics: str = "", **extra
) -> OutboundEmail:
    event = registration.event
    return _store(
        kind=kind,
        key=key or f"{kind}:{registration.pk}",
        to_email=registration.email,
        to_name=registration.name,
        subject=subject,
        template=kind,
        context=_context(event, registration, **extra),
        event=event,
        registration=registration,
        ics=ics,
    )


def queue_registration_email(registration: Registration) -> OutboundEmail:
    """The confirmation with a calendar invitation, or the waiting-list notice, stored."""
    email = registration_email(registration)
    email.save(force_insert=True)
    return email


def registration_email(registration: Registration) -> OutboundEmail:
    """The confirmation with a calendar invitation, or the waiting-list notice, to be stored.

    Stored with the registration but written by the worker when it sends it (``compose``):
    registering, under the event's lock, does not wait for templates and calendar files.
    """
    with registration.in_own_language():
        email = envelope(
            to_email=registration.email,
            to_name=registration.name,
            event=registration.event,
            registration=registration,
            **_registration_email_kind(registration),
        )
    email.compose_later = True
    return email


def _registration_email_kind(registration: Registration) -> dict[str, str]:
    title = single_line(registration.event.title)
    if registration.is_on_hold:
        kind, subject = Kind.CONFIRM_ADDRESS, _("Please confirm your registration: %(title)s")
    elif registration.status == Status.WAITLISTED:
        kind, subject = Kind.WAITLISTED, _("You are on the waiting list: %(title)s")
    else:
        kind, subject = Kind.CONFIRMATION, _("Your place is confirmed: %(title)s")
    return {
        "kind": kind,
        "key": f"{kind}:{registration.pk}",
        "subject": single_line(subject % {"title": title})[:300],
    }


def compose(email: OutboundEmail) -> None:
    """Write the text of an email stored to be written later (``queue_registration_email``,
    ``queue_event_change_emails``)."""
    registration = email.registration
    with registration.in_own_language():
        extra = {}
        if email.kind == Kind.CONFIRMATION:
            # Echoed so the attendee sees what the organisers were told.
            extra["answers"] = list(registration.answers.all())
        if email.kind == Kind.WAITLISTED:
            extra["waitlist_position"] = registration.waitlist_position()
        if email.kind in CHANGE_KINDS:
            context = change_context(registration.event, registration, email.details)
        else:
            context = _context(registration.event, registration, **extra)
        email.body_text, email.body_html = render(email.kind, context)
        if email.kind == Kind.CONFIRMATION:
            email.calendar = invitations.invitation(registration)
        elif email.kind in CHANGE_KINDS and registration.status == Status.CONFIRMED:
            email.calendar = invitations.invitation(
                registration, cancel=email.kind == Kind.EVENT_CANCELLED
            )
    email.compose_later = False
    email.save(update_fields=["body_text", "body_html", "calendar", "compose_later"])


def queue_already_registered_email(registration: Registration) -> OutboundEmail:
    """Someone registered this address again: its own link goes to the address it was
    registered with, whatever was typed, and the form answers as for anyone."""
    with registration.in_own_language():
        return _to_attendee(
            registration,
            Kind.ALREADY_REGISTERED,
            _("You are already registered: %(title)s")
            % {"title": single_line(registration.event.title)},
            key=f"{Kind.ALREADY_REGISTERED}:{registration.pk}:{uuid.uuid4().hex}",
        )


def queue_promotion_email(registration: Registration) -> OutboundEmail:
    with registration.in_own_language():
        return _to_attendee(
            registration,
            Kind.PROMOTED,
            _("A place is now yours: %(title)s") % {"title": single_line(registration.event.title)},
            # Whoever is moved back to the waiting list can be promoted again, and told again.
            key=f"{Kind.PROMOTED}:{registration.pk}:{uuid.uuid4().hex}",
            ics=invitations.invitation(registration),
        )


def queue_cancellation_email(
    registration: Registration, *, had_place: bool = True
) -> OutboundEmail:
    """Confirms a cancellation; removes the event from the calendar of who had a place."""
    with registration.in_own_language():
        return _to_attendee(
            registration,
            Kind.CANCELLED,
            _("Your registration is cancelled: %(title)s")
            % {"title": single_line(registration.event.title)},
            # Whoever is given a place again (at the door) can cancel again, and be told again.
            key=f"{Kind.CANCELLED}:{registration.pk}:{uuid.uuid4().hex}",
            ics=invitations.invitation(registration, cancel=True) if had_place else "",
        )


def change_context(event: Event, registration: Registration, details: dict) -> dict:
    changed = details.get("changes", [])
    if isinstance(changed, dict):  # by language (``changes.event_changes_in_each_language``)
        changed = changed.get(translation.get_language()[:2]) or changed[settings.LANGUAGE_CODE]
    return _context(
        event,
        registration,
        changes=changed,
        reason=details.get("reason", ""),
    )


def reminder_due(now: datetime | None = None):
    """The registrations a reminder is due to now, each event at its own reminder time
    (``RegistrationSettings.reminder_hours``; none when it is 0)."""
    now = now or timezone.now()
    longest = timedelta(hours=max(MAX_REMINDER_HOURS, settings.REMINDER_HOURS_BEFORE))
    events = Event.objects.filter(
        status=Event.Status.PUBLISHED, starts_at__gt=now, starts_at__lte=now + longest
    ).select_related("registration_settings")
    by_hours: dict[float, list[int]] = {}
    for event in events:
        hours = RegistrationSettings.for_event(event).reminder_hours
        if hours > 0:
            by_hours.setdefault(hours, []).append(event.pk)
    due = Registration.objects.none()
    for hours, event_ids in by_hours.items():
        due |= Registration.objects.filter(event__in=event_ids).reminder_due(
            now, hours_before=hours
        )
    return due.select_related("event", "event__organiser")


def queue_reminders(
    now: datetime | None = None, *, then: Callable[[OutboundEmail], None] | None = None
) -> list[OutboundEmail]:
    """Store each due reminder once; safe to run often and twice at the same time.

    ``then`` is called with each reminder in the transaction that stores it: the caller
    queues its sending there. Returns the reminders stored.
    """
    stored = []
    for registration in reminder_due(now):
        event = registration.event
        try:
            with transaction.atomic(), registration.in_own_language():
                email = _to_attendee(
                    registration,
                    Kind.REMINDER,
                    subjects.reminder(registration.event),
                    # One reminder per start time: a postponed event reminds again.
                    key=f"{Kind.REMINDER}:{registration.pk}:{int(event.starts_at.timestamp())}",
                )
                Registration.objects.filter(pk=registration.pk).update(reminded_for=event.starts_at)
                if then is not None:
                    then(email)
        except IntegrityError:
            # Another run queued this reminder a moment ago: one copy is enough.
            continue
        stored.append(email)
    return stored


def render_organiser_message(
    *, event: Event, registration: Registration, body: str
) -> tuple[str, str]:
    """The message as an attendee gets it, for the organisers' preview: without their link."""
    text, html = render("message", _context(event, registration, body=body))
    stand_in = _("(their personal link)")
    placeholder = registration.personal_link_placeholder
    return text.replace(placeholder, stand_in), html.replace(placeholder, stand_in)


@transaction.atomic
def queue_organiser_message(
    *,
    event: Event,
    subject: str,
    body: str,
    include_waitlisted: bool,
    sent_by,
    attendance: str = "",
    answer_question: Question | None = None,
    answer_option: str = "",
) -> tuple[OrganiserMessage, list[OutboundEmail]]:
    """Write the organisers' message to each of the event's attendees chosen and record that it
    was sent, and to whom. Returns the record and the emails stored."""
    chosen = {
        "attendance": attendance,
        "answer_question": answer_question,
        "answer_option": answer_option if answer_question else "",
    }
    recipients = list(message_recipients(event, include_waitlisted=include_waitlisted, **chosen))
    message = OrganiserMessage.objects.create(
        event=event,
        subject=single_line(subject),
        body=body,
        include_waitlisted=include_waitlisted and not attendance,
        sent_by=sent_by,
        recipient_count=len(recipients),
        **chosen,
    )
    stored = []
    for registration in recipients:
        registration.event = event
        with registration.in_own_language():
            stored.append(
                _to_attendee(
                    registration,
                    Kind.MESSAGE,
                    message.subject,
                    key=f"message:{message.pk}:{registration.pk}",
                    body=body,
                )
            )
    return message, stored


@transaction.atomic
def queue_personal_links(*, request_id: int) -> OutboundEmail | None:
    """Answer a request for the personal links of an address, then forget the request.

    The address gets one email listing its active registrations for events still to come,
    if it has any.
    """
    request = LinkRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:  # answered already, or deleted with the person's data
        return None
    registrations = list(
        Registration.objects.active()
        .filter(email__iexact=request.email, event__ends_at__gte=timezone.now())
        .select_related("event")
        .order_by("event__starts_at")
    )
    request.delete()
    if not registrations:
        return None
    with registrations[0].in_own_language():  # one email for all, in the next event's language
        # Each event's words in that language too, where the organisers gave them.
        links = [
            (registration.event.in_language(), registration.personal_link_placeholder)
            for registration in registrations
        ]
        email = _store(
            kind=Kind.PERSONAL_LINKS,
            key=f"{Kind.PERSONAL_LINKS}:{uuid.uuid4().hex}",
            to_email=registrations[0].email,
            to_name=registrations[0].name,
            subject=_("Your registration links"),
            template=Kind.PERSONAL_LINKS,
            context={
                "attendee": registrations[0],
                "links": links,
                "site_url": settings.SITE_URL,
                "organisation_name": settings.ORGANISATION_NAME,
                "organisation_website": settings.ORGANISATION_WEBSITE,
            },
        )
    email.listed_registrations.set(registrations)
    return email
