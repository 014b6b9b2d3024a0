"""A mistake on a public form: a summary at the top, the page title says so, input is kept."""

import re

import pytest
from django.urls import reverse

from events.models import Event
from registrations.models import Registration
from tests.factories import QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"


def form_data(**overrides):
    return {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "organisation": "Analytical Engines",
        "privacy_consent": "on",
        "website": "",
        "submission_key": "key-1",
        **overrides,
    }


def register_url(event):
    return reverse("registrations:register", args=[event.slug])


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def summary_of(response) -> str:
    """The error summary's markup, from its opening tag to its end."""
    html = response.content.decode()
    start = html.index('<div class="alert alert-danger error-summary"')
    return html[start : html.index("</div>", start) + len("</div>")]


def test_register_mistakes_summarised_at_top_with_links(client, event):
    response = client.post(
        register_url(event), form_data(name="", email="ada@", privacy_consent="")
    )

    assert response.status_code == 400
    assert title_of(response) == "Error: Register: Open Government and AI · Turnout"
    assert response.context["form"].error_summary() == [
        ("id_name", "Enter your name"),
        ("id_email", EMAIL_FORMAT),
        ("id_privacy_consent", "Please agree to the privacy notice to register."),
    ]
    summary = summary_of(response)
    assert 'role="alert"' in summary
    assert 'tabindex="-1" autofocus' in summary
    assert f'<a class="alert-link" href="#id_email">{EMAIL_FORMAT}</a>' in summary
    html = response.content.decode()
    assert html.index("error-summary") < html.index("<h1")
    assert 'value="ada@"' in html
    assert 'value="Analytical Engines"' in html


def test_register_question_mistake_links_to_first_option(client, event):
    question = QuestionFactory(
        event=event,
        label="Which session?",
        kind="radio",
        options="Morning\nAfternoon",
        required=True,
    )

    response = client.post(register_url(event), form_data())

    assert response.context["form"].error_summary() == [
        (f"id_{question.field_name}_0", "Select an answer to this question")
    ]


def test_register_without_mistake_title_has_no_error(client, event):
    response = client.get(register_url(event))

    assert title_of(response) == "Register: Open Government and AI · Turnout"
    assert "error-summary" not in response.content.decode()


def test_register_last_place_taken_meanwhile_keeps_the_form_and_input(client, event):
    Event.objects.filter(pk=event.pk).update(capacity=1, waitlist_enabled=False)
    RegistrationFactory(event=event)

    response = client.post(register_url(event), form_data(role="Researcher"))

    assert response.status_code == 409
    assert response.context["form"].error_summary() == [
        (
            "",
            "This event is full. The last place was taken before your form arrived, so you are "
            "not registered. What you typed is kept below: contact the organisers if you would "
            "still like to come.",
        )
    ]
    html = response.content.decode()
    assert 'value="Ada Lovelace"' in html
    assert 'value="Researcher"' in html
    assert Registration.objects.filter(email="ada@example.org").exists() is False


def test_register_limits_told_in_a_message_not_a_maxlength(client, event):
    QuestionFactory(event=event, label="Why?", kind="short_text")

    page = client.get(register_url(event)).content.decode()
    response = client.post(register_url(event), form_data(organisation="x" * 201))

    assert "maxlength" not in page
    assert response.context["form"].errors["organisation"] == [
        "Shorten this to 200 characters or fewer: it has 201."
    ]


def test_register_optional_fields_say_optional(client, event):
    form = client.get(register_url(event)).context["form"]

    assert [str(form[name].label) for name in ("name", "email", "organisation", "role")] == [
        "Your name",
        "Email address",
        "Organisation (optional)",
        "Role or job title (optional)",
    ]
    assert "asteriskField" not in client.get(register_url(event)).content.decode()


def test_manage_failed_save_shows_no_success_at_top(client, event):
    registration = RegistrationFactory(event=event, name="Ada Lovelace")

    response = client.post(
        registration.personal_path,
        {"name": "Ada Lovelace", "email": "not-an-address", "organisation": "AE"},
    )

    assert response.status_code == 400
    assert title_of(response) == "Error: Your registration: Open Government and AI · Turnout"
    html = response.content.decode()
    assert "alert-success" not in html
    assert html.index("error-summary") < html.index("Your place is confirmed.")
    assert '<h2 id="error-summary-title" class="h5">Your changes were not saved</h2>' in html
    assert response.context["form"].error_summary() == [("id_email", EMAIL_FORMAT)]
    assert 'value="not-an-address"' in html
    registration.refresh_from_db()
    assert registration.email.endswith("@example.org")


def test_manage_successful_save_shows_confirmed_place(client, event):
    registration = RegistrationFactory(event=event)

    response = client.get(registration.personal_path)

    assert '<p class="alert alert-success">Your place is confirmed.</p>' in (
        response.content.decode()
    )


def test_lost_link_mistake_summarised(client):
    response = client.post(reverse("registrations:lost_link"), {"email": ""})

    assert response.status_code == 400
    assert title_of(response) == "Error: Lost your link? · Turnout"
    assert response.context["form"].error_summary() == [
        ("id_email", "Enter the email address you registered with")
    ]
    assert 'href="#id_email"' in summary_of(response)


def test_register_likely_typo_in_address_asks_before_registering(client, event):
    response = client.post(register_url(event), form_data(email="john.smith@gmial.com"))

    assert response.status_code == 200
    assert not Registration.objects.exists()
    assert title_of(response) == "Register: Open Government and AI · Turnout"
    html = response.content.decode()
    assert "Did you mean john.smith@gmail.com?" in html
    assert response.context["suggested_data"] == [
        ("name", "Ada Lovelace"),
        ("organisation", "Analytical Engines"),
        ("privacy_consent", "on"),
        ("website", ""),
        ("submission_key", "key-1"),
        ("email", "john.smith@gmail.com"),
        ("email_checked", "john.smith@gmail.com"),
    ]
    assert '<input type="hidden" name="email_checked" value="john.smith@gmial.com"' in html
    assert 'value="john.smith@gmial.com"' in html


def test_register_suggested_address_accepted_in_one_step(client, event):
    asked = client.post(register_url(event), form_data(email="john.smith@gmial.com"))

    response = client.post(register_url(event), dict(asked.context["suggested_data"]))

    registration = Registration.objects.get()
    assert registration.email == "john.smith@gmail.com"
    done = client.get(response["Location"])
    assert "We are emailing the details to <strong>john.smith@gmail.com</strong>." in (
        done.content.decode()
    )


def test_register_address_kept_as_typed_when_the_suggestion_is_declined(client, event):
    client.post(register_url(event), form_data(email="john.smith@gmial.com"))

    response = client.post(
        register_url(event),
        form_data(email="john.smith@gmial.com", email_checked="john.smith@gmial.com"),
    )

    assert response.status_code == 302
    assert Registration.objects.get().email == "john.smith@gmial.com"


def test_register_address_changed_after_a_suggestion_is_checked_again(client, event):
    response = client.post(
        register_url(event),
        form_data(email="ada@hotmial.com", email_checked="john.smith@gmial.com"),
    )

    assert response.context["form"].email_suggestion == "ada@hotmail.com"
    assert not Registration.objects.exists()


def test_attendee_name_shown_in_its_own_direction(client, event):
    registration = RegistrationFactory(event=event, name="أدا لوفليس")

    html = client.get(registration.personal_path).content.decode()

    assert 'name="name" value="أدا لوفليس" autocomplete="name" dir="auto"' in html
