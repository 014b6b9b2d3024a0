"""The "your links" email names each event as the attendee reads it: its time with the zone
in words, its title in the email's language."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from registrations import emails
from registrations.models import LinkRequest
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")


def links_email(address: str):
    request = LinkRequest.objects.create(email=address)
    return emails.queue_personal_links(request_id=request.pk)


def test_links_email_says_each_event_time_with_its_zone(organiser):
    event = EventFactory(
        organiser=organiser,
        title="Data and democracy",
        starts_at=datetime(2030, 10, 6, 10, 0, tzinfo=MADRID),
        ends_at=datetime(2030, 10, 6, 12, 30, tzinfo=MADRID),
        timezone="Europe/Madrid",
    )
    RegistrationFactory(event=event, email="ada@example.org")

    email = links_email("ada@example.org")

    assert "Data and democracy (6 October 2030, 10:00 Spanish time (CEST))" in " ".join(
        email.body_text.split()
    )


def test_links_email_gives_every_title_in_its_language(organiser):
    first = EventFactory(
        organiser=organiser,
        title="Data and democracy",
        title_eu="Datuak eta demokrazia",
        starts_at=datetime(2030, 10, 6, 10, 0, tzinfo=MADRID),
        ends_at=datetime(2030, 10, 6, 12, 30, tzinfo=MADRID),
        timezone="Europe/Madrid",
    )
    second = EventFactory(
        organiser=organiser,
        title="Open contracting",
        title_eu="Kontratazio irekia",
        starts_at=datetime(2030, 11, 6, 10, 0, tzinfo=MADRID),
        ends_at=datetime(2030, 11, 6, 12, 30, tzinfo=MADRID),
        timezone="Europe/Madrid",
    )
    RegistrationFactory(event=first, email="ane@example.org", language="eu")
    RegistrationFactory(event=second, email="ane@example.org", language="eu")

    text = " ".join(links_email("ane@example.org").body_text.split())

    assert "Datuak eta demokrazia" in text
    assert "Kontratazio irekia" in text
    assert "Espainiako ordua (CET)" in text
