"""The registration box for a Jekyll site (docs/jekyll/registration-box.html), rendered with
Liquid from the site's /events.json as a build would: what a page says without JavaScript."""

from pathlib import Path

import pytest
from liquid import Environment

from registrations.models import Registration
from tests.factories import EventFactory, register_people

pytestmark = pytest.mark.django_db

BOX = Path(__file__).resolve().parents[2] / "docs" / "jekyll" / "registration-box.html"


def box(client, slug: str) -> str:
    events = client.get("/events.json").json()
    template = Environment().from_string(BOX.read_text(encoding="utf-8"))
    return " ".join(
        template.render(include={"slug": slug}, site={"data": {"events": events}}, page={}).split()
    )


def test_an_event_says_its_places_left(client):
    event = EventFactory(capacity=20)
    register_people(event, 3)

    html = box(client, event.slug)

    assert '<span class="turnout-status" data-registration="open">17 places left</span>' in html
    assert f'/events/{event.slug}/register/">Register</a>' in html


def test_a_hybrid_event_says_the_places_of_each_mode(client):
    event = EventFactory(attendance_mode="hybrid", capacity=2, online_capacity=10)
    register_people(event, 2)
    register_people(event, 3, attendance=Registration.Attendance.ONLINE, prefix="o")

    html = box(client, event.slug)

    assert "0 places left" not in html
    assert "In person: Full – waiting list open · Online: 7 places left</span>" in html, html
    assert ">Register</a>" in html
