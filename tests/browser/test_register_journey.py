import re

import pytest
from playwright.sync_api import expect

from registrations.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_attendee_registers_and_opens_personal_link(live_server, page, event, axe_violations):
    page.goto(f"{live_server.url}/events/")
    page.get_by_role("link", name=event.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
    assert axe_violations(page) == []

    page.get_by_role("link", name="Register").click()
    assert axe_violations(page) == []
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Organisation").fill("Analytical Engines")
    page.get_by_label("Vegetarian").check()
    page.get_by_label("Other", exact=True).check()
    page.get_by_label("Other dietary requirement").fill("No nuts")
    page.get_by_label(re.compile("I agree that my details")).check()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    assert axe_violations(page) == []
    registration = Registration.objects.get()
    assert registration.email == "ada@example.org"
    assert (registration.dietary_options, registration.dietary_requirements) == (
        "vegetarian,other",
        "No nuts",
    )

    page.get_by_role("link", name=f"{live_server.url}{registration.personal_path}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")
    expect(page.get_by_text("Your place is confirmed.")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Ada Lovelace")
    assert axe_violations(page) == []


def test_register_form_errors_summary_receives_focus_and_links_to_fields(
    live_server, page, event, axe_violations
):
    page.goto(f"{live_server.url}/events/{event.slug}/register/")
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_role("button", name="Register").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Register: "))
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter an email address in the correct format, like name@example.org",
            "Please agree to the privacy notice to register.",
        ]
    )
    expect(page.locator("#div_id_email")).to_contain_text(
        "Enter an email address in the correct format, like name@example.org"
    )
    expect(page.get_by_label("Email address")).to_have_value("not-an-email")
    expect(page.get_by_label("Your name")).to_have_value("Ada Lovelace")
    assert axe_violations(page) == []

    summary.get_by_role("link", name="Enter an email address").click()
    expect(page.get_by_label("Email address")).to_be_focused()
    assert not Registration.objects.exists()


def test_register_error_summary_focused_without_javascript(live_server, browser, event):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/events/{event.slug}/register/")
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("alert")).to_be_focused()
    context.close()
