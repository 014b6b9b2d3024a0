"""The website's fields do something: the image is shown, featured events come first."""

from datetime import UTC, datetime

import feedparser
import pytest
from django.urls import reverse

from events.models import Event, Topic
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

IMAGES = "https://connectedbydata.org/assets/images/events/"


@pytest.fixture
def pictured(organiser, settings):
    settings.WEBSITE_IMAGES_URL = IMAGES
    return EventFactory(organiser=organiser, title="Data <b>&</b> AI", image="OGP_Logo_RGB.png")


def test_event_page_shows_the_image_with_the_title_as_alt_text(client, pictured):
    html = client.get(pictured.get_absolute_url()).content.decode()

    assert (
        '<img class="img-fluid mb-4 event-image" '
        f'src="{IMAGES}OGP_Logo_RGB.png" alt="Data &lt;b&gt;&amp;&lt;/b&gt; AI">'
    ) in html
    assert f'<meta property="og:image" content="{IMAGES}OGP_Logo_RGB.png">' in html


@pytest.mark.parametrize(
    ("image", "url"),
    [
        ("OGP_Logo_RGB.png", f"{IMAGES}OGP_Logo_RGB.png"),
        ("/assets/logo.svg", "https://connectedbydata.org/assets/logo.svg"),
        (f"{IMAGES}x.jpeg", f"{IMAGES}x.jpeg"),
        ("https://tracker.example.com/pixel.png", ""),
        ("javascript:alert(1)", ""),
        ("//tracker.example.com/pixel.png", ""),
        ("", ""),
    ],
)
def test_event_image_url_only_from_the_website(settings, image, url):
    settings.WEBSITE_IMAGES_URL = IMAGES

    assert Event(image=image).image_url == url


def test_event_image_not_shown_without_the_website_images_address(client, pictured, settings):
    settings.WEBSITE_IMAGES_URL = ""

    html = client.get(pictured.get_absolute_url()).content.decode()

    assert "event-image" not in html
    assert "og:image" not in html


def test_upcoming_featured_events_first(organiser):
    EventFactory(
        organiser=organiser,
        slug="sooner",
        starts_at=datetime(2030, 10, 6, 8, tzinfo=UTC),
        ends_at=datetime(2030, 10, 6, 9, tzinfo=UTC),
    )
    EventFactory(
        organiser=organiser,
        slug="later-featured",
        featured=True,
        starts_at=datetime(2030, 11, 6, 8, tzinfo=UTC),
        ends_at=datetime(2030, 11, 6, 9, tzinfo=UTC),
    )
    EventFactory(
        organiser=organiser,
        slug="latest",
        starts_at=datetime(2030, 12, 6, 8, tzinfo=UTC),
        ends_at=datetime(2030, 12, 6, 9, tzinfo=UTC),
    )

    slugs = list(Event.objects.upcoming().values_list("slug", flat=True))

    assert slugs == ["later-featured", "sooner", "latest"]


def test_event_list_shows_featured_events_first(client, organiser):
    EventFactory(organiser=organiser, title="Plain", starts_at=datetime(2030, 10, 6, tzinfo=UTC))
    EventFactory(
        organiser=organiser,
        title="Featured",
        featured=True,
        starts_at=datetime(2030, 11, 6, tzinfo=UTC),
    )

    html = client.get(reverse("events:list")).content.decode()

    assert html.index(">Featured</a>") < html.index(">Plain</a>")


def test_feed_marks_featured_events(client, organiser):
    featured = EventFactory(organiser=organiser, title="Featured", featured=True)
    featured.topics.add(Topic.objects.create(name="Public sector", slug="public-sector"))
    EventFactory(organiser=organiser, title="Plain")

    feed = feedparser.parse(client.get(reverse("events:feed_rss")).content)

    assert [
        (entry.title, [tag.term for tag in entry.get("tags", [])]) for entry in feed.entries
    ] == [("Featured", ["Featured", "Public sector"]), ("Plain", [])]
