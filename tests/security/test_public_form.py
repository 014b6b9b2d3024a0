"""Organiser text on the public form and the personal page is text, never markup."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registrations import services
from registrations.models import Question, Registration
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
    # Checkbox questions begin their help with "Select all that apply."
    hint = "Select all that apply. " if question.kind == Question.Kind.CHECKBOXES else ""
    assert (
        f'<div id="id_{question.field_name}_helptext" class="form-text">'
        f"{hint}Help {ESCAPED_IMAGE} {ESCAPED_SCRIPT}</div>"
    ) in html
    assert f"Label {ESCAPED_IMAGE} {ESCAPED_SCRIPT}" in html
    assert "&amp;lt;" not in html  # escaped once, not twice
    if question.has_options:
        assert f'value="{ESCAPED_IMAGE}"' in html
        assert f'value="{ESCAPED_SCRIPT}"' in html


@pytest.mark.parametrize("kind", Question.Kind.values)
def test_public_form_question_text_escaped(client, event, kind):
    question = hostile_question(event, kind)

    response = client.get(reverse("registrations:register", args=[event.slug]))

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
        reverse("registrations:register", args=[event.slug]),
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


def test_personal_pages_never_stored_and_send_no_address_as_referrer(client, event):
    registration = RegistrationFactory(event=event)

    responses = {url: client.get(url) for url in personal_pages(registration)}

    assert {url: response.status_code for url, response in responses.items()} == {
        url: 200 for url in personal_pages(registration)
    }
    assert {url: r.headers.get("Cache-Control") for url, r in responses.items()} == {
        url: NOT_STORED for url in personal_pages(registration)
    }
    assert {url: r.headers.get("Referrer-Policy") for url, r in responses.items()} == {
        url: "strict-origin" for url in personal_pages(registration)
    }


def test_personal_page_answers_to_posts_never_stored(client, event):
    registration = RegistrationFactory(event=event, name="Ada Lovelace")

    invalid = client.post(registration.personal_path, {"name": "", "email": "x"})
    cancelled = client.post(reverse("registrations:cancel", args=[registration.token]))

    assert (invalid.status_code, cancelled.status_code) == (400, 302)
    assert invalid.headers["Cache-Control"] == cancelled.headers["Cache-Control"] == NOT_STORED
    assert invalid.headers["Referrer-Policy"] == cancelled.headers["Referrer-Policy"]
    assert invalid.headers["Referrer-Policy"] == "strict-origin"


def test_public_event_page_keeps_the_site_referrer_policy(client, event):
    response = client.get(event.get_absolute_url())

    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" not in response.headers.get("Cache-Control", "")


# Anyone can make Turnout write to any address with their own text as the name: a name is
# text, never a link or markup.
LINK_NAMES = [
    "Visit http://spam.example now",
    "HTTPS://SPAM.EXAMPLE",
    "ftp://files.example",
    "www.spam",
    "Cheap pills at spam.com",
    "Cheap pills at Spam.COM",
    "spam.co.uk/offer",
    "bücher.de",
    "ada@example.org",
]
MARKUP_NAMES = ["<b>Ada</b>", "Ada <", "Ada > Bob"]
REAL_NAMES = [
    "O'Brien",
    "Zoë Ångström",
    "Nguyễn Văn A",
    "李雷",
    "Jean-Luc Picard",
    "Dr. A. Smith",
    "J.R.R. Tolkien",
    "Ada 🎉 Lovelace",
    "María José Carreño Quiñones",
    "محمد بن موسى",
    "Дмитрий Иванович",
    "Martin Luther King Jr.",
    "St. John-Smythe",
]
LINK_MESSAGE = (
    "Please write just your name, without a web address. If a dot in your name joins two "
    "words, put a space after it."
)
MARKUP_MESSAGE = "Please write your name without the characters < and >."


def name_errors(name):
    return [MARKUP_MESSAGE] if name in MARKUP_NAMES else [LINK_MESSAGE]


def register_data(**changes):
    return {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "organisation": "Analytical Engines",
        "privacy_consent": "on",
        "submission_key": "key-1",
        **changes,
    }


@pytest.mark.parametrize("name", LINK_NAMES + MARKUP_NAMES)
def test_register_name_with_link_or_markup_refused_next_to_it(client, event, name):
    response = client.post(
        reverse("registrations:register", args=[event.slug]), register_data(name=name)
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"name": name_errors(name)}
    assert 'value="Analytical Engines"' in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("name", REAL_NAMES)
def test_register_real_names_accepted(client, event, name):
    response = client.post(
        reverse("registrations:register", args=[event.slug]), register_data(name=name)
    )

    assert response.status_code == 302
    assert Registration.objects.get().name == name


@pytest.mark.parametrize("name", LINK_NAMES[:3] + MARKUP_NAMES[:1])
def test_personal_page_name_with_link_or_markup_refused_next_to_it(client, event, name):
    registration = RegistrationFactory(event=event, name="Ada Lovelace", email="ada@example.org")

    response = client.post(
        registration.personal_path, register_data(name=name, organisation="Changed")
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"name": name_errors(name)}
    assert 'value="Changed"' in response.content.decode()
    registration.refresh_from_db()
    assert (registration.name, registration.organisation) == ("Ada Lovelace", "Example Org")


@pytest.mark.parametrize("name", LINK_NAMES[:3] + MARKUP_NAMES[:1])
def test_walk_in_name_with_link_or_markup_refused_next_to_it(organiser_client, event, name):
    response = organiser_client.post(
        reverse("admin:events_event_walk_in", args=[event.pk]),
        {"name": name, "email": "grace@navy.example", "privacy_consent": "on"},
    )

    assert response.status_code == 400
    assert response.context["walk_in_form"].errors == {"name": name_errors(name)}
    assert 'value="grace@navy.example"' in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("name", LINK_NAMES[:3] + MARKUP_NAMES[:1])
def test_admin_name_with_link_or_markup_refused_next_to_it(organiser_client, event, name):
    registration = RegistrationFactory(event=event, name="Ada Lovelace", email="ada@example.org")

    response = organiser_client.post(
        reverse("admin:registrations_registration_change", args=[registration.pk]),
        {
            "name": name,
            "email": "ada@example.org",
            "organisation": "Changed",
            "answers-TOTAL_FORMS": "0",
            "answers-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"name": name_errors(name)}
    assert 'value="Changed"' in response.content.decode()
    registration.refresh_from_db()
    assert registration.name == "Ada Lovelace"


@pytest.mark.parametrize("name", LINK_NAMES[:3] + MARKUP_NAMES[:1])
def test_register_service_name_with_link_or_markup_refused(event, name):
    with pytest.raises(ValidationError) as refused:
        services.register(event=event, name=name, email="ada@example.org")

    assert refused.value.message_dict == {"name": name_errors(name)}
    assert not Registration.objects.exists()
