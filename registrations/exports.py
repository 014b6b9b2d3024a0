"""Attendee lists for the venue and the caterers."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event

from .models import Registration

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Make a cell show as text in Excel and LibreOffice, never run as a formula."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def columns() -> list[tuple[str, callable]]:
    def local(field):
        def value(registration):
            moment = getattr(registration, field)
            if moment is None:
                return ""
            return timezone.localtime(moment, registration.event.tzinfo).strftime("%Y-%m-%d %H:%M")

        return value

    return [
        (_("Name"), lambda r: r.name),
        (_("Email"), lambda r: r.email),
        (_("Organisation"), lambda r: r.organisation),
        (_("Role"), lambda r: r.role),
        (_("Access needs"), lambda r: r.access_needs),
        (_("Dietary requirements"), lambda r: r.dietary_requirements),
        (_("Status"), lambda r: str(r.get_status_display())),
        (_("Registered at"), local("created_at")),
        (_("Cancelled at"), local("cancelled_at")),
        (_("Checked in at"), local("checked_in_at")),
        (_("Consent given at"), local("privacy_consent_at")),
        (_("Privacy notice version"), lambda r: r.privacy_notice_version),
    ]


class _Echo:
    def write(self, value):
        return value


def csv_rows(event: Event, registrations: Iterable[Registration]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    spec = columns()
    # A byte order mark makes Excel read the file as UTF-8.
    yield "\ufeff" + writer.writerow([title for title, _value in spec])
    for registration in registrations:
        registration.event = event
        yield writer.writerow([neutralise(value(registration)) for _title, value in spec])


def attendees_csv_response(event: Event) -> StreamingHttpResponse:
    registrations = (
        Registration.objects.filter(event=event).order_by("created_at", "pk").iterator(2000)
    )
    response = StreamingHttpResponse(
        csv_rows(event, registrations), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-attendees.csv"'
    return response
