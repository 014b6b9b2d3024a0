"""Link previews and search: Open Graph and Twitter card tags, and schema.org Event JSON-LD."""

import json
import re
from datetime import UTC, datetime

import pytest

from events import structured_data
from tests.factories import EventFactory, OrganiserFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

IMAGES = "https://connectedbydata.org/assets/images/events/"

# Google's Event rich results
# (https://developers.google.com/search/docs/appearance/structured-data/event):
# required properties, and the recommended ones this page gives.
GOOGLE_REQUIRED = {"name", "startDate", "location"}
GOOGLE_RECOMMENDED = {
    "description", "endDate", "eventAttendanceMode", "eventStatus", "image", "offers",
    "organizer",
}  # fmt: skip
GOOGLE_REQUIRED_PLACE = {"address"}
GOOGLE_REQUIRED_VIRTUAL_LOCATION = {"url"}
GOOGLE_RECOMMENDED_OFFER = {"availability", "price", "priceCurrency", "url", "validFrom"}
GOOGLE_RECOMMENDED_ORGANIZER = {"name", "url"}
# Dates in ISO 8601 with the offset, so the time is the same wherever it is read.
WITH_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def json_ld(html: str) -> dict:
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


@pytest.fixture
def vitoria(settings):
    settings.SITE_URL = "https://events.example.org"
    settings.WEBSITE_IMAGES_URL = IMAGES
    event = EventFactory(
        title="AI procurement & public participation",
        slug="ai-procurement",
        summary="Half a day on how governments buy AI.",
        organiser=OrganiserFactory(name="Connected by Data", website="https://connectedbydata.org"),
        starts_at=datetime(2027, 10, 6, 8, tzinfo=UTC),
        ends_at=datetime(2027, 10, 6, 10, 30, tzinfo=UTC),
        registration_opens_at=datetime(2027, 9, 1, 7, tzinfo=UTC),
        timezone="Europe/Madrid",
        venue_name="NH Canciller Ayala Vitoria",
        venue_address="Ramón y Cajal Kalea, 5\n01007 Vitoria-Gasteiz",
        image="ogp.png",
        capacity=1,
    )
    event.co_organisers.add(OrganiserFactory(name="Open Knowledge", website=""))
    return event


def test_event_json_ld_whole(client, vitoria):
    html = client.get(vitoria.get_absolute_url()).content.decode()

    assert json_ld(html) == {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "AI procurement & public participation",
        "startDate": "2027-10-06T10:00:00+02:00",
        "endDate": "2027-10-06T12:30:00+02:00",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": [
            {
                "@type": "Place",
                "name": "NH Canciller Ayala Vitoria",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": "Ramón y Cajal Kalea, 5 01007 Vitoria-Gasteiz",
                },
            }
        ],
        "organizer": [
            {
                "@type": "Organization",
                "name": "Connected by Data",
                "url": "https://connectedbydata.org",
            },
            {"@type": "Organization", "name": "Open Knowledge"},
        ],
        "url": "https://events.example.org/events/ai-procurement/",
        "description": "Half a day on how governments buy AI.",
        "image": [f"{IMAGES}ogp.png"],
        "offers": {
            "@type": "Offer",
            "price": 0,
            "priceCurrency": "EUR",
            "availability": "https://schema.org/PreOrder",
            "url": "https://events.example.org/events/ai-procurement/",
            "validFrom": "2027-09-01T09:00:00+02:00",
        },
    }


def test_event_json_ld_has_google_required_and_recommended_fields(client, vitoria):
    data = json_ld(client.get(vitoria.get_absolute_url()).content.decode())

    assert data.keys() >= GOOGLE_REQUIRED | GOOGLE_RECOMMENDED
    assert data["@type"] == "Event"
    assert WITH_OFFSET.fullmatch(data["startDate"])
    assert WITH_OFFSET.fullmatch(data["endDate"])
    assert all(place.keys() >= GOOGLE_REQUIRED_PLACE for place in data["location"])
    assert data["offers"].keys() >= GOOGLE_RECOMMENDED_OFFER
    assert data["organizer"][0].keys() >= GOOGLE_RECOMMENDED_ORGANIZER


def test_offer_in_stock_while_places_left_sold_out_when_full(client, vitoria):
    vitoria.registration_opens_at = None
    vitoria.save()
    url = vitoria.get_absolute_url()
    assert json_ld(client.get(url).content.decode())["offers"]["availability"] == (
        "https://schema.org/InStock"
    )

    RegistrationFactory(event=vitoria)

    assert json_ld(client.get(url).content.decode())["offers"]["availability"] == (
        "https://schema.org/SoldOut"
    )


def test_cancelled_event_says_so(client, vitoria):
    vitoria.status = "cancelled"
    vitoria.save()

    data = json_ld(client.get(vitoria.get_absolute_url()).content.decode())

    assert data["eventStatus"] == "https://schema.org/EventCancelled"


def test_online_event_virtual_location_is_its_page_never_the_join_link(vitoria):
    vitoria.attendance_mode = "online"

    data = structured_data.event_data(vitoria)

    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == [
        {"@type": "VirtualLocation", "url": "https://events.example.org/events/ai-procurement/"}
    ]
    assert data["location"][0].keys() >= GOOGLE_REQUIRED_VIRTUAL_LOCATION


def test_hybrid_event_has_both_locations(vitoria):
    vitoria.attendance_mode = "hybrid"

    data = structured_data.event_data(vitoria)

    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [location["@type"] for location in data["location"]] == ["Place", "VirtualLocation"]


def test_json_ld_escapes_organiser_text_that_would_end_the_script(client, vitoria):
    vitoria.title = "</script><script>alert(1)</script> & <!--"
    vitoria.save()

    html = client.get(vitoria.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert json_ld(html)["name"] == "</script><script>alert(1)</script> & <!--"
    assert (
        '"name": "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E '
        '\\u0026 \\u003C!--"'
    ) in html


def test_link_preview_tags(client, vitoria, settings):
    settings.ORGANISATION_NAME = "Connected by Data"

    html = client.get(vitoria.get_absolute_url()).content.decode()

    for tag in [
        '<meta property="og:type" content="website">',
        '<meta property="og:site_name" content="Connected by Data">',
        '<meta property="og:title" content="AI procurement &amp; public participation">',
        '<meta property="og:url" content="https://events.example.org/events/ai-procurement/">',
        '<meta property="og:description" content="Half a day on how governments buy AI.">',
        f'<meta property="og:image" content="{IMAGES}ogp.png">',
        '<meta name="twitter:card" content="summary_large_image">',
        '<meta name="twitter:title" content="AI procurement &amp; public participation">',
    ]:
        assert tag in html


def test_draft_preview_not_indexed(admin_client, vitoria):
    vitoria.status = "draft"
    vitoria.save()

    html = admin_client.get(vitoria.get_absolute_url()).content.decode()

    assert '<meta name="robots" content="noindex">' in html
    assert "application/ld+json" not in html
