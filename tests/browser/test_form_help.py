"""Help on the register form: a suggested address, and "None of these" among checkboxes."""

import re

import pytest
from playwright.sync_api import expect

from registrations.models import Answer, Registration
from tests.factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_in(page, email):
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill(email)
    page.get_by_label(re.compile("I agree that my details")).check()


def test_suggested_address_focused_and_accepted_in_one_click(
    live_server, page, event, axe_violations
):
    page.goto(f"{live_server.url}/events/{event.slug}/register/")
    fill_in(page, "john.smith@gmial.com")
    page.get_by_role("button", name="Register").click()

    suggestion = page.locator("#email-suggestion")
    expect(suggestion).to_be_focused()
    expect(suggestion.get_by_role("heading")).to_have_text("Did you mean john.smith@gmail.com?")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Yes, use john.smith@gmail.com").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    expect(page.get_by_text("We are emailing the details to")).to_contain_text(
        "john.smith@gmail.com"
    )
    assert Registration.objects.get().email == "john.smith@gmail.com"


def test_suggested_address_declined_registers_as_typed(live_server, page, event):
    page.goto(f"{live_server.url}/events/{event.slug}/register/")
    fill_in(page, "ada@outlok.com")
    page.get_by_role("button", name="Register").click()

    page.get_by_role("button", name="No, use ada@outlok.com").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    assert Registration.objects.get().email == "ada@outlok.com"


def test_none_of_these_unticks_the_other_options(live_server, page, event):
    question = QuestionFactory(
        event=event, label="Topics you follow", kind="checkboxes", options="Data\nAI"
    )
    page.goto(f"{live_server.url}/events/{event.slug}/register/")
    group = page.get_by_role("group", name=re.compile("Topics you follow"))
    expect(group).to_contain_text("Select all that apply.")

    group.get_by_label("Data").check()
    group.get_by_label("None of these").check()
    expect(group.get_by_label("Data")).not_to_be_checked()
    group.get_by_label("AI").check()
    expect(group.get_by_label("None of these")).not_to_be_checked()
    group.get_by_label("None of these").check()
    fill_in(page, "ada@example.org")
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    assert Answer.objects.get(question=question).value == "__none__"
