"""The visitor's own time beside the event's, when their timezone differs: added by a small
script, and the page says everything without it."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def madrid_event():
    return EventFactory(
        timezone="Europe/Madrid",
        starts_at=datetime(2030, 10, 7, 8, tzinfo=UTC),
        ends_at=datetime(2030, 10, 7, 10, 30, tzinfo=UTC),
    )


def test_visitor_in_another_zone_sees_their_own_time(browser, live_server, madrid_event):
    context = browser.new_context(timezone_id="America/New_York", locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}{madrid_event.get_absolute_url()}")

    own = page.locator("[data-local-time]:visible").first
    expect(own).to_be_visible()
    # Written in the page's language (en), the visitor's clock and zone.
    expect(own).to_have_text("Your time: Monday, October 7 at 04:00 – 06:30 EDT")
    expect(page.locator("span:visible", has_text="Spanish time (CEST)")).to_have_count(1)
    context.close()


def test_visitor_in_the_event_zone_sees_no_second_time(browser, live_server, madrid_event):
    context = browser.new_context(timezone_id="Europe/Paris", locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}{madrid_event.get_absolute_url()}")

    expect(page.locator("[data-local-time]:visible")).to_have_count(0)
    context.close()
