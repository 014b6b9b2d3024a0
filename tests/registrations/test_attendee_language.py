"""The language of people the organisers register (from the admin, at the door): the event's
main language unless the organiser chooses another, so their emails go out in a language
they likely read; and the admin shows, filters by and changes an attendee's language."""

import pytest
from django.urls import reverse

from registrations import services
from registrations.models import OutboundEmail, Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def basque_event(organiser):
    return EventFactory(
        organiser=organiser, main_language="eu", title="Datuak eta demokrazia", capacity=10
    )


def add_url(event):
    return reverse("admin:events_event_add_registration", args=[event.pk])


def walk_in_url(event):
    return reverse("admin:events_event_walk_in", args=[event.pk])


def speaker(**changes):
    return {
        "name": "Itziar Gómez",
        "email": "itziar@example.org",
        "note": "Speaker, agreed by email",
        **changes,
    }


def walk_in(**changes):
    return {
        "name": "Grace Hopper",
        "email": "grace@navy.example",
        "privacy_consent": "on",
        **changes,
    }


def test_walk_in_gets_the_event_main_language(basque_event):
    registration = services.register_walk_in(
        event=basque_event, name="Ane", email="ane@example.org"
    )

    assert registration.language == "eu"


def test_added_registration_gets_the_event_main_language(basque_event):
    registration = services.add_registration(
        event=basque_event, name="Ane", email="ane@example.org", note="Speaker"
    )

    assert registration.language == "eu"
    subject = OutboundEmail.objects.get().subject
    assert subject == "Zure plaza berretsita dago: Datuak eta demokrazia"


def test_add_form_offers_the_event_main_language_first(organiser_client, basque_event):
    response = organiser_client.get(add_url(basque_event))

    assert response.context["form"]["language"].value() == "eu"


def test_add_form_registers_in_the_language_the_organiser_chooses(organiser_client, basque_event):
    response = organiser_client.post(add_url(basque_event), speaker(language="es"))

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.language == "es"
    assert OutboundEmail.objects.get().subject == (
        "Tu plaza está confirmada: Datuak eta demokrazia"
    )


def test_add_form_refuses_an_unknown_language_and_keeps_the_input(organiser_client, basque_event):
    response = organiser_client.post(add_url(basque_event), speaker(language="xx"))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["language"]
    assert response.context["form"]["name"].value() == "Itziar Gómez"
    assert not Registration.objects.exists()


def test_walk_in_form_offers_the_event_main_language(organiser_client, basque_event):
    response = organiser_client.get(reverse("admin:events_event_checkin", args=[basque_event.pk]))

    assert response.context["walk_in_form"]["language"].value() == "eu"
    assert '<option value="eu" lang="eu" selected>Euskara</option>' in response.content.decode()


def test_walk_in_form_registers_in_the_chosen_language(organiser_client, basque_event):
    organiser_client.post(walk_in_url(basque_event), walk_in(language="es"))

    assert Registration.objects.get().language == "es"


def test_walk_in_form_without_a_language_uses_the_main_one(organiser_client, basque_event):
    organiser_client.post(walk_in_url(basque_event), walk_in())

    assert Registration.objects.get().language == "eu"


def registration_url(registration):
    return reverse("admin:registrations_registration_change", args=[registration.pk])


def test_registration_page_shows_and_changes_the_language(organiser_client, event):
    registration = RegistrationFactory(event=event, name="Ane", language="en")

    page = organiser_client.get(registration_url(registration))
    assert page.context["adminform"].form["language"].value() == "en"

    data = {
        "name": "Ane",
        "email": registration.email,
        "organisation": "",
        "role": "",
        "access_needs": "",
        "dietary_requirements": "",
        "language": "eu",
    }
    response = organiser_client.post(registration_url(registration), data)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.language == "eu"


def test_registration_list_shows_and_filters_by_language(organiser_client, event):
    RegistrationFactory(event=event, name="Ane Etxeberria", language="eu")
    RegistrationFactory(event=event, name="Ada Lovelace", language="en")
    url = reverse("admin:registrations_registration_changelist")

    everyone = organiser_client.get(url)
    in_basque = organiser_client.get(url, {"language": "eu"})

    assert "Euskara" in everyone.content.decode()
    assert [r.name for r in in_basque.context["cl"].result_list] == ["Ane Etxeberria"]


def test_attendee_sees_and_changes_the_language_of_their_emails(client, event):
    registration = RegistrationFactory(event=event, name="Ane", language="en")

    page = client.get(registration.personal_path)
    assert page.context["form"]["language"].value() == "en"
    assert "Language of your emails" in page.content.decode()

    client.post(
        registration.personal_path,
        {"name": "Ane", "email": registration.email, "language": "eu"},
    )

    registration.refresh_from_db()
    assert registration.language == "eu"


def test_attendee_form_sent_without_a_language_keeps_it(client, event):
    registration = RegistrationFactory(event=event, name="Ane", language="es")

    client.post(registration.personal_path, {"name": "Ane Etxeberria", "email": registration.email})

    registration.refresh_from_db()
    assert (registration.name, registration.language) == ("Ane Etxeberria", "es")


def test_registration_form_does_not_ask_the_language(client, event):
    response = client.get(f"/events/{event.slug}/register/")

    assert "language" not in response.context["form"].fields


def test_each_language_is_named_in_its_own_language_and_marked_so(client, event):
    registration = RegistrationFactory(event=event, language="es")

    html = client.get(registration.personal_path, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<option value="es" lang="es" selected>Español</option>' in html
    assert '<option value="eu" lang="eu">Euskara</option>' in html
