from datetime import UTC, date, datetime
from pathlib import Path

import frontmatter
import pytest

from events.stated_times import StatedTime, read_stated_time, stated_time_in_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "jekyll-events"
SEED = Path(__file__).resolve().parents[2] / "events" / "demo"
LONDON = "Europe/London"


def utc(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def read(text, page_date, default_tz=LONDON):
    return read_stated_time(text, page_date=page_date, default_tz=default_tz)


def read_page(path):
    page = frontmatter.load(path)
    page_date = page.get("date") or date.fromisoformat(path.name[:10])
    return stated_time_in_page(page_date=page_date, body=page.content, default_tz=LONDON)


# The phrasings of the website's pages, as issue 13 quotes them.


def test_read_stated_time_when_line_with_shared_pm():
    assert read("**When:** Tuesday 15 October 2024, 1:30 - 4:30pm.", date(2024, 10, 15)) == (
        StatedTime(utc(2024, 10, 15, 12, 30), utc(2024, 10, 15, 15, 30), LONDON)
    )


def test_read_stated_time_range_before_the_date():
    assert read("from 17:15-18:30 on Saturday 7 October 2023", date(2023, 10, 7)) == (
        StatedTime(utc(2023, 10, 7, 16, 15), utc(2023, 10, 7, 17, 30), LONDON)
    )


def test_read_stated_time_uk_time_in_winter():
    text = "15:30 - 16:30 UK time, Monday 26th February 2024 on Zoom"
    assert read(text, date(2024, 2, 26)) == StatedTime(
        utc(2024, 2, 26, 15, 30), utc(2024, 2, 26, 16, 30), LONDON
    )


def test_read_stated_time_single_time_takes_the_page_date():
    assert read("at 2pm", date(2025, 4, 9)) == StatedTime(utc(2025, 4, 9, 13), None, LONDON)


def test_read_stated_time_emoji_line_with_cest():
    assert read("🗓 June 30, 2025 | 🕐 13:00–14:00 CEST", date(2025, 6, 30)) == StatedTime(
        utc(2025, 6, 30, 11), utc(2025, 6, 30, 12), "Europe/Brussels"
    )


def test_read_stated_time_dotted_utc_range_without_a_year():
    assert read("📅 May 22 | 20.00-21.30 UTC", date(2025, 5, 22)) == StatedTime(
        utc(2025, 5, 22, 20), utc(2025, 5, 22, 21, 30), "UTC"
    )


def test_read_stated_time_city_in_the_context():
    stated = read_stated_time(
        "14:30 - 15:30 on 11th Feb",
        page_date=date(2025, 2, 11),
        default_tz=LONDON,
        context="The summit is in Paris.\n14:30 - 15:30 on 11th Feb",
    )
    assert stated == StatedTime(utc(2025, 2, 11, 13, 30), utc(2025, 2, 11, 14, 30), "Europe/Paris")


def test_read_stated_time_zone_name_next_to_a_city_keeps_the_city():
    assert read("13:00–14:00 CEST in Madrid, 1 July 2025", date(2025, 7, 1)) == StatedTime(
        utc(2025, 7, 1, 11), utc(2025, 7, 1, 12), "Europe/Madrid"
    )


def test_read_stated_time_noon_and_morning_without_am():
    assert read("12 noon - 1.30pm, between 10 and 11am too", date(2025, 1, 8)).start == utc(
        2025, 1, 8, 12
    )
    assert read("between 10 and 11am", date(2025, 1, 8)) == StatedTime(
        utc(2025, 1, 8, 10), utc(2025, 1, 8, 11), LONDON
    )


def test_read_stated_time_range_past_midnight():
    assert read("22:00 - 01:00 UTC", date(2025, 7, 3)) == StatedTime(
        utc(2025, 7, 3, 22), utc(2025, 7, 4, 1), "UTC"
    )


def test_read_stated_time_year_nearest_the_page_date():
    assert read("3 January, 10am - 11am", date(2025, 12, 30)) == StatedTime(
        utc(2026, 1, 3, 10),
        utc(2026, 1, 3, 11),
        LONDON,
        "The text gives the date 2026-01-03 but the page's date is 2025-12-30.",
    )


def test_read_stated_time_one_time_for_two_clocks():
    assert read("10:00 - 12:30 CET (09:00 - 11:30 GMT), 5 December 2024", date(2024, 12, 5)) == (
        StatedTime(utc(2024, 12, 5, 9), utc(2024, 12, 5, 11, 30), "Europe/Brussels")
    )


def test_read_stated_time_fixed_offset():
    assert read("13:00 UTC+2, 5 December 2024", date(2024, 12, 5)) == StatedTime(
        utc(2024, 12, 5, 11), None, "Etc/GMT-2"
    )


def test_read_stated_time_fixed_offset_of_the_organisers_clock():
    assert read("14:00 (GMT+1) on 1 July 2025", date(2025, 7, 1)) == StatedTime(
        utc(2025, 7, 1, 13), None, LONDON
    )


def test_read_stated_time_french_hours():
    assert read("14h30 - 16h00 à Paris", date(2024, 12, 5)) == StatedTime(
        utc(2024, 12, 5, 13, 30), utc(2024, 12, 5, 15), "Europe/Paris"
    )


def test_read_stated_time_place_time():
    assert read("19:00 Paris time, 5 December 2024", date(2024, 12, 5)) == StatedTime(
        utc(2024, 12, 5, 18), None, "Europe/Paris"
    )


def test_read_stated_time_numeric_date_day_first():
    assert read("11/02/2025, 14:00 - 15:00", date(2025, 2, 11)) == StatedTime(
        utc(2025, 2, 11, 14), utc(2025, 2, 11, 15), LONDON
    )


def test_read_stated_time_no_time_is_none():
    assert read("On Tuesday 8 October 2024, online. Costs £10.00 for 3.5 hours.", None) is None


# What must be flagged, with the reason.


def test_read_stated_time_weekday_not_matching_the_date_flagged():
    assert read("Tuesday 16 October 2024 at 10am", date(2024, 10, 16)) == StatedTime(
        utc(2024, 10, 16, 9),
        None,
        LONDON,
        "The text says Tuesday, but 2024-10-16 is a Wednesday.",
    )


def test_read_stated_time_gmt_in_summer_flagged():
    assert read("2pm GMT on 3 July 2025", date(2025, 7, 3)) == StatedTime(
        utc(2025, 7, 3, 13),
        None,
        LONDON,
        "The text says GMT, but on that date Europe/London is at UTC+01:00: "
        "read as Europe/London time.",
    )


def test_read_stated_time_est_in_summer_flagged():
    assert read("11am - 12pm EST, 12 June 2025", date(2025, 6, 12)) == StatedTime(
        utc(2025, 6, 12, 15),
        utc(2025, 6, 12, 16),
        "America/New_York",
        "The text says EST, but on that date America/New_York is at UTC-04:00: "
        "read as America/New_York time.",
    )


def test_read_stated_time_seven_without_am_or_pm_flagged():
    assert read("7:30 - 9:00", date(2025, 7, 3)) == StatedTime(
        utc(2025, 7, 3, 6, 30),
        utc(2025, 7, 3, 8),
        LONDON,
        "“7:30” has no am or pm: read as morning.",
    )


def test_read_stated_time_text_date_not_the_page_date_flagged():
    assert read("Thursday 13 March 2025, 2pm - 3pm", date(2025, 3, 12)) == StatedTime(
        utc(2025, 3, 13, 14),
        utc(2025, 3, 13, 15),
        LONDON,
        "The text gives the date 2025-03-13 but the page's date is 2025-03-12.",
    )


def test_read_stated_time_two_dates_flagged():
    assert read("10th and 11th February 2025, 9am - 5pm", date(2025, 2, 10)) == StatedTime(
        utc(2025, 2, 10, 9),
        utc(2025, 2, 10, 17),
        LONDON,
        "The text gives more than one date (2025-02-10, 2025-02-11): 2025-02-10 was read.",
    )


def test_read_stated_time_two_times_flagged():
    assert read("Doors 6pm, talks 6:30pm - 8pm", date(2025, 2, 10)) == StatedTime(
        utc(2025, 2, 10, 18),
        None,
        LONDON,
        "The text states more than one time (“6pm”, “6:30pm–8pm”): the first was read.",
    )


def test_read_stated_time_end_before_start_flagged():
    assert read("16:30 - 15:30 on 10 February 2025", date(2025, 2, 10)) == StatedTime(
        utc(2025, 2, 10, 16, 30),
        None,
        LONDON,
        "The time in the text ends before it starts: the end was left out.",
    )


def test_read_stated_time_series_time_flagged():
    assert read("monthly meetings, 2pm on a Wednesday", date(2026, 2, 11)) == StatedTime(
        utc(2026, 2, 11, 14),
        None,
        LONDON,
        "The time is stated for a series (“monthly”), not for this date.",
    )


def test_read_stated_time_places_in_two_timezones_flagged():
    assert read("Paris and London, 14:00 - 15:00 on 11 February 2025", date(2025, 2, 11)) == (
        StatedTime(
            utc(2025, 2, 11, 13),
            utc(2025, 2, 11, 14),
            "Europe/Paris",
            "Places in different timezones are named near the time (Paris, London): "
            "Paris was read.",
        )
    )


def test_read_stated_time_two_clocks_at_different_moments_flagged():
    assert read("14:00 CET / 14:00 GMT on 5 December 2024", date(2024, 12, 5)) == StatedTime(
        utc(2024, 12, 5, 13),
        None,
        "Europe/Brussels",
        "The text names more than one timezone (CET, GMT): the first was read.",
    )


def test_read_stated_time_no_date_anywhere_flagged():
    assert read("at 2pm", None) == StatedTime(
        None, None, LONDON, "No date is given in the text or the page."
    )


# Every sample page: those that state a time, and those that do not.

PAGES_STATING_A_TIME = {
    "2023-10-07-green-party-conference-fringe.md": StatedTime(
        utc(2023, 10, 7, 16, 15), utc(2023, 10, 7, 17, 30), LONDON
    ),
    "2025-02-11-global-ai-governance.md": StatedTime(
        utc(2025, 2, 11, 8), utc(2025, 2, 11, 11), "Europe/Paris"
    ),
    "2025-03-12-community-of-practice.md": StatedTime(utc(2025, 3, 12, 14), None, LONDON),
    "2025-04-09-community-of-practice.md": StatedTime(utc(2025, 4, 9, 13), None, LONDON),
    "2025-10-06-ogp-ai-procurement-public-participation.md": StatedTime(
        utc(2025, 10, 6, 8), utc(2025, 10, 6, 10, 30), "Europe/Madrid"
    ),
}
# The time of the series, written in a report of its sixteenth meeting.
PAGES_STATING_A_SERIES_TIME = {
    "2026-02-11-community-of-practice.md": StatedTime(
        utc(2026, 2, 11, 14),
        None,
        LONDON,
        "The time is stated for a series (“monthly”), not for this date.",
    ),
}
PAGES_WITHOUT_A_TIME = sorted(
    path.name
    for path in FIXTURES.glob("*.md")
    if path.name not in PAGES_STATING_A_TIME and path.name not in PAGES_STATING_A_SERIES_TIME
)


@pytest.mark.parametrize("name", sorted(PAGES_STATING_A_TIME))
def test_stated_time_in_page_sample_page_stating_a_time(name):
    assert read_page(FIXTURES / name) == PAGES_STATING_A_TIME[name]


@pytest.mark.parametrize("name", sorted(PAGES_STATING_A_SERIES_TIME))
def test_stated_time_in_page_sample_page_stating_a_series_time_flagged(name):
    assert read_page(FIXTURES / name) == PAGES_STATING_A_SERIES_TIME[name]


@pytest.mark.parametrize("name", PAGES_WITHOUT_A_TIME)
def test_stated_time_in_page_sample_page_without_a_time(name):
    assert read_page(FIXTURES / name) is None


def test_stated_time_in_page_sample_pages_all_counted():
    assert len(PAGES_WITHOUT_A_TIME) == 42


def test_stated_time_in_page_seed_page():
    assert read_page(SEED / "2025-10-06-ogp-ai-procurement-public-participation.md") == (
        StatedTime(utc(2025, 10, 6, 8), utc(2025, 10, 6, 10, 30), "Europe/Madrid")
    )


def test_stated_time_in_page_embedded_post_time_ignored():
    body = (
        '<blockquote class="bluesky-embed"><p>Back from the day.</p>'
        '<a href="https://bsky.app/x">December 16, 2024 at 8:20 PM</a></blockquote>'
    )
    assert stated_time_in_page(page_date=date(2024, 12, 16), body=body, default_tz=LONDON) is None


def test_stated_time_in_page_range_preferred_and_other_range_flagged():
    body = "Doors open at 9am.\n\n**When:** 10:00 - 12:00\n\nLunch 13:00 - 14:00, then home."
    assert stated_time_in_page(page_date=date(2025, 2, 10), body=body, default_tz=LONDON) == (
        StatedTime(
            utc(2025, 2, 10, 10),
            utc(2025, 2, 10, 12),
            LONDON,
            "Another line of the page states a different time: “Lunch 13:00 - 14:00, then home.”.",
        )
    )
