"""An event's time as people read it: "10:00–12:30 Spanish time (CET)", never an IANA ID.

Attendees come from many countries: "Europe/Madrid" means little to most of them, and
"CET" alone is ambiguous to many. So a zone is named in words, with its abbreviation for
those who know it, and the event page adds the visitor's own time when it differs
(``static/local-time.js``).
"""

import zoneinfo
from datetime import datetime

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Readable names of the zones events are most often in. Others are named after the city of
# their IANA ID ("America/Bogota" is "Bogota time").
ZONE_NAMES = {
    "UTC": gettext_lazy("UTC"),
    "Etc/UTC": gettext_lazy("UTC"),
    "Europe/Madrid": gettext_lazy("Spanish time"),
    "Atlantic/Canary": gettext_lazy("Canary Islands time"),
    "Europe/Lisbon": gettext_lazy("Portuguese time"),
    "Europe/London": gettext_lazy("UK time"),
    "Europe/Dublin": gettext_lazy("Irish time"),
    "Europe/Paris": gettext_lazy("French time"),
    "Europe/Brussels": gettext_lazy("Belgian time"),
    "Europe/Amsterdam": gettext_lazy("Dutch time"),
    "Europe/Berlin": gettext_lazy("German time"),
    "Europe/Rome": gettext_lazy("Italian time"),
    "Europe/Vienna": gettext_lazy("Austrian time"),
    "Europe/Stockholm": gettext_lazy("Swedish time"),
    "Europe/Warsaw": gettext_lazy("Polish time"),
    "Europe/Athens": gettext_lazy("Greek time"),
    "Europe/Kyiv": gettext_lazy("Ukrainian time"),
    "Europe/Istanbul": gettext_lazy("Turkish time"),
    "America/New_York": gettext_lazy("US Eastern time"),
    "America/Chicago": gettext_lazy("US Central time"),
    "America/Denver": gettext_lazy("US Mountain time"),
    "America/Los_Angeles": gettext_lazy("US Pacific time"),
    "America/Toronto": gettext_lazy("Toronto time"),
    "America/Mexico_City": gettext_lazy("Mexico City time"),
    "America/Bogota": gettext_lazy("Colombian time"),
    "America/Lima": gettext_lazy("Peruvian time"),
    "America/Santiago": gettext_lazy("Chilean time"),
    "America/Sao_Paulo": gettext_lazy("Brasília time"),
    "America/Argentina/Buenos_Aires": gettext_lazy("Argentine time"),
    "Africa/Lagos": gettext_lazy("West Africa time"),
    "Africa/Nairobi": gettext_lazy("East Africa time"),
    "Africa/Johannesburg": gettext_lazy("South African time"),
    "Asia/Kolkata": gettext_lazy("India time"),
    "Asia/Jakarta": gettext_lazy("Western Indonesia time"),
    "Asia/Manila": gettext_lazy("Philippine time"),
    "Asia/Singapore": gettext_lazy("Singapore time"),
    "Asia/Tokyo": gettext_lazy("Japan time"),
    "Asia/Seoul": gettext_lazy("Korean time"),
    "Australia/Sydney": gettext_lazy("Sydney time"),
    "Pacific/Auckland": gettext_lazy("New Zealand time"),
}


def zone_name(zone: str) -> str:
    """``Europe/Madrid`` as "Spanish time"; an unknown zone as its city's time."""
    if zone in ZONE_NAMES:
        return str(ZONE_NAMES[zone])
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return _("%(city)s time") % {"city": city}


def abbreviation(moment: datetime) -> str:
    """ "CET", "CEST"… or "UTC+3" where the zone has no letters of its own (tzdata writes
    "+03")."""
    letters = moment.strftime("%Z")
    if letters[:1] not in "+-":
        return letters
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(moment: datetime, zone: str) -> str:
    """ "Spanish time (CEST)" for ``moment`` in ``zone``; plain "UTC" for UTC."""
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    name, short = zone_name(zone), abbreviation(local)
    if name == short:
        return name
    return _("%(name)s (%(abbreviation)s)") % {"name": name, "abbreviation": short}


def time_range(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """ "Monday 6 October 2025, 10:00–12:30 Spanish time (CEST)"; both dates when the event
    ends on another day."""
    tz = zoneinfo.ZoneInfo(zone)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    first = formats.date_format(start, _("l j F Y, H:i"))
    last = formats.time_format(end, "H:i")
    if start.date() != end.date():
        last = formats.date_format(end, _("l j F Y, H:i"))
    return f"{first}–{last} {zone_label(start, zone)}"


def event_time(event) -> str:
    """When ``event`` happens, in its own timezone, in words."""
    return time_range(event.starts_at, event.ends_at, event.timezone)
