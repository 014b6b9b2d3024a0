"""Organisers add people themselves, correct answers for someone who phoned, cancel from the
registration's page; the limit per network address never stops them."""

import pytest
from django.urls import reverse

from events.models import Event
from registrations.models import Answer, OutboundEmail, Registration
from tests.admin_forms import event_change_data
from tests.factories import MembershipFactory, QuestionFactory, RegistrationFactory
from tests.registrations.test_views import form_data, register_url

pytestmark = pytest.mark.django_db


def add_url(event):
    return reverse("admin:events_event_add_registration", args=[event.pk])


def speaker(**changes):
    data = {
        "name": "Itziar Gómez",
        "email": "itziar@example.org",
        "organisation": "Basque Government",
        "note": "Speaker, agreed by email",
    }
    return {**data, **changes}


def test_organiser_adds_a_speaker_with_a_note_instead_of_consent(organiser_client, event):
    question = QuestionFactory(event=event, label="Which session?", required=True)

    response = organiser_client.post(add_url(event), speaker(**{question.field_name: "Morning"}))

    registration = Registration.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("admin:registrations_registration_change", args=[registration.pk]),
    )
    assert (
        registration.name,
        registration.status,
        registration.privacy_consent_at,
        registration.organiser_note,
    ) == ("Itziar Gómez", "confirmed", None, "Speaker, agreed by email")
    assert list(registration.answers.values_list("question_label", "value")) == [
        ("Which session?", "Morning")
    ]
    assert list(OutboundEmail.objects.values_list("kind", "recipient")) == [
        ("confirmation", "itziar@example.org")
    ]


def test_organiser_adds_someone_after_registration_closed(organiser_client, event):
    event.registration_closes_at = event.created_at
    event.save()

    response = organiser_client.post(add_url(event), speaker())

    assert response.status_code == 302
    assert Registration.objects.get().status == "confirmed"


def test_organiser_add_without_a_note_is_refused_next_to_it(organiser_client, event):
    response = organiser_client.post(add_url(event), speaker(note=""))

    assert response.status_code == 400
    assert response.context["form"].errors == {"note": ["This field is required."]}
    assert 'value="itziar@example.org"' in response.content.decode()


def test_organiser_add_to_a_full_event_asks_before_going_over(organiser_client, event):
    event.capacity = 1
    event.save()
    RegistrationFactory(event=event)

    refused = organiser_client.post(add_url(event), speaker())
    allowed = organiser_client.post(add_url(event), speaker(allow_over_capacity="on"))

    assert refused.status_code == 400
    assert refused.context["form"].non_field_errors() == [
        "The event is full: all 1 places are taken. Tick “Give a place over capacity” to "
        "register this person anyway."
    ]
    assert allowed.status_code == 302
    assert Registration.objects.filter(event=event).counts()["confirmed"] == 2


def test_organiser_add_of_a_registered_address_is_refused_next_to_it(organiser_client, event):
    RegistrationFactory(event=event, email="itziar@example.org")

    response = organiser_client.post(add_url(event), speaker(email="Itziar@Example.org"))

    assert response.context["form"].errors == {
        "email": ["This email address is already registered for this event."]
    }


def test_viewer_cannot_add_a_registration(client, event):
    client.force_login(MembershipFactory(organiser=event.organiser, role="viewer").user)

    response = client.post(add_url(event), speaker())

    assert response.status_code == 403
    assert Registration.objects.count() == 0


def test_organiser_edits_answers_for_someone_who_phoned(organiser_client, event):
    question = QuestionFactory(event=event, label="Which session?")
    registration = RegistrationFactory(event=event, name="Ana", email="ana@example.org")
    Answer.objects.create(
        registration=registration, question=question, question_label="Which session?", value="A"
    )
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    page = organiser_client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}

    response = organiser_client.post(url, {**data, question.field_name: "Afternoon"})

    assert form.initial[question.field_name] == "A"
    assert response.status_code == 302
    assert list(registration.answers.values_list("value", flat=True)) == ["Afternoon"]


def test_organiser_cancels_from_the_registrations_page(organiser_client, event):
    registration = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted")
    event.capacity = 1
    event.save()
    change = reverse("admin:registrations_registration_change", args=[registration.pk])
    cancel = reverse("admin:registrations_registration_cancel", args=[registration.pk])

    page = organiser_client.get(change).content.decode()
    response = organiser_client.post(cancel, {"reason": "Phoned to say they are ill"})

    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert f'href="{cancel}"' in page
    assert (response.status_code, response["Location"]) == (302, change)
    assert (registration.status, registration.cancellation_reason, waiting.status) == (
        "cancelled",
        "Phoned to say they are ill",
        "confirmed",
    )


def test_viewer_cannot_cancel_from_the_registrations_page(client, event):
    registration = RegistrationFactory(event=event)
    client.force_login(MembershipFactory(organiser=event.organiser, role="viewer").user)
    cancel = reverse("admin:registrations_registration_cancel", args=[registration.pk])

    page = client.get(reverse("admin:registrations_registration_change", args=[registration.pk]))
    response = client.post(cancel, {"reason": "No"})

    assert cancel not in page.content.decode()
    assert response.status_code == 403
    assert Registration.objects.get().status == "confirmed"


def test_network_limit_never_applies_to_the_events_organisers(organiser_client, event, settings):
    settings.REGISTRATIONS_PER_ADDRESS_PER_HOUR = 1
    statuses = [
        organiser_client.post(
            register_url(event), form_data(email=f"p{index}@example.org", submission_key="")
        ).status_code
        for index in range(3)
    ]

    assert statuses == [302, 302, 302]
    assert Registration.objects.count() == 3


def test_network_limit_lifted_for_an_event(client, event, settings):
    settings.REGISTRATIONS_PER_ADDRESS_PER_HOUR = 1
    Event.objects.filter(pk=event.pk).update(network_limit_lifted=True)
    statuses = [
        client.post(
            register_url(event), form_data(email=f"p{index}@example.org", submission_key="")
        ).status_code
        for index in range(3)
    ]

    assert statuses == [302, 302, 302]


def test_network_limit_lifted_from_the_event_admin(organiser_client, event):
    data = event_change_data(organiser_client, event, network_limit_lifted="on")

    response = organiser_client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    event.refresh_from_db()
    assert (response.status_code, event.network_limit_lifted) == (302, True)
