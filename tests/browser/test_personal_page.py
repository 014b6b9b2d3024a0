"""The personal page in a real browser: its own form works, and its secret link never leaves
it as a Referer."""

import pytest
from playwright.sync_api import expect

from tests.factories import RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_personal_page_in_browser_saves_changes_and_sends_no_token_as_referrer(
    live_server, page, event
):
    registration = RegistrationFactory(event=event, name="Ada Lovelace")
    page.goto(f"{live_server.url}{registration.personal_path}")

    page.get_by_label("Your name").fill("Ada King")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your details were saved.")).to_be_visible()
    with page.expect_request(f"{live_server.url}{event.get_absolute_url()}") as opened:
        page.get_by_role("link", name=event.title).first.click()

    assert opened.value.headers.get("referer") == f"{live_server.url}/"
    registration.refresh_from_db()
    assert registration.name == "Ada King"
