"""What an event page tells search engines and link previews: schema.org ``Event`` JSON-LD.

Google lists an event as a rich result from these fields
(https://developers.google.com/search/docs/appearance/structured-data/event). A join link of
an online event is never here: only confirmed attendees see it.
"""

from django.conf import settings

from . import calendar
from .models import Event, Organiser

SCHEMA = "https://schema.org/"

# Registration state → schema.org ItemAvailability of the (free) offer.
AVAILABILITY = {
    Event.RegistrationState.OPEN: "InStock",
    Event.RegistrationState.WAITLIST: "SoldOut",
    Event.RegistrationState.FULL: "SoldOut",
    Event.RegistrationState.NOT_YET_OPEN: "PreOrder",
    Event.RegistrationState.CLOSED: "SoldOut",
    Event.RegistrationState.CANCELLED: "Discontinued",
}

# Attendance modes (``Event.attendance_mode``) → schema.org EventAttendanceModeEnumeration.
ATTENDANCE_MODES = {
    Event.AttendanceMode.IN_PERSON: "OfflineEventAttendanceMode",
    Event.AttendanceMode.ONLINE: "OnlineEventAttendanceMode",
    Event.AttendanceMode.HYBRID: "MixedEventAttendanceMode",
}


def _organisation(organiser: Organiser) -> dict:
    data = {"@type": "Organization", "name": organiser.name}
    if organiser.website:
        data["url"] = organiser.website
    return data


def _locations(event: Event, mode: str, url: str) -> list[dict]:
    locations = []
    if mode != Event.AttendanceMode.ONLINE:
        place = {"@type": "Place", "name": event.venue_name or event.title}
        address = " ".join(event.venue_address.split())
        if address:
            place["address"] = {"@type": "PostalAddress", "streetAddress": address}
        locations.append(place)
    if mode != Event.AttendanceMode.IN_PERSON:
        # The event's own page, never its join link.
        locations.append({"@type": "VirtualLocation", "url": url})
    return locations


def event_data(event: Event, *, registration_state: str = "") -> dict:
    """The schema.org ``Event`` of ``event``; with ``registration_state`` (what registrations
    says of its places), a free offer whose availability says whether places are left."""
    url = calendar.absolute_url(event.get_absolute_url())
    mode = event.attendance_mode
    cancelled = event.status == Event.Status.CANCELLED
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": event.local_starts_at.isoformat(),
        "endDate": event.local_ends_at.isoformat(),
        "eventStatus": SCHEMA + ("EventCancelled" if cancelled else "EventScheduled"),
        "eventAttendanceMode": SCHEMA + ATTENDANCE_MODES[mode],
        "location": _locations(event, mode, url),
        "organizer": [_organisation(event.organiser)]
        + [_organisation(partner) for partner in event.co_organisers.all()],
        "url": url,
    }
    if event.summary:
        data["description"] = event.summary
    if event.image_url:
        data["image"] = [event.image_url]
    if registration_state in AVAILABILITY:
        data["offers"] = {
            "@type": "Offer",
            "price": 0,
            "priceCurrency": settings.OFFER_CURRENCY,
            "availability": SCHEMA + AVAILABILITY[registration_state],
            "url": url,
        }
        if event.registration_opens_at:
            data["offers"]["validFrom"] = event.registration_opens_at.astimezone(
                event.tzinfo
            ).isoformat()
    return data
