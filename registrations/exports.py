"""Attendee lists for the venue and the caterers, as CSV and XLSX.

Both formats read the registrations in chunks and the answers chunk by chunk, so memory stays
flat and the number of queries grows with the chunks, never with the rows. The CSV streams; on
PostgreSQL the database writes it (``copied_csv``), giving the same bytes.
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
from psycopg import ClientCursor

from events.models import Event

from .models import (
    NONE_OF_THESE_LABEL,
    YES_NO_LABELS,
    Answer,
    Asked,
    Diet,
    Question,
    Registration,
    RegistrationSettings,
)

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_STARTS = frozenset(FORMULA_TRIGGERS)
CHUNK_SIZE = 2000
CORE_FIELDS = [
    "name", "email", "organisation", "role", "access_needs", "dietary_options",
    "dietary_requirements",
]  # fmt: skip
# The columns before the questions' answers: the registration's ID, then the core fields.
LEADING_COLUMNS = ["id", *CORE_FIELDS]
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(row: list[str]) -> list[str]:
    """Make CSV cells show as text in Excel and LibreOffice, never run as formulas."""
    return ["'" + value if value[:1] in FORMULA_STARTS else value for value in row]


def csv_cells(row: list[str]) -> list[str]:
    """Cells as the CSV has them: neutralised, and every line break in them written as the
    rows end, "\n" (``copied_csv`` formats them the same way in SQL)."""
    return [
        value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
        for value in neutralise(row)
    ]


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


def choice_label(field: str) -> Case:
    """The label of a registration's choice in ``field``, written by the database."""
    choices = Registration._meta.get_field(field).choices
    return Case(
        *[When(**{field: value}, then=Value(str(label))) for value, label in choices],
        output_field=CharField(),
    )


def plain_labels(choices) -> bool:
    """Whether every label of ``choices``, in the current language, is plain text: none
    starts as a formula or holds a line break."""
    labels = [str(label) for label in choices.labels]
    return not any(label[:1] in FORMULA_STARTS or "\r" in label for label in labels)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    # What the database gives as the cell's text: a field name or an expression.
    source: str | Expression | None = None
    question: Question | None = None
    # Text the database makes, never a formula nor a line break: an ID, a time, a label.
    plain: bool = False


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
        # Each attendee of a hybrid event comes in person or joins online.
        attends = []
        if self.event.is_hybrid:
            labels = plain_labels(Registration.Attendance)
            attends = [Column("attendance", _("Attends"), choice_label("attendance"), plain=labels)]
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
            # The ID the admin shows and its addresses use: a row of the export can be found.
            Column("id", _("Registration ID"), Cast("pk", output_field=CharField()), plain=True),
            Column("name", _("Name"), "name"),
            Column("email", _("Email"), "email"),
            *[column for column in details if column.key in asked],
            *[Column(f"q{q.pk}", question_title(q), question=q) for q in self.questions],
            Column(
                "status",
                _("Status"),
                choice_label("status"),
                plain=plain_labels(Registration.Status),
            ),
            *attends,
            Column("created_at", _("Registered at"), local_time("created_at", tz), plain=True),
            Column("cancelled_at", _("Cancelled at"), local_time("cancelled_at", tz), plain=True),
            Column("cancellation_reason", _("Cancellation reason"), "cancellation_reason"),
            Column(
                "checked_in_at", _("Checked in at"), local_time("checked_in_at", tz), plain=True
            ),
            Column(
                "privacy_consent_at",
                _("Consent given at"),
                local_time("privacy_consent_at", tz),
                plain=True,
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
        return self.selection().iterator(chunk_size=size)

    def selection(self, *leading: str):
        """The registrations' (pk, *leading, cells but the answers…), in registration order."""
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
            .values_list("pk", *leading, *names)
        )

    def chunks(self, size: int | None = None) -> Iterator[list[list[str]]]:
        """The rows in registration order, a chunk at a time, with that chunk's answers."""
        size = size or self.chunk_size()
        rows = self._rows(size)
        # The ID and core fields come before the questions' columns, everything else after them.
        split = 1 + sum(1 for column in self.columns if column.key in LEADING_COLUMNS)
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


def csv_chunks(export: AttendeeExport) -> Iterator[str | bytes]:
    """The CSV file: on PostgreSQL written by the database, elsewhere by Python."""
    if connection.vendor == "postgresql":
        return copied_csv(export)
    return written_csv(export)


def csv_header(export: AttendeeExport) -> str:
    buffer = io.StringIO()
    # A byte order mark makes Excel read the file as UTF-8.
    buffer.write("\ufeff")
    csv.writer(buffer, lineterminator="\n").writerow(csv_cells(export.header()))
    return buffer.getvalue()


def written_csv(export: AttendeeExport) -> Iterator[str]:
    yield csv_header(export)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for chunk in export.chunks():
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([csv_cells(row) for row in chunk])
        yield buffer.getvalue()


def copied_csv(export: AttendeeExport) -> Iterator[str | bytes]:
    """The same file as ``written_csv``, its rows written by PostgreSQL's ``COPY … TO STDOUT``
    a few times faster than Python writes them."""
    yield csv_header(export)
    statement, params = copy_statement(export)
    with connection.cursor() as cursor:
        # COPY takes no parameters: they are bound here, quoted by psycopg.
        bound = ClientCursor(connection.connection).mogrify(statement, params)
        yield from _copied(cursor, bound)


def _copied(cursor, statement: str) -> Iterator[bytes]:
    with cursor.copy(statement) as copy:
        buffered, size = [], 0
        for data in copy:  # about a row each: sent in pieces of 64 kB
            # Each piece owns its memory: joined as it is, copied once, not twice.
            buffered.append(data)
            size += len(data)
            if size >= 65536:
                yield b"".join(buffered)
                buffered, size = [], 0
        if buffered:
            yield b"".join(buffered)


# The first characters of FORMULA_TRIGGERS by their code, as PostgreSQL's ascii() gives them.
FORMULA_CODES = ", ".join(str(ord(trigger)) for trigger in FORMULA_TRIGGERS)


def csv_cell_sql(text: str, *, plain: bool = False) -> str:
    """``csv_cells`` of one cell in SQL; an empty cell is NULL, which COPY writes unquoted, as
    the csv module writes an empty string (COPY quotes an empty string). NULL stays NULL.

    A ``plain`` cell is text the database makes (an ID, a time, a label checked in Python):
    it never starts as a formula nor holds a line break, so only its emptiness is looked at.
    """
    if plain:
        return f"NULLIF({text}, '')"
    neutralised = (
        f"CASE WHEN ascii({text}) IN ({FORMULA_CODES}) THEN '''' || {text} ELSE {text} END"
    )
    one_break = f"replace(replace({neutralised}, E'\\r\\n', E'\\n'), E'\\r', E'\\n')"
    return f"NULLIF({one_break}, '')"


def _answer_sql(question: Question, value: str) -> tuple[str, list[str]]:
    """A question's answer as ``Question.displayer`` shows it, and the labels it binds."""
    if question.kind == Question.Kind.CHECKBOXES:
        # The options ticked, one a line; "none of these" is ticked alone (the form's rule).
        joined = f"replace({value}, E'\\n', '; ')"
        return f"CASE {value} WHEN %s THEN %s ELSE {joined} END", [
            Question.NONE_OF_THESE,
            str(NONE_OF_THESE_LABEL),
        ]
    if question.kind == Question.Kind.YES_NO:
        labels = [str(YES_NO_LABELS["yes"]), str(YES_NO_LABELS["no"])]
        return f"CASE {value} WHEN 'yes' THEN %s WHEN 'no' THEN %s ELSE {value} END", labels
    return value, []


def copy_statement(export: AttendeeExport) -> tuple[str, list]:
    """``COPY (SELECT …) TO STDOUT`` of the rows of ``export.chunks()``, each cell formatted as
    ``csv_cells`` formats it, the answers pivoted into a column per question."""
    # Sorted once, at the end: the rows of the selection come in any order.
    selection, selection_params = export.selection("created_at").order_by().query.sql_with_params()
    fields = [column for column in export.columns if not column.question]
    split = sum(1 for column in fields if column.key in LEADING_COLUMNS)
    names = [f"c{index}" for index in range(len(fields))]
    values, label_params, pivot = [], [], []
    for index, question in enumerate(export.answered):
        pivot.append(f"MAX(a.value) FILTER (WHERE a.question_id = {int(question.pk)}) AS a{index}")
        value, labels = _answer_sql(question, f"answers.a{index}")
        values.append(value)
        label_params += labels
    joined = ""
    if pivot:
        # The answers to these questions, one row per registration, joined by a hash: one
        # pass over them instead of a look-up for each registration.
        asked = ", ".join(str(int(question.pk)) for question in export.answered)
        joined = (
            f"LEFT JOIN (SELECT a.registration_id, {', '.join(pivot)} "  # noqa: S608 - our own names
            f"FROM {Answer._meta.db_table} a WHERE a.question_id IN ({asked}) "
            "GROUP BY a.registration_id) AS answers ON answers.registration_id = r.pk "
        )
    cells = [f"r.{name}" for name in names]
    shown = [*cells[:split], *values, *cells[split:]]
    plain = [column.plain for column in fields]
    plain = [*plain[:split], *[False] * len(values), *plain[split:]]
    # The cells are shown first, then formatted: the formatting names each cell three times.
    statement = (
        "COPY (SELECT "  # noqa: S608 - our own compiled query
        + ", ".join(
            csv_cell_sql(f"s.x{index}", plain=is_plain) for index, is_plain in enumerate(plain)
        )
        + " FROM (SELECT r.pk, r.created, "
        + ", ".join(f"{cell} AS x{index}" for index, cell in enumerate(shown))
        + f" FROM ({selection}) AS r ({', '.join(['pk', 'created', *names])}) {joined}) AS s"
        " ORDER BY s.created, s.pk) TO STDOUT WITH (FORMAT csv)"
    )
    return statement, [*label_params, *selection_params]


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
