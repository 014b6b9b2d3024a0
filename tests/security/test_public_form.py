"""Organiser text on the public form and the personal page is text, never markup."""

import pytest
from django.urls import reverse

from registrations.models import Question
from tests.factories import QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

IMAGE = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"
ESCAPED_IMAGE = "&lt;img src=x onerror=alert(1)&gt;"
ESCAPED_SCRIPT = "&lt;script&gt;alert(2)&lt;/script&gt;"


def hostile_question(event, kind):
    options = f"{IMAGE}\n{SCRIPT}" if kind in Question.CHOICE_KINDS else ""
    return QuestionFactory(
        event=event,
        kind=kind,
        label=f"Label {IMAGE} {SCRIPT}",
        help_text=f"Help {IMAGE} {SCRIPT}",
        options=options,
    )


def assert_only_escaped(html, question):
    assert IMAGE not in html
    assert SCRIPT not in html
    assert "onerror=alert(1)>" not in html
    assert (
        f'<div id="id_{question.field_name}_helptext" class="form-text">'
        f"Help {ESCAPED_IMAGE} {ESCAPED_SCRIPT}</div>"
    ) in html
    assert f"Label {ESCAPED_IMAGE} {ESCAPED_SCRIPT}" in html
    assert "&amp;lt;" not in html  # escaped once, not twice
    if question.has_options:
        assert f'value="{ESCAPED_IMAGE}"' in html
        assert f'value="{ESCAPED_SCRIPT}"' in html


@pytest.mark.parametrize("kind", Question.Kind.values)
def test_public_form_question_text_escaped(client, event, kind):
    question = hostile_question(event, kind)

    response = client.get(reverse("events:register", args=[event.slug]))

    assert response.status_code == 200
    assert_only_escaped(response.content.decode(), question)


@pytest.mark.parametrize("kind", Question.Kind.values)
def test_personal_page_question_text_escaped(client, event, kind):
    question = hostile_question(event, kind)
    registration = RegistrationFactory(event=event)

    response = client.get(registration.personal_path)

    assert response.status_code == 200
    assert_only_escaped(response.content.decode(), question)


def test_public_form_choice_with_markup_still_accepted_as_typed(client, event):
    question = hostile_question(event, Question.Kind.RADIO)

    response = client.post(
        reverse("events:register", args=[event.slug]),
        {
            "name": "Ada Lovelace",
            "email": "ada@example.org",
            "privacy_consent": "on",
            question.field_name: IMAGE,
        },
    )

    assert response.status_code == 302
    assert question.answers.get().value == IMAGE


NOT_STORED = "max-age=0, no-cache, no-store, must-revalidate, private"


def personal_pages(registration):
    return [
        registration.personal_path,
        reverse("registrations:done", args=[registration.token]),
        reverse("registrations:cancel", args=[registration.token]),
        reverse("registrations:erase", args=[registration.token]),
    ]


def test_personal_pages_never_stored_and_send_no_referrer(client, event):
    registration = RegistrationFactory(event=event)

    responses = {url: client.get(url) for url in personal_pages(registration)}

    assert {url: response.status_code for url, response in responses.items()} == {
        url: 200 for url in personal_pages(registration)
    }
    assert {url: r.headers.get("Cache-Control") for url, r in responses.items()} == {
        url: NOT_STORED for url in personal_pages(registration)
    }
    assert {url: r.headers.get("Referrer-Policy") for url, r in responses.items()} == {
        url: "no-referrer" for url in personal_pages(registration)
    }


def test_personal_page_answers_to_posts_never_stored(client, event):
    registration = RegistrationFactory(event=event, name="Ada Lovelace")

    invalid = client.post(registration.personal_path, {"name": "", "email": "x"})
    cancelled = client.post(reverse("registrations:cancel", args=[registration.token]))

    assert (invalid.status_code, cancelled.status_code) == (400, 302)
    assert invalid.headers["Cache-Control"] == cancelled.headers["Cache-Control"] == NOT_STORED
    assert invalid.headers["Referrer-Policy"] == cancelled.headers["Referrer-Policy"]
    assert invalid.headers["Referrer-Policy"] == "no-referrer"


def test_public_event_page_keeps_the_site_referrer_policy(client, event):
    response = client.get(event.get_absolute_url())

    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" not in response.headers.get("Cache-Control", "")
