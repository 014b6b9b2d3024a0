from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Topic
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(organiser):
    """Two upcoming published events, and events a feed must leave out."""
    now = timezone.now()
    later = EventFactory(
        organiser=organiser,
        title="Community of practice",
        slug="community-of-practice",
        starts_at=datetime(2030, 11, 6, 14, 0, tzinfo=UTC),
        ends_at=datetime(2030, 11, 6, 15, 0, tzinfo=UTC),
    )
    sooner = EventFactory(
        organiser=organiser,
        title="Open Government and AI",
        slug="open-government-ai",
        summary="A fringe event of the summit.",
        starts_at=datetime(2030, 10, 6, 8, 0, tzinfo=UTC),
        ends_at=datetime(2030, 10, 6, 10, 30, tzinfo=UTC),
    )
    sooner.topics.add(Topic.objects.create(name="Public sector", slug="public-sector"))
    EventFactory(organiser=organiser, title="A draft", status=Event.Status.DRAFT)
    EventFactory(organiser=organiser, title="Called off", status=Event.Status.CANCELLED)
    EventFactory(
        organiser=organiser,
        title="Last year",
        starts_at=now - timedelta(days=365),
        ends_at=now - timedelta(days=365, hours=-2),
    )
    return sooner, later


@pytest.mark.parametrize("feed", ["events:feed_rss", "events:feed_atom"])
def test_feed_lists_upcoming_published_events_in_order(client, events, feed):
    sooner, later = events

    response = client.get(reverse(feed))
    parsed = feedparser.parse(response.content)

    assert response.status_code == 200
    assert parsed.bozo is False
    assert [entry.title for entry in parsed.entries] == [sooner.title, later.title]
    assert [entry.link for entry in parsed.entries] == [
        f"http://testserver/events/{sooner.slug}/",
        f"http://testserver/events/{later.slug}/",
    ]
    assert parsed.feed.title == "Turnout: upcoming events"
    assert [tag.term for tag in parsed.entries[0].tags] == ["Public sector"]
    assert parsed.entries[0].author == "Connected by Data"


def test_feed_rss_item_says_when_and_where(client, events):
    parsed = feedparser.parse(client.get(reverse("events:feed_rss")).content)

    assert parsed.entries[0].summary == (
        "<p>Sunday 6 October 2030, 10:00 Spanish time (CEST) · NH Canciller Ayala Vitoria</p>"
        "<p>A fringe event of the summit.</p>"
    )


def test_feeds_announced_on_every_page(client, events):
    html = client.get(reverse("events:list")).content.decode()

    assert (
        '<link rel="alternate" type="application/rss+xml" title="Upcoming events (RSS)" '
        'href="/events/feed.rss">'
    ) in html
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Upcoming events (Atom)" '
        'href="/events/feed.atom">'
    ) in html
