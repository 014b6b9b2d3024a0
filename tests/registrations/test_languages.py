"""Spanish and Basque: the pages follow the browser or the switcher, a registration keeps its
language and every email to the attendee is written in it, with the event's own words."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from registrations import services
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

# The worker runs as in production, committing as it goes.
pytestmark = pytest.mark.django_db(transaction=True)

MADRID = ZoneInfo("Europe/Madrid")


@pytest.fixture
def vitoria(organiser):
    """The seed event, written in English, with its title and venue also in Basque."""
    return EventFactory(
        organiser=organiser,
        title="Data and democracy",
        title_eu="Datuak eta demokrazia",
        summary="A morning on public participation.",
        slug="data-democracy",
        starts_at=datetime(2027, 10, 6, 10, 0, tzinfo=MADRID),
        ends_at=datetime(2027, 10, 6, 12, 30, tzinfo=MADRID),
        timezone="Europe/Madrid",
        venue_name="Europa Congress Centre",
        venue_name_eu="Europa Biltzar Jauregia",
        capacity=10,
    )


def register_in(client, event, language: str, email="ane@example.org") -> Registration:
    response = client.post(
        f"/events/{event.slug}/register/",
        {"name": "Ane Etxeberria", "email": email, "privacy_consent": "on"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302
    return Registration.objects.get(email=email)


def test_registration_keeps_the_language_of_the_page(client, vitoria):
    assert register_in(client, vitoria, "eu").language == "eu"
    assert register_in(client, vitoria, "es", email="jon@example.org").language == "es"
    assert register_in(client, vitoria, "en-GB", email="ada@example.org").language == "en"


def test_basque_registrant_gets_confirmation_in_basque(client, vitoria, run_worker, mailoutbox):
    register_in(client, vitoria, "eu")
    run_worker()

    (message,) = mailoutbox
    assert message.subject == "Zure plaza berretsita dago: Datuak eta demokrazia"
    lines = message.body.splitlines()
    assert lines[0] == "Kaixo, Ane Etxeberria:"
    assert "Noiz: 2027ko urriaren 6a, asteazkena, 10:00–12:30 Espainiako ordua (CEST)" in lines
    assert "Non: Europa Biltzar Jauregia" in lines
    html, _mimetype = message.alternatives[0]
    assert '<html lang="eu">' in html


def test_basque_registrant_gets_reminder_in_basque(vitoria, run_worker, mailoutbox, settings):
    settings.REMINDER_HOURS_BEFORE = 24
    registration = RegistrationFactory(event=vitoria, name="Ane", language="eu")
    Registration.objects.filter(pk=registration.pk).update(
        created_at=vitoria.starts_at - timedelta(days=3)
    )

    services.queue_reminders(now=vitoria.starts_at - timedelta(hours=20))
    run_worker()

    (message,) = mailoutbox
    assert message.subject == (
        "Oroigarria: Datuak eta demokrazia, urriaren 6a, asteazkena, 10:00 Espainiako ordua "
        "(CEST), Europa Biltzar Jauregia"
    )
    assert message.body.splitlines()[0] == "Kaixo, Ane:"


def test_basque_registrant_told_of_a_change_in_basque_and_english_one_in_english(
    vitoria, run_worker, mailoutbox
):
    RegistrationFactory(event=vitoria, name="Ane", email="ane@example.org", language="eu")
    RegistrationFactory(event=vitoria, name="Ada", email="ada@example.org", language="en")

    vitoria.venue_name_eu = "Artium museoa"
    vitoria.venue_name = "Artium museum"
    services.change_event(event=vitoria, changed_fields=["venue_name"])
    run_worker()

    by_address = {message.to[0]: message for message in mailoutbox}
    basque, english = by_address["Ane <ane@example.org>"], by_address["Ada <ada@example.org>"]
    assert basque.subject == "Aldaketak: Datuak eta demokrazia"
    assert "Non: Artium museoa" in basque.body.splitlines()
    assert english.subject == "Changed: Data and democracy"
    assert "Where: Artium museum" in english.body.splitlines()


def test_spanish_browser_gets_spanish_event_page(client, vitoria):
    response = client.get(f"/events/{vitoria.slug}/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")

    assert response["Content-Language"] == "es"
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert ">Inscribirse<" in page


def test_switcher_sets_the_language_and_returns_to_the_page(client, vitoria):
    page = f"/events/{vitoria.slug}/"
    footer = client.get(page).content.decode()
    assert '<form class="language-switcher' in footer
    assert f'<input type="hidden" name="next" value="{page}">' in footer

    response = client.post("/i18n/setlang/", {"language": "eu", "next": page})

    assert (response.status_code, response["Location"]) == (302, page)
    assert response.cookies["django_language"].value == "eu"
    assert '<html lang="eu">' in client.get(page).content.decode()


def test_switcher_on_the_personal_page(client, vitoria):
    registration = RegistrationFactory(event=vitoria)

    page = client.get(f"/registration/{registration.token}/").content.decode()

    assert 'action="/i18n/setlang/"' in page
    basque = (
        '<button type="submit" class="btn btn-link btn-sm p-0 align-baseline" name="language" '
        'value="eu" lang="eu">Euskara</button>'
    )
    assert basque in page


def test_event_words_fall_back_to_the_main_language_marked_with_lang(client, vitoria):
    page = client.get(f"/events/{vitoria.slug}/", HTTP_ACCEPT_LANGUAGE="eu").content.decode()

    # Given in Basque: no mark. Not given: the English, marked as English.
    assert "<h1>Datuak eta demokrazia</h1>" in page
    assert '<p class="lead" lang="en">A morning on public participation.</p>' in page
    assert '<span class="d-block">Europa Biltzar Jauregia</span>' in page


def test_event_words_in_the_main_language_are_not_marked(client, vitoria):
    page = client.get(f"/events/{vitoria.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<h1>Data and democracy</h1>" in page
    assert '<p class="lead">A morning on public participation.</p>' in page


def test_event_list_marks_titles_shown_in_another_language(client, vitoria):
    vitoria.starts_at = timezone.now() + timedelta(days=30)
    vitoria.ends_at = vitoria.starts_at + timedelta(hours=2)
    vitoria.save()

    page = client.get("/events/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert f'<a href="/events/{vitoria.slug}/" lang="en">Data and democracy</a>' in page


def test_switcher_names_each_language_in_its_own_language(client, vitoria):
    page = client.get(f"/events/{vitoria.slug}/", HTTP_ACCEPT_LANGUAGE="eu").content.decode()

    assert 'value="en" lang="en">English</button>' in page
    assert 'value="es" lang="es">Español</button>' in page
    assert '<span class="fw-semibold" lang="eu" aria-current="true">Euskara</span>' in page


def test_change_email_says_what_changed_in_the_attendee_language(vitoria, run_worker, mailoutbox):
    RegistrationFactory(event=vitoria, name="Ane", email="ane@example.org", language="eu")
    vitoria.venue_name_eu = "Artium museoa"
    vitoria.venue_name = "Artium museum"
    services.change_event(event=vitoria, changed_fields=["venue_name"])
    run_worker()

    (message,) = mailoutbox
    assert "Lekua: Europa Biltzar Jauregia → Artium museoa" in message.body.splitlines()


def test_address_registered_in_basque_told_in_basque_words_when_registered_again_in_spanish(
    client, vitoria, run_worker, mailoutbox
):
    """The event has Spanish words and no Basque title: the Basque email shows the main
    title, not the Spanish one the page registering again was shown in."""
    vitoria.confirm_email_addresses = True
    vitoria.title_eu = ""
    vitoria.title_es = "Datos y democracia"
    vitoria.save()
    RegistrationFactory(event=vitoria, email="ane@example.org", language="eu")

    response = client.post(
        f"/events/{vitoria.slug}/register/",
        {"name": "Ane Etxeberria", "email": "ane@example.org", "privacy_consent": "on"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 302
    run_worker()

    (message,) = mailoutbox
    assert message.subject == "Izena emanda duzu jada: Data and democracy"


def test_an_event_shown_in_one_language_then_another_shows_the_others_words(vitoria):
    vitoria.title_eu = ""
    vitoria.title_es = "Datos y democracia"

    shown = vitoria.in_language("es").in_language("eu")

    assert shown.title == "Data and democracy"
    assert shown.text_languages["title"] == "en"
    assert shown.venue_name == "Europa Biltzar Jauregia"
    spanish = vitoria.in_language("es")
    assert spanish.in_language("es") is spanish  # already in it: no other copy
