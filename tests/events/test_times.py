from datetime import UTC, datetime

import pytest

from events import times
from tests.factories import EventFactory


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_zone_label_common_zone_in_words_with_abbreviation():
    assert times.zone_label(utc(2026, 1, 15, 9), "Europe/Madrid") == "Spanish time (CET)"
    assert times.zone_label(utc(2026, 7, 15, 9), "Europe/Madrid") == "Spanish time (CEST)"


def test_zone_label_other_zone_named_after_its_city():
    assert times.zone_label(utc(2026, 1, 15, 9), "America/Argentina/Cordoba") == (
        "Cordoba time (UTC-3)"
    )


def test_zone_label_zone_without_letters_gets_its_offset():
    assert times.zone_label(utc(2026, 1, 15, 9), "Asia/Kolkata") == "India time (IST)"
    assert times.zone_label(utc(2026, 1, 15, 9), "Asia/Kathmandu") == "Kathmandu time (UTC+5:45)"


def test_zone_label_utc_is_said_once():
    assert times.zone_label(utc(2026, 1, 15, 9), "UTC") == "UTC"


def test_event_time_same_day():
    event = EventFactory.build(
        starts_at=utc(2026, 1, 15, 9), ends_at=utc(2026, 1, 15, 11, 30), timezone="Europe/Madrid"
    )
    assert times.event_time(event) == "Thursday 15 January 2026, 10:00–12:30 Spanish time (CET)"


def test_event_time_over_two_days_gives_both_dates():
    event = EventFactory.build(
        starts_at=utc(2026, 1, 15, 9), ends_at=utc(2026, 1, 16, 16), timezone="Europe/London"
    )
    assert times.event_time(event) == (
        "Thursday 15 January 2026, 09:00–Friday 16 January 2026, 16:00 UK time (GMT)"
    )


@pytest.mark.django_db
def test_event_page_names_zone_in_words_and_offers_visitor_time(client):
    event = EventFactory(
        starts_at=utc(2027, 1, 15, 9), ends_at=utc(2027, 1, 15, 11, 30), timezone="Europe/Madrid"
    )
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Spanish time (CET)" in page
    assert "Europe/Madrid</span>" not in page
    assert (
        'data-local-time data-starts="2027-01-15T10:00:00+01:00" '
        'data-ends="2027-01-15T12:30:00+01:00" data-zone="Europe/Madrid"'
    ) in page
    assert '<script src="/static/local-time.js" defer></script>' in page
