"""Events the organisation takes part in are listings: the host's page, no registration here."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.models import Event
from registrations.models import Registration
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "jekyll-events"


def run_import(*args) -> str:
    out = StringIO()
    call_command("import_jekyll_events", *[str(arg) for arg in args], stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def listing(organiser):
    return EventFactory(
        organiser=organiser,
        slug="rightscon",
        kind=Event.Kind.LISTING,
        website_url="https://www.rightscon.org/",
    )


def test_import_category_decides_the_kind(organiser):
    run_import(PAGES)

    kinds = {}
    for category, kind in Event.objects.values_list("category", "kind"):
        kinds.setdefault(category, set()).add(kind)
    assert kinds == {
        "attending": {"listing"},
        "organising": {"organised"},
        "participating": {"listing"},
        "partipating": {"listing"},
        "presenting": {"listing"},
        "speaking": {"listing"},
    }
    assert Event.objects.filter(kind=Event.Kind.LISTING).count() == 28


def test_import_listing_without_a_time_not_flagged(organiser):
    run_import(PAGES / "2022-03-08-bennett-institute-brown-bag-lunch.md")

    event = Event.objects.get()
    assert (event.kind, event.needs_review, event.review_notes) == ("listing", False, "")


def test_import_category_in_capitals_with_spaces_is_a_listing(organiser, tmp_path):
    page = tmp_path / "2030-05-04-panel.md"
    page.write_text("---\ntitle: Panel\ndate: 2030-05-04\ncategory: ' Speaking '\n---\nA panel.\n")

    run_import(page)

    assert Event.objects.get().kind == Event.Kind.LISTING


def test_listing_page_links_to_the_host_and_offers_no_registration(client, listing):
    html = client.get(listing.get_absolute_url()).content.decode()

    assert (
        'Hosted by rightscon.org — <a href="https://www.rightscon.org/" rel="noopener">'
        "see the host's page</a>"
    ) in html
    assert reverse("registrations:register", args=[listing.slug]) not in html
    assert "Organised by" not in html
    assert '<h2 id="organisers-heading" class="h6">Taking part</h2>' in html
    assert "Already registered?" not in html


def test_listing_without_a_link_says_hosted_elsewhere(client, listing):
    Event.objects.filter(pk=listing.pk).update(website_url="")

    html = client.get(listing.get_absolute_url()).content.decode()

    assert "Hosted by another organisation." in html
    assert reverse("registrations:register", args=[listing.slug]) not in html


def test_listing_status_json_says_external(client, listing):
    data = client.get(reverse("events:status", args=[listing.slug])).json()

    assert data["registration"] == "external"


def test_listing_register_refused(client, listing):
    response = client.post(
        reverse("registrations:register", args=[listing.slug]),
        {"name": "Ada Lovelace", "email": "ada@example.org", "privacy_consent": "on"},
    )

    assert response.status_code == 409
    assert "Registration for this event is handled on another site." in response.content.decode()
    assert Registration.objects.count() == 0


def test_organised_event_page_says_organised_by(client, event):
    html = client.get(event.get_absolute_url()).content.decode()

    assert '<h2 id="organisers-heading" class="h6">Organised by</h2>' in html
    assert "Hosted by" not in html
