"""The attendee's own calendar entry: emailed as an invitation, downloaded from their page.

Both carry the registration's UID, so a calendar that has one updates it with the other
instead of showing the event twice.
"""

from email.utils import parseaddr

import icalendar
from django.conf import settings

from events import calendar

from .models import Registration


def single_line(value: str) -> str:
    """Text fit for an email header or a calendar property: a line break could start a header
    of its own."""
    return " ".join(str(value).split())


def invitation(registration: Registration, *, cancel: bool = False, method: str = "") -> str:
    """The attendee's own calendar entry: the same UID for their registration, always."""
    event = registration.event
    seq = calendar.sequence(event) + (1 if cancel else 0)
    vevent = calendar.calendar_event(
        event,
        uid=f"{registration.calendar_uid}@{calendar.site_domain()}",
        seq=seq,
        join_url="" if cancel else registration.join_url,
    )
    organiser_email = event.organiser.contact_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    organiser = icalendar.vCalAddress(f"mailto:{organiser_email}")
    organiser.params["cn"] = single_line(event.organiser.name)
    vevent.add("organizer", organiser)
    attendee = icalendar.vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = single_line(registration.name)
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = "DECLINED" if cancel else "ACCEPTED"
    attendee.params["rsvp"] = "FALSE"
    vevent.add("attendee", attendee)
    if cancel:
        vevent["status"] = "CANCELLED"
    method = method or ("CANCEL" if cancel else "REQUEST")
    return calendar.calendar([vevent], method=method).decode()
