"""iCalendar files: the public feeds and, through ``calendar_event``, the personal invitations."""

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Event

PRODUCT_ID = "-//Turnout//Events//EN"


def site_domain() -> str:
    """The host of SITE_URL, which makes calendar UIDs and Message-IDs unique to this site."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def sequence(event: Event) -> int:
    """A number that grows each time the event is saved, so calendars apply the latest version.

    Counted in seconds since the event was created: no field to keep up to date.
    """
    return max(int((event.updated_at - event.created_at).total_seconds()), 0)


def location(event: Event) -> str:
    return ", ".join(
        part for part in [event.venue_name, " ".join(event.venue_address.split())] if part
    )


def calendar_event(
    event: Event, *, uid: str, seq: int | None = None, join_url: str = ""
) -> icalendar.Event:
    """The event as a VEVENT, with its times in the event's own timezone (TZID).

    ``join_url`` is given only for an attendee's own invitation: public calendars never hold
    the join link of an online event, which only confirmed attendees get.
    """
    vevent = icalendar.Event()
    vevent.add("uid", uid)
    vevent.add("sequence", sequence(event) if seq is None else seq)
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", event.local_starts_at)
    vevent.add("dtend", event.local_ends_at)
    vevent.add("summary", event.title)
    url = absolute_url(event.get_absolute_url())
    join = _("Join online: %(url)s") % {"url": join_url} if join_url else ""
    vevent.add("description", "\n\n".join(part for part in [event.summary, join, url] if part))
    # Calendar programs open URL and make a link of LOCATION: the call, where there is one.
    vevent.add("url", join_url or url)
    where = " · ".join(part for part in [location(event), join_url] if part)
    if where:
        vevent.add("location", where)
    if event.status == Event.Status.CANCELLED:
        vevent.add("status", "CANCELLED")
    else:
        vevent.add("status", "CONFIRMED")
    return vevent


def calendar(
    vevents: Iterable[icalendar.Event], *, method: str = "PUBLISH", name: str = ""
) -> bytes:
    """``name`` is what calendar programs call a subscribed calendar (X-WR-CALNAME)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    days = []
    for vevent in vevents:
        cal.add_component(vevent)
        days += [vevent.decoded("dtstart").date(), vevent.decoded("dtend").date()]
    # VTIMEZONE blocks for every TZID used, so each calendar program reads local times right.
    # They cover the events' years: all of history would be slow to write and long to read.
    if days:
        cal.add_missing_timezones(
            first_date=min(days) - timedelta(days=366), last_date=max(days) + timedelta(days=366)
        )
    return cal.to_ical()


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{site_domain()}"


def feed(events: Iterable[Event], *, name: str = "") -> bytes:
    """A calendar to subscribe to or import: one VEVENT per event."""
    return calendar((calendar_event(event, uid=event_uid(event)) for event in events), name=name)
