""" "Add to calendar" links for people whose calendar lives on the web (Google, Outlook), beside
the .ics file, and the address to subscribe to all events (``webcal://``)."""

from datetime import UTC, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import calendar
from .models import Event


def _details(event: Event) -> str:
    url = calendar.absolute_url(event.get_absolute_url())
    return "\n\n".join(part for part in [event.summary, url] if part)


def google(event: Event, **entry) -> str:
    """A Google Calendar page that adds the event (times in UTC, shown in the event's zone);
    ``entry`` replaces what it says (``reminder`` does)."""
    entry = {**_entry(event), **entry}
    utc = "%Y%m%dT%H%M%SZ"
    starts, ends = entry["starts"].astimezone(UTC), entry["ends"].astimezone(UTC)
    query = {
        "action": "TEMPLATE",
        "text": entry["title"],
        "dates": f"{starts:{utc}}/{ends:{utc}}",
        "ctz": event.timezone,
        "details": entry["details"],
        "location": entry["location"],
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook(event: Event, *, host: str = "outlook.live.com", **entry) -> str:
    """An Outlook page that adds the event: outlook.live.com for personal accounts,
    outlook.office.com for work ones."""
    entry = {**_entry(event), **entry}
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": entry["title"],
        "startdt": entry["starts"].astimezone(event.tzinfo).isoformat(),
        "enddt": entry["ends"].astimezone(event.tzinfo).isoformat(),
        "body": entry["details"],
        "location": entry["location"],
    }
    return f"https://{host}/calendar/0/action/compose?" + urlencode(query)


def _entry(event: Event) -> dict:
    return {
        "title": event.title,
        "starts": event.starts_at,
        "ends": event.ends_at,
        "details": _details(event),
        "location": calendar.location(event),
    }


def links(event: Event, **entry) -> dict[str, str]:
    return {
        "google": google(event, **entry),
        "outlook": outlook(event, **entry),
        "office365": outlook(event, host="outlook.office.com", **entry),
    }


def reminder(event: Event) -> dict[str, str]:
    """Links that put "registration opens" in a calendar, for an event not open yet."""
    opens = event.registration_opens_at
    return links(
        event,
        title=_("Registration opens: %(title)s") % {"title": event.title},
        starts=opens,
        ends=opens + timedelta(minutes=15),
        location="",
    )


def subscription_url() -> str:
    """``/events.ics`` as ``webcal://``: calendar programs subscribe to it and keep it fresh.

    Calendar programs fetch it without the visitor's language, so the address asks for the
    language of the page it is offered on, unless that is the site's own.
    """
    site = settings.SITE_URL.split("://", 1)[-1]
    language = translation.get_language() or settings.LANGUAGE_CODE
    asked = "" if language == settings.LANGUAGE_CODE else f"?lang={language}"
    return f"webcal://{site}{reverse('events_ics')}{asked}"
