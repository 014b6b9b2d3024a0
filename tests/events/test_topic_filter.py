import pytest
from django.urls import reverse

from events.models import Event, Topic
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_sector():
    return Topic.objects.create(name="Public sector", slug="public-sector")


@pytest.fixture
def health():
    return Topic.objects.create(name="Health", slug="health")


def listed_titles(response) -> list[str]:
    return [event.title for event in [*response.context["upcoming"], *response.context["past"]]]


def test_topic_filter_lists_only_events_on_the_topic(client, public_sector, health):
    on_topic = EventFactory(title="Procurement lab")
    on_topic.topics.add(public_sector)
    EventFactory(title="Patient data roundtable").topics.add(health)

    response = client.get(reverse("events:list"), {"topic": "public-sector"})

    assert response.status_code == 200
    assert listed_titles(response) == ["Procurement lab"]
    html = response.content.decode()
    assert '<h1 class="mb-4">Events on Public sector</h1>' in html
    assert (
        'href="/events/?topic=public-sector" aria-current="page">'
        '<span class="visually-hidden">Showing: </span>Public sector</a>'
    ) in html
    assert 'href="/events/?topic=health">Health</a>' in html


def test_topic_filter_chips_offer_topics_of_public_events_only(client, public_sector, health):
    EventFactory(title="Procurement lab").topics.add(public_sector)
    EventFactory(title="Draft on health", status=Event.Status.DRAFT).topics.add(health)

    response = client.get(reverse("events:list"))

    assert response.context["topics"] == [public_sector]
    html = response.content.decode()
    assert 'href="/events/" aria-current="page">All topics</a>' in html
    assert "?topic=health" not in html


def test_topic_filter_unknown_topic_says_so(client, public_sector):
    EventFactory(title="Procurement lab").topics.add(public_sector)

    response = client.get(reverse("events:list"), {"topic": "astrology"})

    assert response.status_code == 200
    assert listed_titles(response) == []
    assert "There are no events on the topic “astrology”." in response.content.decode()


def test_topic_filter_query_count_constant(client, public_sector, django_assert_num_queries):
    def add_events(count):
        for _ in range(count):
            event = EventFactory()
            event.topics.add(public_sector)
            RegistrationFactory(event=event)

    add_events(1)
    # Topics, upcoming events, their topics, their counts (one query for all), past events.
    with django_assert_num_queries(5) as one:
        client.get(reverse("events:list"), {"topic": "public-sector"})
    add_events(2)

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("events:list"), {"topic": "public-sector"})

    assert len(listed_titles(response)) == 3


def test_event_page_topics_link_to_the_filter(client, event, public_sector):
    event.topics.add(public_sector)

    html = client.get(event.get_absolute_url()).content.decode()

    assert 'href="/events/?topic=public-sector">Public sector</a>' in html


def test_status_json_readable_from_other_sites(client, event):
    response = client.get(reverse("events:status", args=[event.slug]))

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
