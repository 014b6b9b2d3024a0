"""Attendee lists for the venue and the caterers, as CSV and XLSX.

Both formats read the registrations in chunks and the answers chunk by chunk, so memory stays
flat and the number of queries grows with the chunks, never with the rows. The CSV streams.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast, TruncMinute
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from events.models import Event

from .models import Answer, Question, Registration

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_STARTS = frozenset(FORMULA_TRIGGERS)
CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: str) -> str:
    """Make a CSV cell show as text in Excel and LibreOffice, never run as a formula."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


TIME_FIELDS = ["created_at", "cancelled_at", "checked_in_at", "privacy_consent_at"]


def local_minute(field: str, tz) -> Cast:
    """``field`` in ``tz`` as "YYYY-MM-DD HH:MM:SS" text.

    The database converts the times: parsing and formatting them in Python would take longer
    than everything else in a long export.
    """
    return Cast(TruncMinute(field, tzinfo=tz), output_field=CharField())


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    # Reads the cell from a row of ``AttendeeExport.FIELDS`` values and that row's answers.
    value: Callable[[tuple, dict[int, str]], str]


class AttendeeExport:
    """The rows of one event's attendee list, with the columns and statuses asked for."""

    # What each row reads from the database, in this order; times come as local-time text.
    FIELDS = [
        "pk", "name", "email", "organisation", "role", "access_needs", "dietary_requirements",
        "status", "privacy_notice_version", *(f"{name}_local" for name in TIME_FIELDS),
    ]  # fmt: skip

    def __init__(self, event: Event):
        self.event = event
        self.questions = list(Question.objects.filter(event=event).for_export())
        self.select()

    def select(self, *, columns: list[str] | None = None, statuses=None) -> None:
        """Keep only these columns (by key) and statuses; ``None`` keeps all of them."""
        available = self.available_columns()
        self.columns = [column for column in available if columns is None or column.key in columns]
        self.statuses = list(statuses or Registration.Status.values)
        chosen = {column.key for column in self.columns}
        self.answered = [question for question in self.questions if f"q{question.pk}" in chosen]

    def available_columns(self) -> list[Column]:
        index = {name: position for position, name in enumerate(self.FIELDS)}
        status_labels = {value: str(label) for value, label in Registration.Status.choices}

        def text(name):
            position = index[name]
            return lambda row, answers: row[position]

        def local_time(name):
            position = index[f"{name}_local"]
            return lambda row, answers: row[position][:16] if row[position] else ""

        def answer(question):
            pk, display = question.pk, question.displayer()

            def value(row, answers):
                stored = answers.get(pk)
                return display(stored) if stored else ""

            return value

        def question_title(question):
            if question.archived_at:
                return _("%(question)s (removed)") % {"question": question.label}
            return question.label

        status = index["status"]
        return [
            Column("name", _("Name"), text("name")),
            Column("email", _("Email"), text("email")),
            Column("organisation", _("Organisation"), text("organisation")),
            Column("role", _("Role"), text("role")),
            Column("access_needs", _("Access needs"), text("access_needs")),
            Column("dietary_requirements", _("Dietary requirements"), text("dietary_requirements")),
            *[Column(f"q{q.pk}", question_title(q), answer(q)) for q in self.questions],
            Column("status", _("Status"), lambda row, answers: status_labels[row[status]]),
            Column("created_at", _("Registered at"), local_time("created_at")),
            Column("cancelled_at", _("Cancelled at"), local_time("cancelled_at")),
            Column("checked_in_at", _("Checked in at"), local_time("checked_in_at")),
            Column("privacy_consent_at", _("Consent given at"), local_time("privacy_consent_at")),
            Column(
                "privacy_notice_version",
                _("Privacy notice version"),
                text("privacy_notice_version"),
            ),
        ]

    def header(self) -> list[str]:
        return [column.title for column in self.columns]

    def chunk_size(self) -> int:
        # SQLite limits how many ids one query may list.
        return min(CHUNK_SIZE, connection.features.max_query_params or CHUNK_SIZE)

    def chunks(self, size: int | None = None) -> Iterator[list[list[str]]]:
        """The rows in registration order, a chunk at a time, with that chunk's answers."""
        size = size or self.chunk_size()
        rows = (
            Registration.objects.filter(event=self.event, status__in=self.statuses)
            .order_by("created_at", "pk")
            .annotate(
                **{f"{name}_local": local_minute(name, self.event.tzinfo) for name in TIME_FIELDS}
            )
            .values_list(*self.FIELDS)
            .iterator(chunk_size=size)
        )
        values = [column.value for column in self.columns]
        while chunk := list(islice(rows, size)):
            answers = self._answers_of([row[0] for row in chunk])
            no_answers = {}
            yield [
                [value(row, answers.get(row[0], no_answers)) for value in values] for row in chunk
            ]

    def _answers_of(self, registration_ids: list[int]) -> dict[int, dict[int, str]]:
        if not self.answered:
            return {}
        by_registration: dict[int, dict[int, str]] = {}
        answers = (
            Answer.objects.filter(registration_id__in=registration_ids, question__in=self.answered)
            .order_by()
            .values_list("registration_id", "question_id", "value")
        )
        for registration_id, question_id, value in answers:
            by_registration.setdefault(registration_id, {})[question_id] = value
        return by_registration

    def filename(self, extension: str) -> str:
        return f"{self.event.slug}-attendees.{extension}"


def csv_chunks(export: AttendeeExport) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # A byte order mark makes Excel read the file as UTF-8.
    buffer.write("\ufeff")
    writer.writerow(export.header())
    yield buffer.getvalue()
    for chunk in export.chunks():
        buffer.seek(0)
        buffer.truncate()
        # ``neutralise``, written out: it runs for every cell.
        writer.writerows(
            [
                ["'" + value if value[:1] in FORMULA_STARTS else value for value in row]
                for row in chunk
            ]
        )
        yield buffer.getvalue()


def attendees_csv_response(export: AttendeeExport) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(export), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename("csv")}"'
    return response


def _xlsx_cell(sheet, value: str):
    """A cell that spreadsheet programs show as the text itself, never as a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith(FORMULA_TRIGGERS):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell


def attendees_xlsx_response(export: AttendeeExport) -> FileResponse:
    # Write-only mode keeps rows on disk, not in memory; the file is sent once complete.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Attendees"))
    sheet.append(export.header())
    for chunk in export.chunks():
        for row in chunk:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=export.filename("xlsx"), content_type=XLSX_CONTENT_TYPE
    )
