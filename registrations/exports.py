"""Attendee lists for the venue and the caterers, as CSV and XLSX.

Both formats read the registrations in chunks and the answers chunk by chunk, so memory stays
flat and the number of queries grows with the chunks, never with the rows. The CSV streams.
"""

import csv
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from django.db import connection
from django.db.models import Case, CharField, Expression, F, Value, When
from django.db.models.functions import Cast, Coalesce, Replace, Substr, TruncMinute
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from events.models import Event

from .models import Answer, Asked, Diet, Question, Registration, RegistrationSettings

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_STARTS = frozenset(FORMULA_TRIGGERS)
CHUNK_SIZE = 2000
CORE_FIELDS = [
    "name", "email", "organisation", "role", "access_needs", "dietary_options",
    "dietary_requirements",
]  # fmt: skip
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(row: list[str]) -> list[str]:
    """Make CSV cells show as text in Excel and LibreOffice, never run as formulas."""
    return ["'" + value if value[:1] in FORMULA_STARTS else value for value in row]


def local_time(field: str, tz) -> Coalesce:
    """``field`` in ``tz`` as "YYYY-MM-DD HH:MM" text, or "" when empty.

    The database formats the times: parsing and formatting them in Python would take longer
    than everything else in a long export.
    """
    text = Cast(TruncMinute(field, tzinfo=tz), output_field=CharField())
    return Coalesce(Substr(text, 1, 16), Value(""))


def diet_labels() -> Expression:
    """The chosen dietary options by their names, "Vegan, Gluten-free", written by the
    database as the other cells are."""
    text = Replace(F("dietary_options"), Value(","), Value(", "))
    for code in Diet:
        text = Replace(text, Value(code.value), Value(str(code.label)))
    return text


def status_label() -> Case:
    choices = Registration.Status.choices
    return Case(
        *[When(status=value, then=Value(str(label))) for value, label in choices],
        output_field=CharField(),
    )


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    # What the database gives as the cell's text: a field name or an expression.
    source: str | Expression | None = None
    question: Question | None = None


class AttendeeExport:
    """The rows of one event's attendee list, with the columns and statuses asked for.

    The database gives every cell but the answers as ready text, so a row is put together from
    slices of the database row around the answers.
    """

    def __init__(self, event: Event):
        self.event = event
        self.questions = list(Question.objects.filter(event=event).for_export())
        self.select()

    def select(self, *, columns: list[str] | None = None, statuses=None) -> None:
        """Keep only these columns (by key) and statuses; ``None`` keeps all of them."""
        available = self.available_columns()
        self.columns = [column for column in available if columns is None or column.key in columns]
        self.statuses = list(statuses or Registration.Status.values)
        self.answered = [column.question for column in self.columns if column.question]

    def available_columns(self) -> list[Column]:
        tz = self.event.tzinfo

        def question_title(question):
            if question.archived_at:
                return _("%(question)s (removed)") % {"question": question.label}
            return question.label

        # The details the event does not ask are not columns of its list.
        field_settings = RegistrationSettings.for_event(self.event)
        details = [
            Column("organisation", _("Organisation"), "organisation"),
            Column("role", _("Role"), "role"),
            Column("access_needs", _("Access needs"), "access_needs"),
            Column("dietary_options", _("Dietary options"), diet_labels()),
            Column("dietary_requirements", _("Dietary requirements"), "dietary_requirements"),
        ]
        asked = {
            column.key
            for column in details
            if field_settings.asked(column.key.replace("dietary_options", "dietary_requirements"))
            != Asked.HIDDEN
        }
        return [
            Column("name", _("Name"), "name"),
            Column("email", _("Email"), "email"),
            *[column for column in details if column.key in asked],
            *[Column(f"q{q.pk}", question_title(q), question=q) for q in self.questions],
            Column("status", _("Status"), status_label()),
            Column("created_at", _("Registered at"), local_time("created_at", tz)),
            Column("cancelled_at", _("Cancelled at"), local_time("cancelled_at", tz)),
            Column("checked_in_at", _("Checked in at"), local_time("checked_in_at", tz)),
            Column(
                "privacy_consent_at", _("Consent given at"), local_time("privacy_consent_at", tz)
            ),
            Column("privacy_notice_version", _("Privacy notice version"), "privacy_notice_version"),
        ]

    def header(self) -> list[str]:
        return [column.title for column in self.columns]

    def chunk_size(self) -> int:
        # SQLite limits how many ids one query may list.
        return min(CHUNK_SIZE, connection.features.max_query_params or CHUNK_SIZE)

    def _rows(self, size: int):
        """(pk, cells before the answers…, cells after them…) in registration order."""
        sources = [column.source for column in self.columns if not column.question]
        expressions = {
            f"cell_{index}": source
            for index, source in enumerate(sources)
            if not isinstance(source, str)
        }
        names = [
            source if isinstance(source, str) else f"cell_{index}"
            for index, source in enumerate(sources)
        ]
        return (
            # Places held for unconfirmed addresses are not attendees (yet): they are left out.
            Registration.objects.filter(event=self.event, status__in=self.statuses)
            .not_on_hold()
            .order_by("created_at", "pk")
            .annotate(**expressions)
            .values_list("pk", *names)
            .iterator(chunk_size=size)
        )

    def chunks(self, size: int | None = None) -> Iterator[list[list[str]]]:
        """The rows in registration order, a chunk at a time, with that chunk's answers."""
        size = size or self.chunk_size()
        rows = self._rows(size)
        # Core fields come before the questions' columns, everything else after them.
        split = 1 + sum(1 for column in self.columns if column.key in CORE_FIELDS)
        shown = [(question.pk, question.displayer()) for question in self.answered]
        while chunk := list(islice(rows, size)):
            answers = self._answers_of([row[0] for row in chunk])
            no_answers = {}
            rows_out = []
            for row in chunk:
                given = answers.get(row[0], no_answers)
                cells = [show(given[pk]) if pk in given else "" for pk, show in shown]
                rows_out.append([*row[1:split], *cells, *row[split:]])
            yield rows_out

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
    writer.writerow(neutralise(export.header()))
    yield buffer.getvalue()
    for chunk in export.chunks():
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([neutralise(row) for row in chunk])
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
    sheet.append([_xlsx_cell(sheet, title) for title in export.header()])
    for chunk in export.chunks():
        for row in chunk:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=export.filename("xlsx"), content_type=XLSX_CONTENT_TYPE
    )
