"""Organiser text in feeds, and hostile input on the public pages."""

from datetime import UTC, datetime

import feedparser
import pytest
from django.urls import reverse

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

IMAGE = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"


@pytest.fixture
def hostile_event(organiser):
    return EventFactory(
        organiser=organiser,
        title=f"Title {IMAGE} {SCRIPT}",
        summary=f"Summary {IMAGE} {SCRIPT}",
        venue_name=f"Venue {IMAGE}",
        starts_at=datetime(2030, 10, 6, 8, 0, tzinfo=UTC),
        ends_at=datetime(2030, 10, 6, 10, 30, tzinfo=UTC),
    )


@pytest.mark.parametrize("feed", ["events:feed_rss", "events:feed_atom"])
def test_feed_organiser_markup_shown_as_text(client, hostile_event, feed):
    response = client.get(reverse(feed))
    entry = feedparser.parse(response.content).entries[0]

    assert response.status_code == 200
    assert entry.title == f"Title {IMAGE} {SCRIPT}"
    assert entry.title_detail.type == "text/plain"
    assert entry.summary_detail.type == "text/html"
    assert entry.summary == (
        "<p>Sunday 6 October 2030, 10:00 (Europe/Madrid) · Venue "
        "&lt;img src=x onerror=alert(1)&gt;</p>"
        "<p>Summary &lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(2)&lt;/script&gt;</p>"
    )
