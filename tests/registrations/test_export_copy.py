"""On PostgreSQL the CSV export is written by the database (COPY … TO STDOUT); it must give the
very bytes the Python path writes."""

import pytest
from django.db import connection

from registrations import services
from registrations.exports import AttendeeExport, copied_csv, written_csv
from registrations.models import Registration
from tests.factories import QuestionFactory, RegistrationFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]


def as_bytes(chunks) -> bytes:
    return b"".join(chunk.encode() if isinstance(chunk, str) else chunk for chunk in chunks)


@pytest.fixture
def varied(event):
    """Registrations with every kind of cell: answers of each display, unicode, cells a
    spreadsheet would run as formulas, line breaks, quotes, commas; confirmed, waitlisted and
    cancelled; one held for an unconfirmed address (left out of both)."""
    event.capacity = 2
    event.save()
    sessions = QuestionFactory(event=event, label="=Sessions", kind="checkboxes", position=1)
    photos = QuestionFactory(event=event, label="Photos?", kind="yes_no", position=2)
    notes = QuestionFactory(event=event, label='Notes, "quoted"', kind="long_text", position=3)
    people = [
        ("Ada Lovelace", {sessions: "AM\nPM", photos: "yes", notes: "line one\r\nline two"}),
        ("山田 ユイ", {sessions: "PM", photos: "no", notes: '=HYPERLINK("x")'}),
        ('Zoë "Z", Ñandú', {photos: "maybe", notes: "+1, -1\rthen @me"}),
        ("Tab", {notes: "\tindented"}),
        ("Plain", {}),
    ]
    registrations = []
    for number, (name, answers) in enumerate(people):
        registrations.append(
            services.register(
                event=event,
                name=name,
                email=f"person{number}@example.org",
                organisation="-minus org" if number == 2 else 'Café, "Ñ"',
                access_needs="Step-free\r\naccess" if number == 0 else "",
                dietary_requirements="@vegan" if number == 1 else "",
                answers=answers,
            )
        )
    services.cancel(registration=registrations[0])
    RegistrationFactory(
        event=event, email="held@example.org", hold_expires_at=registrations[1].created_at
    )
    assert set(Registration.objects.filter(event=event).values_list("status", flat=True)) == {
        "confirmed",
        "waitlisted",
        "cancelled",
    }
    return event


def test_export_copy_gives_the_bytes_of_the_python_path(varied):
    export = AttendeeExport(varied)

    copied = as_bytes(copied_csv(export))

    assert copied == as_bytes(written_csv(export))
    assert copied.count(b"\n") >= 6


def test_export_copy_chosen_columns_and_statuses_give_the_same_bytes(varied):
    export = AttendeeExport(varied)
    export.select(
        columns=["email", f"q{export.questions[1].pk}", "status"], statuses=["waitlisted"]
    )

    assert as_bytes(copied_csv(export)) == as_bytes(written_csv(export))


def test_export_copy_without_questions_gives_the_same_bytes(event):
    RegistrationFactory.create_batch(3, event=event, organisation="=1+1")

    export = AttendeeExport(event)

    assert as_bytes(copied_csv(export)) == as_bytes(written_csv(export))


def test_export_copy_of_a_hybrid_event_gives_the_same_bytes_with_how_each_attends(event):
    event.attendance_mode = "hybrid"
    event.join_url = "https://call.example/j/1"
    event.online_capacity = 1
    event.save()
    for number, attendance in enumerate(["online", "in_person", "online"]):
        services.register(
            event=event, name=f"P{number}", email=f"p{number}@example.org", attendance=attendance
        )

    export = AttendeeExport(event)
    copied = as_bytes(copied_csv(export))

    assert copied == as_bytes(written_csv(export))
    assert b"Attends" in copied
    assert copied.count(b",Online,") == 2
