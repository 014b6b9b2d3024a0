"""The venue's link says what it leads to: a map, or the venue's own website."""

import pytest

from events.venue_link import is_map
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "https://www.openstreetmap.org/search?query=Friends%20House%20London",
        "https://osm.org/go/euu4",
        "https://www.google.com/maps/place/Friends+House",
        "https://maps.google.com/?q=Friends+House",
        "https://maps.app.goo.gl/abc123",
        "https://goo.gl/maps/abc123",
        "https://maps.apple.com/?q=Friends+House",
        "https://www.bing.com/maps?q=Friends+House",
        "https://wego.here.com/?map=51.5,-0.1,15",
        "https://what3words.com/index.home.raft",
    ],
)
def test_map_services_are_maps(url):
    assert is_map(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.nh-hotels.com/en/hotel/nh-canciller-ayala-vitoria",
        "https://www.friendshouse.co.uk/",
        "https://example.org/maps-of-the-world-exhibition",
        "",
    ],
)
def test_other_addresses_are_the_venue_website(url):
    assert not is_map(url)


def test_event_page_labels_a_venue_website_as_such(client):
    event = EventFactory(
        venue_name="NH Canciller Ayala Vitoria",
        map_url="https://www.nh-hotels.com/en/hotel/nh-canciller-ayala-vitoria",
    )

    html = client.get(event.get_absolute_url()).content.decode()

    assert "Map and directions" not in html
    assert (
        '<a href="https://www.nh-hotels.com/en/hotel/nh-canciller-ayala-vitoria" rel="noopener">'
        'Venue website<span class="visually-hidden">: NH Canciller Ayala Vitoria</span></a>'
    ) in html


def test_event_page_labels_a_map_as_such(client):
    event = EventFactory(
        venue_name="Friends House",
        map_url="https://www.openstreetmap.org/search?query=Friends%20House%20London",
    )

    html = client.get(event.get_absolute_url()).content.decode()

    assert "Map and directions" in html
    assert "Venue website" not in html


def test_confirmation_email_labels_a_venue_website_as_such():
    from registrations import emails, services
    from registrations.models import OutboundEmail

    event = EventFactory(
        venue_name="NH Canciller Ayala Vitoria",
        map_url="https://www.nh-hotels.com/en/hotel/nh-canciller-ayala-vitoria",
    )
    services.register(event=event, name="Ada", email="ada@example.org")

    email = OutboundEmail.objects.get()
    emails.compose(email)
    assert "Map and directions" not in email.body_html
    assert (
        '<a href="https://www.nh-hotels.com/en/hotel/nh-canciller-ayala-vitoria">Venue website</a>'
    ) in email.body_html
