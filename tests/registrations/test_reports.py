import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganiserFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")
REPORT_URL = reverse("admin:events_event_report")
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def on(month, day):
    return datetime(2026, month, day, 10, tzinfo=MADRID)


def came(event, email, organisation=""):
    return RegistrationFactory(
        event=event, email=email, organisation=organisation, checked_in_at=event.starts_at
    )


@pytest.fixture
def other():
    return OrganiserFactory(name="Other Org", slug="other-org")


@pytest.fixture
def events(organiser, other):
    """Two events of the organiser's in March (one led by a partner), and others that are not
    counted: a draft, another organisation's own, one in April."""
    day = EventFactory(organiser=organiser, title="Open data day", starts_at=on(3, 5))
    came(day, "ada@example.org", "Open Data Lab")
    came(day, "bob@example.org", "open data  lab")
    RegistrationFactory(event=day, email="cy@example.org", organisation="City Hall")
    RegistrationFactory(event=day, email="dee@example.org", status="waitlisted")
    RegistrationFactory(
        event=day, email="eve@example.org", status="cancelled", cancelled_at=on(3, 1)
    )
    partner = EventFactory(organiser=other, title="+Civic tech", starts_at=on(3, 20), capacity=None)
    partner.co_organisers.add(organiser)
    came(partner, "ADA@example.org", "Open Data Lab")
    came(partner, "cy@example.org")
    RegistrationFactory(event=partner, email="fay@example.org", organisation="Civic Tech")
    RegistrationFactory(event=partner, email="held@example.org", hold_expires_at=on(3, 19))
    draft = EventFactory(organiser=organiser, status="draft", starts_at=on(3, 10))
    came(draft, "draft@example.org")
    theirs = EventFactory(organiser=other, title="Their own", starts_at=on(3, 12))
    came(theirs, "zed@example.org", "Zed Inc")
    april = EventFactory(organiser=organiser, starts_at=on(4, 2))
    came(april, "ada@example.org")
    return day, partner


def figures(response):
    return {name: number for name, number, _meaning in response.context["report"].figures()}


def test_report_counts_the_organisers_events_in_the_period(organiser_client, events):
    response = organiser_client.get(REPORT_URL, MARCH)

    assert response.status_code == 200
    assert figures(response) == {
        "Events": 2,
        "Registrations": 6,
        "Attended": 4,
        "Unique people": 4,
        "Returning attendees": 1,
        "Organisations reached": 3,
    }
    lines = [
        (line.event.title, line.confirmed, line.attended, line.no_shows, line.waitlisted)
        for line in response.context["report"].lines
    ]
    assert lines == [("Open data day", 3, 2, 1, 1), ("+Civic tech", 3, 2, 1, 0)]


def test_report_of_another_organisation_counts_only_its_events(client, other, events):
    user = UserFactory(username="otto")
    MembershipFactory(organiser=other, user=user, role="viewer")
    client.force_login(user)

    response = client.get(REPORT_URL, MARCH)

    assert figures(response) == {
        "Events": 2,
        "Registrations": 4,
        "Attended": 3,
        "Unique people": 4,
        "Returning attendees": 0,
        "Organisations reached": 3,
    }


def test_report_xlsx_has_typed_cells_frozen_header_filters_and_widths(organiser_client, events):
    response = organiser_client.get(REPORT_URL, {**MARCH, "xlsx": "Download"})

    assert response["Content-Disposition"] == (
        'attachment; filename="turnout-report-2026-03-01-2026-03-31.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Summary", "Events"]
    summary, listed = workbook["Summary"], workbook["Events"]
    assert [[cell.value for cell in row[:2]] for row in summary.iter_rows()] == [
        ["Measure", "Number"],
        ["Events", 2],
        ["Registrations", 6],
        ["Attended", 4],
        ["Unique people", 4],
        ["Returning attendees", 1],
        ["Organisations reached", 3],
    ]
    assert [[cell.value for cell in row] for row in listed.iter_rows()] == [
        [
            "Date", "Event", "Organiser", "Capacity", "Confirmed", "Attended", "No-shows",
            "Waiting list", "Cancelled",
        ],
        [datetime(2026, 3, 5), "Open data day", "Connected by Data", 20, 3, 2, 1, 1, 1],
        [datetime(2026, 3, 20), "+Civic tech", "Other Org", None, 3, 2, 1, 0, 0],
    ]  # fmt: skip
    assert (listed["A2"].is_date, listed["A2"].number_format) == (True, "yyyy-mm-dd")
    assert (listed["E2"].data_type, listed["B3"].data_type) == ("n", "s")
    assert (summary.freeze_panes, listed.freeze_panes) == ("A2", "A2")
    assert (summary.auto_filter.ref, listed.auto_filter.ref) == ("A1:C7", "A1:I3")
    assert [listed.column_dimensions[letter].width for letter in "ABC"] == [12, 15, 19]


def test_report_end_before_start_refused_next_to_the_field(organiser_client, events):
    response = organiser_client.get(REPORT_URL, {"start": "2026-03-31", "end": "2026-03-01"})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "end": ["The end of the period comes before its start."]
    }
    assert response.context["form"]["start"].value() == "2026-03-31"


def test_report_anonymous_sent_to_login(client):
    response = client.get(REPORT_URL, MARCH)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_event_list_links_to_the_report(organiser_client):
    page = organiser_client.get(reverse("admin:events_event_changelist")).content.decode()

    assert f'<a href="{REPORT_URL}">Report across events</a>' in page
