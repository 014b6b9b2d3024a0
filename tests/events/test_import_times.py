"""The import reads the time each page states: the event's start, end and timezone."""

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from events.models import Event

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "jekyll-events"
LONDON = "Europe/London"
NO_TIME = "No time found in the text: imported as an all-day event."


def utc(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def run_import(*args) -> str:
    out = StringIO()
    call_command("import_jekyll_events", *[str(arg) for arg in args], stdout=out, stderr=out)
    return out.getvalue()


def times(event: Event) -> tuple:
    return (event.timezone, event.starts_at, event.ends_at, event.needs_review, event.review_notes)


ONLINE_NOTE = (
    "People attend online: add the join link before publishing (zoom.us/, online workshop)."
)
# (timezone, starts_at, ends_at, needs_review, review_notes) of each page stating a time.
PAGES_STATING_A_TIME = {
    "2023-10-07-green-party-conference-fringe.md": (
        LONDON, utc(2023, 10, 7, 16, 15), utc(2023, 10, 7, 17, 30), False, ""
    ),
    "2025-02-11-global-ai-governance.md": (
        "Europe/Paris", utc(2025, 2, 11, 8), utc(2025, 2, 11, 11), False, ""
    ),
    # "at 2pm": an hour long. The meetings are online: the join link is for the organiser to add.
    "2025-03-12-community-of-practice.md": (
        LONDON, utc(2025, 3, 12, 14), utc(2025, 3, 12, 15), True, ONLINE_NOTE
    ),
    "2025-04-09-community-of-practice.md": (
        LONDON, utc(2025, 4, 9, 13), utc(2025, 4, 9, 14), True, ONLINE_NOTE
    ),
    "2025-10-06-ogp-ai-procurement-public-participation.md": (
        "Europe/Madrid", utc(2025, 10, 6, 8), utc(2025, 10, 6, 10, 30), False, ""
    ),
    "2026-02-11-community-of-practice.md": (
        LONDON,
        utc(2026, 2, 11, 14),
        utc(2026, 2, 11, 15),
        True,
        "People attend online: add the join link before publishing (online meetings, online "
        "workshop).\nThe time is stated for a series (“monthly”), not for this date.",
    ),
}  # fmt: skip
# Conferences over several days: all day, as they are.
MULTI_DAY_PAGES = {
    "2022-06-06-rightscon.md": (
        LONDON, utc(2022, 6, 5, 23), utc(2022, 6, 10, 23), False, ""
    ),
    "2022-09-12-rss-conference.md": (
        LONDON, utc(2022, 9, 11, 23), utc(2022, 9, 15, 23), False, ""
    ),
}  # fmt: skip


@pytest.fixture
def imported(organiser):
    return run_import(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES_STATING_A_TIME))
def test_import_page_stating_a_time_has_its_utc_times(imported, name):
    assert times(Event.objects.get(source_file=name)) == PAGES_STATING_A_TIME[name]


@pytest.mark.parametrize("name", sorted(MULTI_DAY_PAGES))
def test_import_multi_day_page_without_a_time_is_all_day(imported, name):
    assert times(Event.objects.get(source_file=name)) == MULTI_DAY_PAGES[name]


def test_import_one_day_organised_page_without_a_time_flagged(imported):
    event = Event.objects.get(source_file="2025-06-24-engagement-lab.md")

    assert times(event) == (LONDON, utc(2025, 6, 23, 23), utc(2025, 6, 24, 23), True, NO_TIME)


def test_import_single_time_reports_the_hour_given(imported):
    page = PAGES / "2025-03-12-community-of-practice.md"

    assert "  The text gives no end time: the event was given one hour." in imported.splitlines()
    assert (
        imported.splitlines().count("  The text gives no end time: the event was given one hour.")
        == 3
    )
    assert f"{page}: created /events/community-of-practice-2025-03-12/ (Draft)" in imported


def test_import_time_with_a_zone_name_in_the_text(organiser, tmp_path):
    page = tmp_path / "2025-06-30-webinar.md"
    page.write_text(
        "---\ntitle: Webinar\ndate: 2025-06-30\n---\nA talk.\n\n"
        "🗓 June 30, 2025 | 🕐 13:00–14:00 CEST\n"
    )

    run_import(page)

    assert times(Event.objects.get()) == (
        "Europe/Brussels",
        utc(2025, 6, 30, 11),
        utc(2025, 6, 30, 12),
        False,
        "",
    )


def test_import_time_past_midnight_ends_the_next_day(organiser, tmp_path):
    page = tmp_path / "2025-07-03-night.md"
    page.write_text("---\ntitle: Night\ndate: 2025-07-03\n---\nLate.\n\n22:00 - 01:00 UTC\n")

    run_import(page)

    assert times(Event.objects.get()) == ("UTC", utc(2025, 7, 3, 22), utc(2025, 7, 4, 1), False, "")


def test_import_text_date_not_the_page_date_flagged_and_read(organiser, tmp_path):
    page = tmp_path / "2025-03-12-talk.md"
    page.write_text(
        "---\ntitle: Talk\ndate: 2025-03-12\n---\nA talk.\n\nThursday 13 March 2025, 2pm - 3pm\n"
    )

    run_import(page)

    assert times(Event.objects.get()) == (
        LONDON,
        utc(2025, 3, 13, 14),
        utc(2025, 3, 13, 15),
        True,
        "The text gives the date 2025-03-13 but the page's date is 2025-03-12.",
    )


def test_import_time_without_zone_read_in_the_lead_organisers_timezone(organiser, tmp_path):
    organiser.timezone = "Europe/Berlin"
    organiser.save()
    page = tmp_path / "2025-07-03-talk.md"
    page.write_text("---\ntitle: Talk\ndate: 2025-07-03\n---\nA talk.\n\n**When:** 2pm - 3pm\n")

    run_import(page)

    assert times(Event.objects.get()) == (
        "Europe/Berlin",
        utc(2025, 7, 3, 12),
        utc(2025, 7, 3, 13),
        False,
        "",
    )
