"""On PostgreSQL the CSV export is written by the database (COPY … TO STDOUT); it must give the
very bytes the Python path writes, and both the file written out by hand."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from registrations import services
from registrations.exports import AttendeeExport, copied_csv, written_csv
from registrations.models import Question, Registration
from tests.factories import QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's"
)


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


@only_postgresql
def test_export_copy_gives_the_bytes_of_the_python_path(varied):
    export = AttendeeExport(varied)

    copied = as_bytes(copied_csv(export))

    assert copied == as_bytes(written_csv(export))
    assert copied.count(b"\n") >= 6


@only_postgresql
def test_export_copy_chosen_columns_and_statuses_give_the_same_bytes(varied):
    export = AttendeeExport(varied)
    export.select(
        columns=["email", f"q{export.questions[1].pk}", "status"], statuses=["waitlisted"]
    )

    assert as_bytes(copied_csv(export)) == as_bytes(written_csv(export))


@only_postgresql
def test_export_copy_without_questions_gives_the_same_bytes(event):
    RegistrationFactory.create_batch(3, event=event, organisation="=1+1")

    export = AttendeeExport(event)

    assert as_bytes(copied_csv(export)) == as_bytes(written_csv(export))


def at(hour, minute=0):
    return datetime(2026, 11, 2, hour, minute, tzinfo=ZoneInfo("Europe/Madrid"))


@pytest.fixture
def three_people(event):
    """Three registrations answering four questions: confirmed, waiting, cancelled, with
    known times, so that the whole file can be written out by hand."""
    event.capacity = 1
    event.save()
    job = QuestionFactory(event=event, label="Job title", kind="short_text", position=1)
    sessions = QuestionFactory(
        event=event, label="Sessions", kind="checkboxes", options="AM\nPM", position=2
    )
    photos = QuestionFactory(event=event, label="Photos?", kind="yes_no", position=3)
    guests = QuestionFactory(event=event, label="Guests", kind="number", position=4)
    ada = services.register(
        event=event,
        name="Ada Lovelace",
        email="ada@example.org",
        organisation="+Plus Org",
        dietary_options="vegan,gluten_free",
        answers={job: "=SUM(A1:A2)", sessions: "AM\nPM", photos: "yes", guests: "2"},
    )
    zoe = services.register(
        event=event,
        name='Zoë "Z"',
        email="zoe@example.org",
        organisation="Café",
        dietary_requirements="line one\r\nline two",
        answers={job: "Analyst, data", sessions: Question.NONE_OF_THESE, photos: "no"},
    )
    yui = services.register(
        event=event, name="山田 ユイ", email="yui@example.jp", answers={sessions: "PM"}
    )
    services.cancel(registration=yui, reason="Train strike")
    times = [
        (ada, {"created_at": at(9, 15), "checked_in_at": at(10, 2)}),
        (zoe, {"created_at": at(10)}),
        (yui, {"created_at": at(11), "cancelled_at": at(12, 30)}),
    ]
    for registration, moments in times:
        Registration.objects.filter(pk=registration.pk).update(
            privacy_consent_at=moments["created_at"], **moments
        )
    return ada, zoe, yui


def test_export_of_both_paths_is_the_file_written_by_hand(organiser_client, event, three_people):
    ada, zoe, yui = three_people
    version = settings.PRIVACY_NOTICE_VERSION
    expected = (
        "\ufeffRegistration ID,Name,Email,Organisation,Role,Access needs,Dietary options,"
        "Dietary requirements,Job title,Sessions,Photos?,Guests,Status,Registered at,"
        "Cancelled at,Cancellation reason,Checked in at,Consent given at,"
        "Privacy notice version\n"
        f'{ada.pk},Ada Lovelace,ada@example.org,\'+Plus Org,,,"Vegan, Gluten-free",,'
        f"'=SUM(A1:A2),AM; PM,Yes,2,Confirmed,2026-11-02 09:15,,,2026-11-02 10:02,"
        f"2026-11-02 09:15,{version}\n"
        f'{zoe.pk},"Zoë ""Z""",zoe@example.org,Café,,,,"line one\nline two",'
        f'"Analyst, data",None of these,No,,On the waiting list,2026-11-02 10:00,,,,'
        f"2026-11-02 10:00,{version}\n"
        f"{yui.pk},山田 ユイ,yui@example.jp,,,,,,,PM,,,Cancelled,2026-11-02 11:00,"
        f"2026-11-02 12:30,Train strike,,2026-11-02 11:00,{version}\n"
    ).encode()
    export = AttendeeExport(event)

    assert as_bytes(written_csv(export)) == expected
    if connection.vendor == "postgresql":
        assert as_bytes(copied_csv(export)) == expected
    response = organiser_client.get(reverse("admin:events_event_attendees_csv", args=[event.pk]))
    assert as_bytes(response.streaming_content) == expected


@only_postgresql
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
