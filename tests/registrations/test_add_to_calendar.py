""" "Add to calendar": Google and Outlook links beside the .ics, one UID per registration, and
the public calendar offered as a subscription."""

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from events import calendar_links
from registrations import services
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

MADRID = ZoneInfo("Europe/Madrid")


@pytest.fixture
def vitoria(organiser, settings):
    settings.SITE_URL = "https://events.example.org"
    return EventFactory(
        organiser=organiser,
        title="AI procurement & public participation",
        slug="ai-procurement",
        summary="Half a day.",
        starts_at=datetime(2027, 10, 6, 10, 0, tzinfo=MADRID),
        ends_at=datetime(2027, 10, 6, 12, 30, tzinfo=MADRID),
        timezone="Europe/Madrid",
        venue_name="NH Canciller Ayala Vitoria",
        venue_address="Ramón y Cajal Kalea, 5",
        capacity=1,
    )


def register(event, email="ada@example.org"):
    return services.register(event=event, name="Ada Lovelace", email=email)


def test_google_link_whole(vitoria):
    assert calendar_links.google(vitoria) == (
        "https://calendar.google.com/calendar/render?action=TEMPLATE"
        "&text=AI+procurement+%26+public+participation"
        "&dates=20271006T080000Z%2F20271006T103000Z&ctz=Europe%2FMadrid"
        "&details=Half+a+day.%0A%0Ahttps%3A%2F%2Fevents.example.org%2Fevents%2Fai-procurement%2F"
        "&location=NH+Canciller+Ayala+Vitoria%2C+Ram%C3%B3n+y+Cajal+Kalea%2C+5"
    )


def test_outlook_link_whole(vitoria):
    assert calendar_links.outlook(vitoria) == (
        "https://outlook.live.com/calendar/0/action/compose?path=%2Fcalendar%2Faction%2Fcompose"
        "&rru=addevent&subject=AI+procurement+%26+public+participation"
        "&startdt=2027-10-06T10%3A00%3A00%2B02%3A00&enddt=2027-10-06T12%3A30%3A00%2B02%3A00"
        "&body=Half+a+day.%0A%0Ahttps%3A%2F%2Fevents.example.org%2Fevents%2Fai-procurement%2F"
        "&location=NH+Canciller+Ayala+Vitoria%2C+Ram%C3%B3n+y+Cajal+Kalea%2C+5"
    )


def test_downloaded_personal_ics_and_emailed_invitation_share_the_uid(
    client, vitoria, run_worker, mailoutbox
):
    registration = register(vitoria)
    run_worker()

    response = client.get(f"/registration/{registration.token}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == ("max-age=0, no-cache, no-store, must-revalidate, private")
    downloaded = icalendar.Calendar.from_ical(response.content)
    emailed = icalendar.Calendar.from_ical(mailoutbox[0].attachments[0][1])
    assert str(downloaded["method"]) == "PUBLISH"
    assert str(downloaded.events[0]["uid"]) == str(emailed.events[0]["uid"])
    assert str(downloaded.events[0]["uid"]) == (f"{registration.calendar_uid}@events.example.org")


def test_personal_ics_not_for_someone_without_a_place(client, vitoria):
    register(vitoria)
    waiting = register(vitoria, email="grace@example.org")

    response = client.get(f"/registration/{waiting.token}/calendar.ics")

    assert response.status_code == 404


def test_success_and_personal_pages_offer_every_calendar(client, vitoria):
    registration = register(vitoria)

    for path in [f"/registration/{registration.token}/registered/", registration.personal_path]:
        html = client.get(path).content.decode()
        assert f'<a href="/registration/{registration.token}/calendar.ics">' in html
        assert 'href="https://calendar.google.com/calendar/render?action=TEMPLATE' in html
        assert 'href="https://outlook.live.com/calendar/0/action/compose?' in html
        assert 'href="https://outlook.office.com/calendar/0/action/compose?' in html


def test_event_page_offers_every_calendar(client, vitoria):
    html = client.get(vitoria.get_absolute_url()).content.decode()

    assert '<a href="/events/ai-procurement.ics">' in html
    assert 'href="https://calendar.google.com/calendar/render?action=TEMPLATE' in html


def test_confirmation_email_offers_web_calendars(vitoria, run_worker, mailoutbox):
    register(vitoria)
    run_worker()

    assert (
        "Add to calendar: open the attached invite.ics, or add it on the web: "
        "Google Calendar: https://calendar.google.com/calendar/render?action=TEMPLATE"
    ) in " ".join(mailoutbox[0].body.split())


def test_event_list_offers_a_webcal_subscription(client, vitoria):
    html = client.get("/events/").content.decode()

    assert '<a href="webcal://events.example.org/events.ics">subscribe to the calendar</a>' in html
