"""Organisers try the registration form of a draft before publishing it; nothing is kept."""

import pytest
from django.urls import reverse

from events.models import Event
from registrations.models import Registration
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db

PREVIEW_DONE = "This is a preview: nothing was saved."


@pytest.fixture
def draft(event):
    event.status = Event.Status.DRAFT
    event.save()
    QuestionFactory(
        event=event, label="Which session?", kind="radio", options="A\nB", required=True
    )
    return event


def register_url(event):
    return reverse("registrations:register", args=[event.slug])


def answers(draft, **changes):
    question = draft.questions.get()
    data = {
        "name": "Ana Pérez",
        "email": "ana@example.org",
        "privacy_consent": "on",
        question.field_name: "B",
    }
    return {**data, **changes}


def test_draft_event_page_offers_the_preview_to_its_organisers(organiser_client, draft):
    page = organiser_client.get(draft.get_absolute_url()).content.decode()

    assert "Try the registration form (preview)" in page
    assert f'href="{register_url(draft)}"' in page


def test_draft_form_shows_the_questions_to_its_organisers(organiser_client, draft):
    response = organiser_client.get(register_url(draft))

    assert response.status_code == 200
    assert "Which session?" in response.content.decode()
    assert PREVIEW_DONE not in response.content.decode()


def test_draft_form_sent_is_checked_and_nothing_saved(organiser_client, draft, mailoutbox):
    response = organiser_client.post(register_url(draft), answers(draft))

    assert response.status_code == 200
    assert PREVIEW_DONE in response.content.decode()
    assert (Registration.objects.count(), mailoutbox) == (0, [])


def test_draft_form_with_a_mistake_shows_it_next_to_the_field(organiser_client, draft):
    question = draft.questions.get()

    data = answers(draft, **{question.field_name: ""})

    response = organiser_client.post(register_url(draft), data)

    assert response.status_code == 400
    assert response.context["form"].errors == {question.field_name: ["This field is required."]}
    assert PREVIEW_DONE not in response.content.decode()


def test_draft_form_not_found_for_the_public(client, draft):
    response = client.post(register_url(draft), answers(draft))

    assert response.status_code == 404
    assert Registration.objects.count() == 0
