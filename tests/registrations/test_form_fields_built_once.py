"""The register form's fields are built once for each way an event asks them: every form gets
its own copy, and what an event asks, in the page's language, is asked from the next form on."""

import pytest

from registrations.forms import PersonalDetailsForm, RegistrationForm
from registrations.models import Asked, RegistrationSettings
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_each_form_has_its_own_fields(event):
    question = QuestionFactory(event=event, kind="radio", options="Morning\nAfternoon")
    first, second = (RegistrationForm(questions=[question]) for _ in range(2))

    # What rendering a form with errors does to its own fields (the crispy templates mark a
    # control invalid by its attributes).
    first.fields["name"].widget.attrs["class"] = "is-invalid"
    first.fields["name"].error_messages["required"] = "changed"
    first.fields["dietary_options"].choices.append(("lunch", "Lunch"))
    first.fields[question.field_name].label = "changed"

    assert "class" not in second.fields["name"].widget.attrs
    assert second.fields["name"].error_messages["required"] == "Enter your name"
    assert ("lunch", "Lunch") not in second.fields["dietary_options"].choices
    assert second.fields[question.field_name].label != "changed"
    assert "class" not in RegistrationForm().fields["name"].widget.attrs


def test_a_reworded_question_is_asked_as_reworded(client, event):
    question = QuestionFactory(event=event, label="Which session?")
    assert "Which session?" in client.get(f"/events/{event.slug}/register/").content.decode()

    question.label = "Which workshop?"
    question.save()

    page = client.get(f"/events/{event.slug}/register/").content.decode()
    assert "Which workshop?" in page
    assert "Which session?" not in page


def test_a_question_made_required_is_required_at_once(client, event):
    question = QuestionFactory(event=event, label="Which session?")
    form = {"name": "Ada Lovelace", "email": "ada@example.org", "privacy_consent": "on"}
    client.get(f"/events/{event.slug}/register/")

    question.required = True
    question.save()

    response = client.post(f"/events/{event.slug}/register/", form)
    assert response.status_code == 400
    assert "Answer this question" in response.content.decode()


def test_a_detail_required_after_the_form_was_shown_is_required(client, event):
    form = {"name": "Ada Lovelace", "email": "ada@example.org", "privacy_consent": "on"}
    client.get(f"/events/{event.slug}/register/")

    RegistrationSettings.objects.create(event=event, organisation_asked=Asked.REQUIRED)

    response = client.post(f"/events/{event.slug}/register/", form)
    assert response.status_code == 400
    assert "Enter your organisation" in response.content.decode()


def test_events_asking_alike_share_fields_and_each_form_has_a_copy(event):
    other_settings = RegistrationSettings(organisation_asked=Asked.REQUIRED)

    assert RegistrationForm().fields["organisation"].required is False
    assert RegistrationForm(field_settings=other_settings).fields["organisation"].required
    assert RegistrationForm().fields["organisation"].required is False


@pytest.mark.parametrize(
    ("language", "optional"), [("es", "(opcional)"), ("eu", "(aukerakoa)"), ("en", "(optional)")]
)
def test_optional_fields_marked_in_the_language_of_the_page(client, event, language, optional):
    for asked in ("es", "eu", "en"):  # the fields of other languages are built first
        client.get(f"/events/{event.slug}/register/", HTTP_ACCEPT_LANGUAGE=asked)

    page = client.get(f"/events/{event.slug}/register/", HTTP_ACCEPT_LANGUAGE=language)

    assert optional in page.content.decode()


def test_personal_details_form_asks_the_language_last(event):
    question = QuestionFactory(event=event)

    fields = list(PersonalDetailsForm(questions=[question]).fields)

    assert fields[-2:] == [question.field_name, "language"]
    assert list(RegistrationForm(questions=[question]).fields)[-1] != "language"
