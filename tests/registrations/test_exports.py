import csv
import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from events.models import Membership
from registrations import services
from registrations.exports import AttendeeExport
from registrations.models import Registration
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganiserFactory,
    QuestionFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")
CORE_HEADER = [
    "Registration ID",
    "Name",
    "Email",
    "Organisation",
    "Role",
    "Access needs",
    "Dietary options",
    "Dietary requirements",
]
END_HEADER = [
    "Status",
    "Registered at",
    "Cancelled at",
    "Cancellation reason",
    "Checked in at",
    "Consent given at",
    "Privacy notice version",
]


@pytest.fixture
def other_event():
    return EventFactory(organiser=OrganiserFactory(name="Other Org"), title="Other org event")


def url(name, event):
    return reverse(f"admin:events_event_{name}", args=[event.pk])


def read_csv(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))


def read_xlsx(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = workbook.active
    return [["" if value is None else value for value in row] for row in sheet.values]


def at(hour, minute=0):
    return datetime(2026, 11, 2, hour, minute, tzinfo=MADRID)


@pytest.fixture
def answered(event):
    """Two registrations with answers to two questions, one of them cancelled since."""
    sessions = QuestionFactory(
        event=event, label="Sessions", kind="checkboxes", options="AM\nPM", position=1
    )
    photos = QuestionFactory(event=event, label="Photos?", kind="yes_no", position=2)
    ada = services.register(
        event=event,
        name="Ada Lovelace",
        email="ada@example.org",
        organisation="Analytical Engines",
        dietary_options="vegan,gluten_free,other",
        dietary_requirements="No nuts",
        answers={sessions: "AM\nPM", photos: "yes"},
    )
    yui = services.register(
        event=event,
        name="山田 ユイ",
        email="yui@example.jp",
        organisation="Café Ñandú",
        answers={sessions: "PM"},
    )
    Registration.objects.filter(pk=ada.pk).update(
        created_at=at(9, 15), privacy_consent_at=at(9, 15), checked_in_at=at(10, 2)
    )
    services.cancel(registration=yui, reason="Train strike")
    Registration.objects.filter(pk=yui.pk).update(
        created_at=at(11), privacy_consent_at=at(11), cancelled_at=at(12, 30)
    )
    return sessions, photos


def expected(event):
    """The whole export of ``answered``, with the registrations' IDs."""
    ada, yui = Registration.objects.filter(event=event).order_by("created_at")
    return [
        [*CORE_HEADER, "Sessions", "Photos?", *END_HEADER],
        [str(ada.pk), *EXPECTED_ADA],
        [str(yui.pk), *EXPECTED_YUI],
    ]


EXPECTED_ADA = [
    "Ada Lovelace",
    "ada@example.org",
    "Analytical Engines",
    "",
    "",
    "Vegan, Gluten-free, Other",
    "No nuts",
    "AM; PM",
    "Yes",
    "Confirmed",
    "2026-11-02 09:15",
    "",
    "",
    "2026-11-02 10:02",
    "2026-11-02 09:15",
    "2026-11-28",
]
EXPECTED_YUI = [
    "山田 ユイ",
    "yui@example.jp",
    "Café Ñandú",
    "",
    "",
    "",
    "",
    "PM",
    "",
    "Cancelled",
    "2026-11-02 11:00",
    "2026-11-02 12:30",
    "Train strike",
    "",
    "2026-11-02 11:00",
    "2026-11-28",
]


def test_export_csv_has_every_column_and_answer(organiser_client, event, answered):
    response = organiser_client.get(url("attendees_csv", event))

    assert response.status_code == 200
    assert read_csv(response) == expected(event)


def test_export_xlsx_has_the_same_rows_as_csv(organiser_client, event, answered):
    response = organiser_client.get(url("attendees_xlsx", event))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="open-government-ai-attendees.xlsx"'
    )
    assert read_xlsx(response) == expected(event)


@pytest.mark.parametrize("name", ["attendees_csv", "attendees_xlsx"])
def test_export_chosen_columns_and_statuses(organiser_client, event, answered, name):
    sessions, _photos = answered
    query = {
        "chosen": "True",
        "columns": ["name", f"q{sessions.pk}", "status"],
        "statuses": ["cancelled"],
    }

    response = organiser_client.get(url(name, event), query)

    rows = read_csv(response) if name == "attendees_csv" else read_xlsx(response)
    assert rows == [["Name", "Sessions", "Status"], ["山田 ユイ", "PM", "Cancelled"]]


def test_export_removed_question_kept_as_column(organiser_client, event, answered):
    sessions, _photos = answered
    services.remove_question(question=sessions)

    rows = read_csv(organiser_client.get(url("attendees_csv", event)))

    assert rows[0][8] == "Sessions (removed)"
    assert [row[8] for row in rows[1:]] == ["AM; PM", "PM"]


def test_export_page_offers_every_column_ticked(organiser_client, event, answered):
    sessions, photos = answered

    response = organiser_client.get(url("export", event))

    form = response.context["form"]
    assert response.status_code == 200
    assert form["columns"].value() == [
        "id",
        "name",
        "email",
        "organisation",
        "role",
        "access_needs",
        "dietary_options",
        "dietary_requirements",
        f"q{sessions.pk}",
        f"q{photos.pk}",
        "status",
        "created_at",
        "cancelled_at",
        "cancellation_reason",
        "checked_in_at",
        "privacy_consent_at",
        "privacy_notice_version",
    ]
    assert form["statuses"].value() == ["confirmed", "waitlisted", "cancelled"]
    html = response.content.decode()
    assert f'formaction="{url("attendees_xlsx", event)}"' in html


def test_export_nothing_chosen_refused_on_the_page(organiser_client, event):
    response = organiser_client.get(url("attendees_csv", event), {"chosen": "True"})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "columns": ["Choose at least one column."],
        "statuses": ["Choose at least one kind of registration."],
    }


def test_export_unknown_column_refused_on_the_page(organiser_client, event):
    response = organiser_client.get(url("attendees_xlsx", event), {"columns": ["password"]})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "columns": ["Select a valid choice. password is not one of the available choices."]
    }


FORMULAS = ['=HYPERLINK("http://x.example")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", FORMULAS)
def test_export_csv_neutralises_formulas_in_answers(organiser_client, event, value):
    question = QuestionFactory(event=event, label="Q")
    services.register(event=event, name="Ada", email="ada@example.org", answers={question: value})

    rows = read_csv(organiser_client.get(url("attendees_csv", event)))

    # A line break in a cell is written as the rows end, "\n".
    assert rows[1][8] == "'" + value.replace("\r", "\n")


def test_export_question_wording_neutralised_in_header(organiser_client, event):
    QuestionFactory(event=event, label="=1+1")

    csv_rows = read_csv(organiser_client.get(url("attendees_csv", event)))
    content = b"".join(organiser_client.get(url("attendees_xlsx", event)).streaming_content)

    assert csv_rows[0][8] == "'=1+1"
    cell = load_workbook(io.BytesIO(content)).active["I1"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


@pytest.mark.parametrize("value", FORMULAS)
def test_export_xlsx_stores_formulas_as_text(organiser_client, event, value):
    RegistrationFactory(event=event, organisation=value)

    content = b"".join(organiser_client.get(url("attendees_xlsx", event)).streaming_content)

    sheet = load_workbook(io.BytesIO(content)).active
    # XML reads a carriage return back as a line feed.
    assert sheet["D2"].value == value.replace("\r", "\n")
    assert sheet["D2"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_export_xlsx_drops_characters_spreadsheets_refuse(organiser_client, event):
    RegistrationFactory(event=event, access_needs="Wheel\x08chair")

    rows = read_xlsx(organiser_client.get(url("attendees_xlsx", event)))

    assert rows[1][5] == "Wheelchair"


PAGES = ["attendees_csv", "attendees_xlsx", "export", "sign_in_sheet", "catering", "dashboard"]


@pytest.mark.parametrize("name", PAGES)
def test_event_pages_of_other_organisers_event_404(organiser_client, other_event, name):
    RegistrationFactory(event=other_event)

    response = organiser_client.get(url(name, other_event))

    assert response.status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_event_pages_open_for_viewer_of_the_organiser(client, event, name):
    viewer = MembershipFactory(organiser=event.organiser, role=Membership.Role.VIEWER).user
    client.force_login(viewer)

    response = client.get(url(name, event))

    assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_event_pages_anonymous_sent_to_login(client, event, name):
    response = client.get(url(name, event))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_event_pages_linked_from_event_admin_page(organiser_client, event):
    html = organiser_client.get(
        reverse("admin:events_event_change", args=[event.pk])
    ).content.decode()

    for name in ["dashboard", "checkin", "export", "sign_in_sheet", "catering"]:
        assert f'href="{url(name, event)}"' in html


@pytest.mark.parametrize("name", ["attendees_csv", "attendees_xlsx"])
@pytest.mark.parametrize("count", [1, 3])
def test_export_query_count_constant(
    organiser_client, event, name, count, django_assert_num_queries
):
    questions = QuestionFactory.create_batch(2, event=event)
    for number in range(count):
        services.register(
            event=event,
            name=f"Person {number}",
            email=f"person{number}@example.org",
            answers={question: "answer" for question in questions},
        )

    # Session, user, the timezone of the user's organisation, the user's two-factor devices,
    # event; questions; registrations; their answers (on PostgreSQL the CSV's COPY reads both
    # at once); and the first admin page after signing in saves the session (in a savepoint),
    # moving its expiry on.
    copied = name == "attendees_csv" and connection.vendor == "postgresql"
    with django_assert_num_queries(10 if copied else 11, exact=True):
        response = organiser_client.get(url(name, event))
        rows = read_csv(response) if name == "attendees_csv" else read_xlsx(response)

    assert len(rows) == count + 1


def test_export_answers_fetched_per_chunk_not_per_row(event, django_assert_num_queries):
    question = QuestionFactory(event=event)
    for number in range(5):
        services.register(
            event=event,
            name=f"Person {number}",
            email=f"person{number}@example.org",
            answers={question: f"answer {number}"},
        )

    export = AttendeeExport(event)

    # The registrations, then the answers of each of the 3 chunks.
    with django_assert_num_queries(4, exact=True):
        chunks = list(export.chunks(size=2))

    assert [len(chunk) for chunk in chunks] == [2, 2, 1]
    answers = [row[8] for chunk in chunks for row in chunk]
    assert answers == [f"answer {number}" for number in range(5)]


def test_sign_in_sheet_lists_confirmed_sorted_by_name(organiser_client, event):
    RegistrationFactory(event=event, name="zoë Zapata", organisation="Zeta")
    RegistrationFactory(event=event, name="Ángel Abad", organisation="Alpha")
    RegistrationFactory(event=event, name="Bea Bold", organisation="Beta")
    RegistrationFactory(event=event, name="Waiting Person", status="waitlisted")

    response = organiser_client.get(url("sign_in_sheet", event))

    html = response.content.decode()
    assert [person.name for person in response.context["attendees"]] == [
        "Ángel Abad",
        "Bea Bold",
        "zoë Zapata",
    ]
    assert "Waiting Person" not in html
    assert html.count('class="tick"') == 3
    assert '<link rel="stylesheet" href="/static/sign-in-sheet.css">' in html


def test_catering_summary_counts_and_lists_entries(organiser_client, event):
    RegistrationFactory(event=event, name="Ada", dietary_requirements="Vegan")
    RegistrationFactory(event=event, name="Bea", dietary_requirements=" vegan ")
    RegistrationFactory(event=event, name="Cy", dietary_requirements="No nuts", access_needs="Lift")
    RegistrationFactory(event=event, name="Di")
    RegistrationFactory(event=event, name="Ed", dietary_requirements="Halal", status="waitlisted")

    response = organiser_client.get(url("catering", event))

    context = response.context
    assert context["confirmed"] == 4
    assert context["no_dietary"] == 1
    # Answers from before the options: each is "other", with what they wrote.
    assert context["dietary_counts"] == [("Other", 3)]
    assert context["other_counts"] == [("Vegan", 2), ("No nuts", 1)]
    assert [(person.name, text) for person, text in context["dietary"]] == [
        ("Ada", "Other: Vegan"),
        ("Bea", "Other: vegan"),
        ("Cy", "Other: No nuts"),
    ]
    assert context["access_counts"] == [("Lift", 1)]
    assert [(person.name, text) for person, text in context["access"]] == [("Cy", "Lift")]
    assert "Halal" not in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_event_pages_read_the_event_without_counting_its_registrations(
    organiser_client, event, name
):
    """The pages of one event read it without the counts the event list sorts by: counting an
    event's registrations on every page (the export's first byte waited for it) costs more
    the bigger the event."""
    RegistrationFactory(event=event)

    with CaptureQueriesContext(connection) as queries:
        organiser_client.get(url(name, event))

    event_reads = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "events_event"' in query["sql"] and '"registrations_registration"' in query["sql"]
    ]
    assert event_reads == []
