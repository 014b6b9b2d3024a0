"""The event page and the form with a keyboard only, and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from registrations.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def focused_text(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def test_event_page_on_phone_register_above_fold_and_within_first_tab_stops(
    live_server, browser, event
):
    event.summary = "A half-day fringe event of the Open Government Partnership Global Summit."
    event.description = (
        "Read [the agenda](https://example.org/agenda) and [the venue](https://example.org/venue)."
    )
    event.save()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}{event.get_absolute_url()}")

    register = page.get_by_role("link", name="Register", exact=True)
    box = register.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    stops = []
    for _ in range(16):
        page.keyboard.press("Tab")
        stops.append(focused_text(page))
    assert "Register" in stops[:6]
    assert stops.index("Register") < stops.index("the agenda")
    context.close()


def test_event_page_on_desktop_register_follows_when_and_where(live_server, page, event):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}{event.get_absolute_url()}")

    when = page.get_by_role("region", name="When and where").bounding_box()
    register = page.get_by_role("link", name="Register", exact=True).bounding_box()
    assert register["x"] > when["x"] + when["width"]
    assert register["y"] < when["y"] + when["height"]


def test_keyboard_only_registration(live_server, page, event):
    page.goto(f"{live_server.url}{event.get_absolute_url()}")
    for _ in range(10):
        page.keyboard.press("Tab")
        if focused_text(page) == "Register":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")

    # From the top of the form: Tab to the name field, then through the form in order.
    page.get_by_label("Your name").focus()
    page.keyboard.type("Ada Lovelace")
    page.keyboard.press("Tab")
    page.keyboard.type("ada@example.org")
    # Organisation, role, access needs, the seven dietary options and the words for "other".
    for _ in range(11):
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_label(re.compile("I agree that my details"))).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="privacy notice", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Register")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    assert Registration.objects.get().email == "ada@example.org"


def test_keyboard_only_error_summary_then_fix(live_server, page, event):
    page.goto(f"{live_server.url}/events/{event.slug}/register/")
    page.get_by_label("Your name").focus()
    page.keyboard.type("Ada Lovelace")
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type("ada@example.org")
    page.get_by_label(re.compile("I agree that my details")).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
