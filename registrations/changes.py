"""Telling attendees that the organisers changed an event: what changed (old → new) and
storing the emails, which the worker writes when it sends them (``emails.compose``).

``services.change_event`` saves the change under the event's lock and queues one task
(``tasks.announce_event_change``); the task stores the emails here, after the lock is gone,
so that a change of an event with many attendees never holds up registering.
"""

from datetime import datetime

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

from events import times
from events.models import Event

from . import emails
from .models import OutboundEmail, Registration

Kind = OutboundEmail.Kind

# The fields of an event whose change attendees are told about.
TIME_AND_PLACE_FIELDS = {
    "starts_at",
    "ends_at",
    "timezone",
    "venue_name",
    "venue_address",
    "map_url",
    "attendance_mode",
    "join_url",
}


def _when(event: Event) -> tuple[str, str]:
    """The event's date and time as the change email compares them."""
    starts, ends = event.local_starts_at, event.local_ends_at
    date = formats.date_format(starts, "DATE_FORMAT")
    if ends.date() != starts.date():
        date = f"{date} – {formats.date_format(ends, 'DATE_FORMAT')}"
    time = (
        f"{formats.time_format(starts, 'TIME_FORMAT')}–{formats.time_format(ends, 'TIME_FORMAT')}"
        f" {times.zone_label(starts, event.timezone)}"
    )
    return date, time


def _place(event: Event) -> str:
    parts = (event.venue_name, event.venue_address)
    return emails.single_line(", ".join(part for part in parts if part))


def event_changes(before: Event, after: Event) -> list[dict[str, str]]:
    """What attendees care about that differs between two states of an event: the date, the
    time and the place, each as ``{"label", "old", "new"}`` in words of the emails."""
    (old_date, old_time), (new_date, new_time) = _when(before), _when(after)
    compared = [
        (_("Date"), old_date, new_date),
        (_("Time"), old_time, new_time),
        (_("Place"), _place(before), _place(after)),
        (_("Map"), before.map_url, after.map_url),
        (
            _("Attendance"),
            str(before.get_attendance_mode_display()),
            str(after.get_attendance_mode_display()),
        ),
    ]
    return [
        {"label": str(label), "old": old, "new": new} for label, old, new in compared if old != new
    ]


def event_changes_in_each_language(before: Event, after: Event) -> dict[str, list[dict]]:
    """``event_changes`` in each of the site's languages, by language code: the email is
    written later in each attendee's own language, with the event's words in it."""
    in_each = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            in_each[code] = event_changes(before.in_language(code), after.in_language(code))
    return in_each


def change_kind(event: Event, changed_fields: list[str]) -> str | None:
    """The email a change of ``event`` calls for, if any: the event was cancelled, or the
    time or place of a published event changed."""
    if "status" in changed_fields and event.status == Event.Status.CANCELLED:
        return Kind.EVENT_CANCELLED
    if TIME_AND_PLACE_FIELDS & set(changed_fields) and event.status == Event.Status.PUBLISHED:
        return Kind.EVENT_CHANGED
    return None


def change_recipients(event: Event):
    """Who is told about a change: active registrations, without the held places, which get
    the event as it is when they confirm their address."""
    return Registration.objects.filter(event=event).active().not_on_hold()


def change_subject(kind: str, event: Event) -> str:
    subject = _("Cancelled: %(title)s") if kind == Kind.EVENT_CANCELLED else _("Changed: %(title)s")
    return subject % {"title": emails.single_line(event.title)}


def queue_event_change_emails(*, event_id: int, kind: str, details: dict) -> list[OutboundEmail]:
    """Store the email about a change of the event to each person registered before it, to
    be written by the worker when it sends it (``compose``). ``details`` holds ``changes``
    (``event_changes``), the organisers' ``reason`` and ``at``, when the change was saved,
    and ``key``, which names the change: every change is announced, each once.

    Run by the worker after the change is saved, not while the event's row is locked.
    """
    event = Event.objects.select_related("organiser").get(pk=event_id)
    recipients = change_recipients(event).filter(
        created_at__lte=datetime.fromisoformat(details["at"])
    )
    envelopes = []
    for registration in recipients:
        registration.event = event
        with registration.in_own_language():
            email = emails.envelope(
                kind=kind,
                key=f"{kind}:{details['key']}:{registration.pk}",
                to_email=registration.email,
                to_name=registration.name,
                subject=change_subject(kind, registration.event),
                event=event,
                registration=registration,
            )
        email.compose_later = True
        email.details = details
        envelopes.append(email)
    return OutboundEmail.objects.bulk_create(envelopes, ignore_conflicts=False)


def render_event_change(
    *, event: Event, registration: Registration, kind: str, details: dict
) -> tuple[str, str]:
    """The change email as ``registration`` gets it (its link left as a placeholder)."""
    return emails.render(kind, emails.change_context(event, registration, details))
