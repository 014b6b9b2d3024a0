"""The code an attendee shows at the door: a QR code of their check-in entry in the admin,
which only the event's organisers can open. On their personal page and in their emails."""

import io

import segno
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from events import calendar
from events.models import Event

from .models import Registration


def has_code(registration: Registration) -> bool:
    """Only someone with a place at an event that is still on gets one."""
    return (
        registration.status == Registration.Status.CONFIRMED
        and not registration.is_on_hold
        and registration.event.status != Event.Status.CANCELLED
        and not registration.event.is_past()
    )


def _qr(registration: Registration) -> segno.QRCode:
    path = reverse(
        "admin:events_event_checkin_entry", args=[registration.event_id, registration.pk]
    )
    return segno.make(calendar.absolute_url(path), error="m")


def svg(registration: Registration) -> str:
    """Inline SVG for the personal page, or "" for who has no place."""
    if not has_code(registration):
        return ""
    code = _qr(registration).svg_inline(scale=5, border=2, title=_("Check-in code"))
    return mark_safe(code)  # noqa: S308 - segno builds the SVG from our own URL


def png(registration: Registration) -> bytes:
    """PNG for emails, where SVG is not shown everywhere."""
    buffer = io.BytesIO()
    _qr(registration).save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()
