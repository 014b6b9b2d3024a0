import re

import pytest
from playwright.sync_api import expect

from registrations.models import Answer
from tests.factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_attendee_answers_questions_and_changes_an_answer(live_server, page, event, axe_violations):
    QuestionFactory(
        event=event,
        label="Which session?",
        kind="radio",
        options="Morning\nAfternoon",
        required=True,
        position=1,
    )
    QuestionFactory(
        event=event,
        label="Topics you follow",
        kind="checkboxes",
        options="Data\nAI",
        help_text="Tick any.",
        position=2,
    )
    assistant = QuestionFactory(
        event=event, label="Your assistant's email", kind="email", position=3
    )

    page.goto(f"{live_server.url}/events/{event.slug}/register/")
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Your assistant's email").fill("nobody")
    page.get_by_label(re.compile("I agree that my details")).check()
    page.get_by_role("button", name="Register").click()

    # Both mistakes are shown next to their question, and what was typed stays.
    session = page.get_by_role("group", name="Which session?")
    expect(session.get_by_text("Select an answer to this question")).to_be_visible()
    expect(
        page.locator(f"#div_id_{assistant.field_name}").get_by_text(
            "Enter an email address in the correct format, like name@example.org"
        )
    ).to_be_visible()
    expect(page.get_by_label("Your assistant's email")).to_have_value("nobody")
    expect(page.get_by_label("Your name")).to_have_value("Ada Lovelace")
    assert axe_violations(page) == []

    session.get_by_label("Afternoon").check()
    topics = page.get_by_role("group", name="Topics you follow")
    topics.get_by_label("Data").check()
    topics.get_by_label("AI").check()
    page.get_by_label("Your assistant's email").fill("grace@example.org")
    page.get_by_label(re.compile("I agree that my details")).check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    assert sorted(Answer.objects.values_list("question_label", "value")) == [
        ("Topics you follow", "Data\nAI"),
        ("Which session?", "Afternoon"),
        ("Your assistant's email", "grace@example.org"),
    ]

    page.get_by_role("link", name="Manage your registration").click()
    expect(
        page.get_by_role("group", name="Which session?").get_by_label("Afternoon")
    ).to_be_checked()
    expect(page.get_by_role("img", name="Check-in code")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("group", name="Topics you follow").get_by_label("AI").uncheck()
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Your details were saved.")).to_be_visible()
    assert Answer.objects.get(question_label="Topics you follow").value == "Data"
