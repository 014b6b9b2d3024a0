import hashlib
import io
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from events.models import Event
from registrations.models import Question, Registration

pytestmark = pytest.mark.django_db

SEED = (
    Path(__file__).resolve().parents[2]
    / "events"
    / "demo"
    / "2025-10-06-ogp-ai-procurement-public-participation.md"
)


@pytest.fixture(autouse=True)
def debug(settings):
    # The demo's login has a published password: load_demo runs only while debugging.
    settings.DEBUG = True


def load_demo():
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    return output.getvalue()


def test_load_demo_seed_event_open_in_madrid_time():
    load_demo()

    seed = Event.objects.get(slug="open-government-ai-procurement-public-participation")
    assert seed.title == "Open Government, AI Procurement & Public Participation"
    assert seed.status == Event.Status.PUBLISHED
    assert seed.starts_at > timezone.now()
    assert (seed.timezone, seed.venue_name) == ("Europe/Madrid", "NH Canciller Ayala Vitoria")
    assert (seed.local_starts_at.hour, seed.local_starts_at.minute) == (10, 0)
    assert (seed.local_ends_at.hour, seed.local_ends_at.minute) == (12, 30)
    assert sorted(seed.co_organisers.values_list("name", flat=True)) == [
        "Open Contracting Partnership",
        "Participation AI",
        "Posterity Global",
    ]
    assert seed.summary.startswith("Local and national governments are spending")
    assert "Register here" not in seed.description
    assert seed.registration_state(confirmed=0) == Event.RegistrationState.OPEN
    assert Question.objects.filter(event=seed).count() == 2


def test_load_demo_past_and_full_events_and_organiser_login():
    output = load_demo()

    past = Event.objects.get(slug="data-campaigners-community-of-practice")
    full = Event.objects.get(slug="people-participation-power-roundtable")
    assert past.is_past()
    assert full.registration_state(**_places(full)) == Event.RegistrationState.FULL
    user = authenticate(
        RequestFactory().post("/admin/login/"), username="organiser", password="turnout-demo"
    )
    assert user is not None and user.is_staff
    assert list(user.memberships.values_list("organiser__slug", flat=True)) == ["connected-by-data"]
    assert "Organiser login: organiser / turnout-demo" in output


def test_load_demo_twice_changes_nothing():
    load_demo()
    counts = (Event.objects.count(), Registration.objects.count(), Question.objects.count())

    load_demo()

    assert (Event.objects.count(), Registration.objects.count(), Question.objects.count()) == counts
    assert counts == (3, 2, 2)


def test_load_demo_seed_event_read_by_the_website_page_parser():
    load_demo()

    seed = Event.objects.get(slug="open-government-ai-procurement-public-participation")
    # Fields the parser reads from the page's front matter and text.
    assert (seed.image, seed.category, seed.map_url) == (
        "OGP_Logo_RGB.png",
        "organising",
        "https://www.nh-hotels.com/en/hotel/nh-canciller-ayala-vitoria",
    )
    assert list(seed.topics.values_list("name", flat=True)) == ["People and Participation"]
    assert (seed.source_file, seed.source_hash) == (
        f"demo/{SEED.name}",
        hashlib.sha256(SEED.read_bytes()).hexdigest(),
    )
    assert (seed.external_registration_url, seed.needs_review, seed.capacity) == ("", False, 40)
    assert seed.description.startswith("Join us for this fringe event of the [OGP Global Summit]")
    assert seed.description.endswith(
        "as a fringe event of the [Open Government Partnership Global Summit]"
        "(https://spain.ogpsummit.org/)."
    )


def test_load_demo_then_website_import_keeps_both_events():
    load_demo()

    output = io.StringIO()
    call_command(
        "import_jekyll_events", str(SEED), "--organiser", "connected-by-data", stdout=output
    )

    assert output.getvalue().splitlines()[-1] == (
        "1 created, 0 updated, 0 unchanged, 0 flagged, 0 failed."
    )
    assert sorted(
        Event.objects.filter(source_file__endswith=SEED.name).values_list("slug", flat=True)
    ) == [
        "ogp-ai-procurement-public-participation",
        "open-government-ai-procurement-public-participation",
    ]


def _places(event):
    counts = Registration.objects.filter(event=event).counts()
    return {"confirmed": counts["confirmed"], "waitlisted": counts["waitlisted"]}
