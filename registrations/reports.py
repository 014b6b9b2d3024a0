"""Reports across events: the numbers a funder asks for, over a range of dates, as XLSX.

Every figure counts confirmed places, never places held for addresses nobody confirmed; people
are told apart by their address in lower case. Erased people are in the counts of places and
attendance (their registrations keep event, status and times) but not among the people or
organisations, since nothing says who they were any more.
"""

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import Lower
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from events.models import Event

from .exports import FORMULA_TRIGGERS, XLSX_CONTENT_TYPE
from .models import NO_REGISTRATIONS, Registration

MIN_WIDTH, MAX_WIDTH = 10, 60


@dataclass
class EventLine:
    event: Event
    day: date
    confirmed: int
    waitlisted: int
    cancelled: int
    attended: int

    @property
    def no_shows(self) -> int:
        return self.confirmed - self.attended


@dataclass
class Report:
    start: date
    end: date
    lines: list[EventLine] = field(default_factory=list)
    registrations: int = 0
    attended: int = 0
    people: int = 0
    returning: int = 0
    organisations: int = 0

    def figures(self) -> list[tuple[str, int, str]]:
        """(what, how many, what it counts) for the summary."""
        return [
            (_("Events"), len(self.lines), _("Published events starting in the period.")),
            (
                _("Registrations"),
                self.registrations,
                _("Confirmed places at these events (not the waiting list or cancellations)."),
            ),
            (_("Attended"), self.attended, _("Confirmed attendees who checked in.")),
            (
                _("Unique people"),
                self.people,
                _("Different email addresses (in lower case) among the confirmed places."),
            ),
            (
                _("Returning attendees"),
                self.returning,
                _("People who checked in at two or more of these events."),
            ),
            (
                _("Organisations reached"),
                self.organisations,
                _("Different organisations (ignoring case and spacing) of confirmed attendees."),
            ),
        ]


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def across_events(*, events: QuerySet[Event], start: date, end: date) -> Report:
    """The report of ``events`` (already limited to what the user may see) that start between
    ``start`` and ``end`` included, as days in the current timezone (the organiser's)."""
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    chosen = list(
        Event.objects.filter(
            pk__in=events.values("pk"),
            status=Event.Status.PUBLISHED,
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .select_related("organiser")
        .order_by("starts_at", "pk")
    )
    report = Report(start=start, end=end)
    places = Registration.objects.filter(event__in=chosen).not_on_hold()
    counts = places.counts_by_event()
    for event in chosen:
        counted = counts.get(event.pk, NO_REGISTRATIONS)
        report.lines.append(
            EventLine(
                event=event,
                day=timezone.localtime(event.starts_at, event.tzinfo).date(),
                confirmed=counted["confirmed"],
                waitlisted=counted["waitlisted"],
                cancelled=counted["cancelled"],
                attended=counted["checked_in"],
            )
        )
    report.registrations = sum(line.confirmed for line in report.lines)
    report.attended = sum(line.attended for line in report.lines)
    known = places.confirmed().filter(anonymised_at__isnull=True).annotate(address=Lower("email"))
    report.people = known.values("address").distinct().count()
    report.returning = (
        known.filter(checked_in_at__isnull=False)
        .values("address")
        .annotate(events=Count("event", distinct=True))
        .filter(events__gte=2)
        .count()
    )
    organisations = Counter(
        _normalised(name) for name in known.values_list("organisation", flat=True)
    )
    report.organisations = len([name for name in organisations if name])
    return report


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    """A sheet with a frozen, filterable header and columns as wide as their content."""
    sheet = workbook.create_sheet(title)
    sheet.append([_text(name) for name in header])
    for row in rows:
        sheet.append([_text(value) if isinstance(value, str) else value for value in row])
    for cells in sheet.iter_rows(min_row=1):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                # Organisers' text is text: never run as a formula.
                cell.data_type = "s"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(zip(*[header, *rows], strict=True), start=1):
        longest = max(len(str(value)) if value is not None else 0 for value in column)
        width = min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width


def report_workbook(report: Report) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        _("Summary"),
        [_("Measure"), _("Number"), _("What it counts")],
        [[name, number, meaning] for name, number, meaning in report.figures()],
    )
    _sheet(
        workbook,
        _("Events"),
        [
            _("Date"),
            _("Event"),
            _("Organiser"),
            _("Capacity"),
            _("Confirmed"),
            _("Attended"),
            _("No-shows"),
            _("Waiting list"),
            _("Cancelled"),
        ],
        [
            [
                line.day,
                line.event.title,
                line.event.organiser.name,
                line.event.capacity,
                line.confirmed,
                line.attended,
                line.no_shows,
                line.waitlisted,
                line.cancelled,
            ]
            for line in report.lines
        ],
    )
    return workbook


def report_xlsx_response(report: Report) -> FileResponse:
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    report_workbook(report).save(output)
    output.seek(0)
    filename = f"turnout-report-{report.start.isoformat()}-{report.end.isoformat()}.xlsx"
    return FileResponse(
        output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
