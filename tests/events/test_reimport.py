"""A new import of the website never overrides what organisers changed in Turnout."""

import shutil
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from events.models import Event, Topic

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "jekyll-events"
SEED = PAGES / "2025-10-06-ogp-ai-procurement-public-participation.md"
SEED_FORM = (
    "https://docs.google.com/forms/d/e/1FAIpQLSff8nm5EPkRXWRuws9TLX2V-oqlKzhmqOrgRWc0JanvyJ8b_Q"
    "/viewform?usp=header"
)
WORKSHOP = (
    "---\ntitle: {title}\ndate: 2030-05-04\ntopics: Data rights\n---\n"
    "An afternoon.\n\n**When:** {when}\n"
)


def run_import(*args) -> str:
    out = StringIO()
    call_command("import_jekyll_events", *[str(arg) for arg in args], stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def workshop(organiser, tmp_path):
    """A page imported once, its event as the import made it."""
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text(WORKSHOP.format(title="Workshop", when="2pm - 4pm"))
    run_import(page)
    return page


def test_reimport_leaves_a_title_changed_in_turnout_and_reports_it(workshop):
    Event.objects.update(title="Workshop on data rights")
    workshop.write_text(WORKSHOP.format(title="Workshop (new)", when="3pm - 5pm"))

    out = run_import(workshop)

    event = Event.objects.get()
    assert (event.title, event.starts_at) == (
        "Workshop on data rights",
        datetime(2030, 5, 4, 14, 0, tzinfo=UTC),
    )
    assert out.splitlines() == [
        f"{workshop}: updated /events/workshop/ (Draft)",
        "  Left alone, changed in Turnout: title is “Workshop on data rights”; the website says "
        "“Workshop (new)”.",
        "0 created, 1 updated, 0 unchanged, 0 flagged, 0 failed.",
    ]


def test_reimport_leaves_times_changed_in_turnout(workshop):
    Event.objects.update(
        starts_at=datetime(2030, 5, 4, 9, 0, tzinfo=UTC),
        ends_at=datetime(2030, 5, 4, 10, tzinfo=UTC),
    )
    workshop.write_text(WORKSHOP.format(title="Workshop", when="3pm - 5pm"))

    out = run_import(workshop)

    event = Event.objects.get()
    assert (event.timezone, event.starts_at, event.ends_at) == (
        "Europe/London",
        datetime(2030, 5, 4, 9, 0, tzinfo=UTC),
        datetime(2030, 5, 4, 10, 0, tzinfo=UTC),
    )
    assert out.splitlines()[1:3] == [
        "  Left alone, changed in Turnout: starts at is “2030-05-04T09:00:00+00:00”; the website "
        "says “2030-05-04T14:00:00+00:00”.",
        "  Left alone, changed in Turnout: ends at is “2030-05-04T10:00:00+00:00”; the website "
        "says “2030-05-04T16:00:00+00:00”.",
    ]


def test_reimport_changes_fields_turnout_left_as_imported(workshop):
    Event.objects.update(title="Workshop on data rights")
    workshop.write_text(WORKSHOP.format(title="Workshop", when="3pm - 5pm"))

    run_import(workshop)

    event = Event.objects.get()
    assert (event.title, event.starts_at, event.ends_at) == (
        "Workshop on data rights",
        datetime(2030, 5, 4, 14, 0, tzinfo=UTC),
        datetime(2030, 5, 4, 16, 0, tzinfo=UTC),
    )


def test_reimport_leaves_topics_changed_in_turnout(workshop):
    event = Event.objects.get()
    event.topics.set([Topic.objects.create(name="Participation", slug="participation")])
    workshop.write_text(
        WORKSHOP.format(title="Workshop", when="2pm - 4pm").replace("Data rights", "AI")
    )

    out = run_import(workshop)

    assert list(event.topics.values_list("name", flat=True)) == ["Participation"]
    assert out.splitlines()[1] == (
        "  Left alone, changed in Turnout: topics is “['Participation']”; the website says "
        "“['AI']”."
    )


def test_reimport_of_a_page_changed_nowhere_reports_nothing(workshop):
    Event.objects.update(title="Workshop on data rights")

    assert run_import(workshop) == "0 created, 0 updated, 1 unchanged, 0 flagged, 0 failed.\n"


@pytest.fixture
def seed(organiser, tmp_path):
    page = tmp_path / SEED.name
    shutil.copy(SEED, page)
    run_import(page)
    return page


def turnout_registration_link() -> str:
    return f"{settings.SITE_URL}/events/ogp-ai-procurement-public-participation/register/"


def test_reimport_never_switches_registration_back_to_the_google_form(seed):
    Event.objects.update(external_registration_url="")
    seed.write_text(SEED.read_text().replace("10:00am", "10:30am"), encoding="utf-8")

    out = run_import(seed)

    event = Event.objects.get()
    assert event.external_registration_url == ""
    assert event.starts_at == datetime(2025, 10, 6, 8, 30, tzinfo=UTC)
    assert SEED_FORM not in event.description
    assert f"[Register here]({turnout_registration_link()})" in event.description
    assert out.splitlines()[1:3] == [
        f"  Left alone, changed in Turnout: external registration link is “”; the website says "
        f"“{SEED_FORM[:59]}…”.",
        f"  The description's registration link {SEED_FORM} now points to registration in Turnout.",
    ]
    assert "kept as the external registration link" not in out


def test_reimport_of_an_unchanged_page_points_its_form_link_to_turnout(seed):
    Event.objects.update(external_registration_url="")

    out = run_import(seed)

    event = Event.objects.get()
    assert f"[Register here]({turnout_registration_link()})" in event.description
    assert out.splitlines() == [
        f"{seed}: updated /events/ogp-ai-procurement-public-participation/ (Draft)",
        f"  The description's registration link {SEED_FORM} now points to registration in Turnout.",
        "0 created, 1 updated, 0 unchanged, 0 flagged, 0 failed.",
    ]
    assert run_import(seed) == "0 created, 0 updated, 1 unchanged, 0 flagged, 0 failed.\n"


def test_import_form_link_kept_while_registration_is_on_the_form(seed):
    event = Event.objects.get()

    assert event.external_registration_url == SEED_FORM
    assert f"[Register here]({SEED_FORM})" in event.description


def test_import_other_registration_link_with_registration_in_turnout_flagged(organiser, tmp_path):
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text(
        WORKSHOP.format(title="Workshop", when="2pm - 4pm") + "\nTickets: https://lu.ma/workshop\n"
    )
    run_import(page)
    Event.objects.update(external_registration_url="")
    page.write_text(page.read_text() + "\nBring a laptop.\n")

    run_import(page)

    event = Event.objects.get()
    assert (event.external_registration_url, event.needs_review, event.review_notes) == (
        "",
        True,
        "The description links to registration on lu.ma (https://lu.ma/workshop), but "
        "registration is in Turnout: change or remove the link.",
    )


def test_import_publish_refuses_a_page_flagged_for_review(organiser, tmp_path):
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text("---\ntitle: Workshop\ndate: 2030-05-04\n---\nAn afternoon.\n")

    out = run_import(page, "--publish")

    assert Event.objects.get().status == Event.Status.DRAFT
    assert out.splitlines() == [
        f"{page}: created /events/workshop/ (Draft)",
        "  Needs review: No time found in the text: imported as an all-day event.",
        f"{page}: not published, it needs review: No time found in the text: imported as an "
        "all-day event.",
        "2030-05-04-workshop.md: needs review: No time found in the text: imported as an "
        "all-day event.",
        "1 created, 0 updated, 0 unchanged, 1 flagged, 0 failed.",
    ]


def test_import_publish_refuses_an_unchanged_page_still_flagged(organiser, tmp_path):
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text("---\ntitle: Workshop\ndate: 2030-05-04\n---\nAn afternoon.\n")
    run_import(page)

    out = run_import(page, "--publish")

    assert Event.objects.get().status == Event.Status.DRAFT
    assert out.splitlines() == [
        f"{page}: not published, it needs review: No time found in the text: imported as an "
        "all-day event.",
        "0 created, 0 updated, 1 unchanged, 0 flagged, 0 failed.",
    ]


def test_import_publish_publishes_once_reviewed(organiser, tmp_path):
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text("---\ntitle: Workshop\ndate: 2030-05-04\n---\nAn afternoon.\n")
    run_import(page)
    Event.objects.update(needs_review=False)

    run_import(page, "--publish")

    assert Event.objects.get().status == Event.Status.PUBLISHED


def test_import_remembers_what_it_wrote(workshop):
    assert Event.objects.get().imported_values == {
        "title": "Workshop",
        "kind": "organised",
        "summary": "An afternoon.",
        "description": "**When:** 2pm - 4pm",
        "timezone": "Europe/London",
        "starts_at": "2030-05-04T13:00:00+00:00",
        "ends_at": "2030-05-04T15:00:00+00:00",
        "attendance_mode": "in_person",
        "venue_name": "",
        "venue_address": "",
        "map_url": "",
        "image": "",
        "category": "",
        "website_url": "",
        "external_registration_url": "",
        "featured": False,
        "topics": ["Data rights"],
    }


def test_reimport_topic_matched_in_other_capitals_is_not_an_organisers_change(organiser, tmp_path):
    Topic.objects.create(name="Data Rights", slug="data-rights")
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text(WORKSHOP.format(title="Workshop", when="2pm - 4pm").replace("Data r", "data r"))
    run_import(page)
    page.write_text(page.read_text().replace("data rights", "data rights, AI"))

    out = run_import(page)

    event = Event.objects.get()
    assert sorted(event.topics.values_list("name", flat=True)) == ["AI", "Data Rights"]
    assert "Left alone" not in out


def test_import_of_online_page_sets_mode_and_refuses_to_publish_without_join_link(
    organiser, tmp_path
):
    page = tmp_path / "2030-05-04-webinar.md"
    page.write_text(WORKSHOP.format(title="Webinar", when="2pm - 4pm") + "\nJoin us on Zoom.\n")

    output = run_import(page, "--publish")

    event = Event.objects.get()
    assert (event.attendance_mode, event.status, event.needs_review) == ("online", "draft", True)
    assert event.review_notes == (
        "People attend online: add the join link before publishing (Zoom)."
    )
    assert "People attend online" in output
