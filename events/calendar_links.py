""" "Add to calendar" links for people whose calendar lives on the web (Google, Outlook), beside
the .ics file, and the address to subscribe to all events (``webcal://``)."""

from datetime import UTC
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from . import calendar
from .models import Event


def _details(event: Event) -> str:
    url = calendar.absolute_url(event.get_absolute_url())
    return "\n\n".join(part for part in [event.summary, url] if part)


def google(event: Event) -> str:
    """A Google Calendar page that adds the event (times in UTC, shown in the event's zone)."""
    utc = "%Y%m%dT%H%M%SZ"
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{event.starts_at.astimezone(UTC):{utc}}/{event.ends_at.astimezone(UTC):{utc}}",
        "ctz": event.timezone,
        "details": _details(event),
        "location": calendar.location(event),
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook(event: Event, *, host: str = "outlook.live.com") -> str:
    """An Outlook page that adds the event: outlook.live.com for personal accounts,
    outlook.office.com for work ones."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": event.local_starts_at.isoformat(),
        "enddt": event.local_ends_at.isoformat(),
        "body": _details(event),
        "location": calendar.location(event),
    }
    return f"https://{host}/calendar/0/action/compose?" + urlencode(query)


def links(event: Event) -> dict[str, str]:
    return {
        "google": google(event),
        "outlook": outlook(event),
        "office365": outlook(event, host="outlook.office.com"),
    }


def subscription_url() -> str:
    """``/events.ics`` as ``webcal://``: calendar programs subscribe to it and keep it fresh."""
    site = settings.SITE_URL.split("://", 1)[-1]
    return f"webcal://{site}{reverse('events_ics')}"
