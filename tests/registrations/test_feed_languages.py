"""The feeds in the reader's language: the calendar files, status.json, /events.json and the
RSS and Atom feeds give each event's words in the language asked for (``?lang=``, else the
language the pages would be shown in: the switcher's choice or the browser's), falling back to
the event's main words where the organisers gave none in that language."""

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")


@pytest.fixture
def vitoria(organiser, settings):
    """Written in Spanish, with its title and venue also in Basque and English."""
    settings.SITE_URL = "https://events.example.org"
    return EventFactory(
        organiser=organiser,
        main_language="es",
        title="Datos y democracia",
        title_eu="Datuak eta demokrazia",
        title_en="Data and democracy",
        summary="Una mañana sobre participación pública.",
        slug="datos-democracia",
        starts_at=datetime(2030, 10, 6, 10, 0, tzinfo=MADRID),
        ends_at=datetime(2030, 10, 6, 12, 30, tzinfo=MADRID),
        timezone="Europe/Madrid",
        venue_name="Palacio Europa",
        venue_name_eu="Europa Biltzar Jauregia",
        capacity=10,
    )


def vevent(response) -> icalendar.Event:
    assert response.status_code == 200
    (event,) = icalendar.Calendar.from_ical(response.content).events
    return event


def test_event_ics_follows_lang_parameter(client, vitoria):
    entry = vevent(client.get("/events/datos-democracia.ics?lang=eu"))

    assert str(entry["summary"]) == "Datuak eta demokrazia"
    assert str(entry["location"]).startswith("Europa Biltzar Jauregia")


def test_event_ics_follows_the_browser_language(client, vitoria):
    response = client.get("/events/datos-democracia.ics", HTTP_ACCEPT_LANGUAGE="en")

    assert str(vevent(response)["summary"]) == "Data and democracy"
    assert response["Content-Language"] == "en"


def test_lang_parameter_wins_over_the_browser(client, vitoria):
    response = client.get("/events/datos-democracia.ics?lang=es", HTTP_ACCEPT_LANGUAGE="eu")

    assert str(vevent(response)["summary"]) == "Datos y democracia"
    assert response["Content-Language"] == "es"


def test_words_missing_in_the_language_fall_back_to_the_main_ones(client, vitoria):
    entry = vevent(client.get("/events/datos-democracia.ics?lang=en"))

    assert str(entry["summary"]) == "Data and democracy"
    # No English venue name or summary: the Spanish ones.
    assert str(entry["location"]).startswith("Palacio Europa")
    assert str(entry["description"]).startswith("Una mañana sobre participación pública.")


def test_unknown_lang_parameter_is_ignored(client, vitoria):
    response = client.get("/events/datos-democracia.ics?lang=xx", HTTP_ACCEPT_LANGUAGE="eu")

    assert str(vevent(response)["summary"]) == "Datuak eta demokrazia"


def test_switcher_choice_applies_to_the_calendar(client, vitoria):
    client.post("/i18n/setlang/", {"language": "eu", "next": "/events/"})

    assert str(vevent(client.get("/events/datos-democracia.ics"))["summary"]) == (
        "Datuak eta demokrazia"
    )


def test_whole_calendar_follows_the_language(client, vitoria):
    entry = vevent(client.get("/events.ics?lang=eu"))

    assert str(entry["summary"]) == "Datuak eta demokrazia"


def test_status_json_follows_the_language(client, vitoria):
    response = client.get("/events/datos-democracia/status.json?lang=eu")

    assert response.json()["title"] == "Datuak eta demokrazia"
    assert response.json()["places_left"] == 10
    english = client.get("/events/datos-democracia/status.json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["title"] == "Data and democracy"


def test_events_json_follows_the_language_in_words_and_labels(client, vitoria):
    (event,) = client.get("/events.json?lang=es").json()["events"]
    assert event["title"] == "Datos y democracia"
    assert event["attendance_mode_label"] == "Presencial"

    (event,) = client.get("/events.json", HTTP_ACCEPT_LANGUAGE="eu").json()["events"]
    assert event["title"] == "Datuak eta demokrazia"
    assert event["venue"]["name"] == "Europa Biltzar Jauregia"
    assert event["register_url"] == "https://events.example.org/events/datos-democracia/register/"


def test_shared_copy_of_events_json_is_kept_per_language(client, vitoria, settings):
    settings.EVENT_PAGE_CACHE_SECONDS = 60

    basque = client.get("/events.json", HTTP_ACCEPT_LANGUAGE="eu").json()
    english = client.get("/events.json", HTTP_ACCEPT_LANGUAGE="en").json()

    assert basque["events"][0]["title"] == "Datuak eta demokrazia"
    assert english["events"][0]["title"] == "Data and democracy"


def test_rss_feed_follows_the_language(client, vitoria):
    xml = client.get("/events/feed.rss?lang=eu").content.decode()

    assert "<title>Datuak eta demokrazia</title>" in xml
    assert "<language>eu</language>" in xml


def test_subscription_address_keeps_the_page_language(client, vitoria):
    html = client.get("/events/", HTTP_ACCEPT_LANGUAGE="eu").content.decode()

    assert 'href="webcal://events.example.org/events.ics?lang=eu"' in html


def test_subscribed_calendar_is_named_after_the_organisation_in_the_language(
    client, vitoria, settings
):
    settings.ORGANISATION_NAME = "Connected by Data"

    calendar = icalendar.Calendar.from_ical(client.get("/events.ics?lang=eu").content)

    assert str(calendar["X-WR-CALNAME"]) == "Connected by Data: hurrengo ekitaldiak"
