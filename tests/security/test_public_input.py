"""Organiser text in feeds, and hostile input on the public pages."""

from datetime import UTC, datetime

import feedparser
import pytest
from django.urls import reverse

from registrations.models import Question, Registration
from tests.factories import EventFactory, QuestionFactory, RegistrationFactory

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
        "<p>Sunday 6 October 2030, 10:00 Spanish time (CEST) · Venue "
        "&lt;img src=x onerror=alert(1)&gt;</p>"
        "<p>Summary &lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(2)&lt;/script&gt;</p>"
    )


# PostgreSQL refuses text with a NUL character in it; no public page may fail on one.
NUL = "\x00"


def public_urls(event, registration):
    return [
        reverse("events:list"),
        event.get_absolute_url(),
        reverse("events:status", args=[event.slug]),
        reverse("events:ics", args=[event.slug]),
        reverse("events_ics"),
        reverse("events:feed_rss"),
        reverse("registrations:register", args=[event.slug]),
        registration.personal_path,
        reverse("registrations:done", args=[registration.token]),
        reverse("registrations:cancel", args=[registration.token]),
        reverse("registrations:erase", args=[registration.token]),
        reverse("registrations:confirm", args=[registration.token]),
        reverse("registrations:check_email", args=[event.slug]),
        reverse("registrations:lost_link"),
        reverse("registrations:lost_link_sent"),
        reverse("privacy"),
        reverse("healthz"),
    ]


@pytest.mark.parametrize("query", ["topic=%00", "topic=a%00b", "%00=1", "q=%00&topic=x"])
def test_public_pages_null_character_in_query_string_bad_request(client, event, query):
    registration = RegistrationFactory(event=event)

    statuses = {
        url: client.get(f"{url}?{query}").status_code for url in public_urls(event, registration)
    }

    assert statuses == {url: 400 for url in public_urls(event, registration)}


def test_event_list_null_character_in_topic_explained(client, event):
    response = client.get(f"{reverse('events:list')}?topic=%00")

    assert response.status_code == 400
    assert "The address or the form held something that cannot be read" in (
        response.content.decode()
    )


@pytest.mark.parametrize("query", ["topic=%00", "q=%00"])
def test_public_posts_null_character_in_query_string_bad_request(client, event, query):
    registration = RegistrationFactory(event=event)

    responses = [
        client.post(f"{reverse('registrations:register', args=[event.slug])}?{query}", {}),
        client.post(f"{registration.personal_path}?{query}", {}),
        client.post(f"{reverse('registrations:lost_link')}?{query}", {}),
    ]

    assert [response.status_code for response in responses] == [400, 400, 400]
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_null_character_in_paths_bad_request(client, event):
    paths = [
        "/events/%00/",
        f"/events/{event.slug}%00/",
        f"/events/{event.slug}%00.ics",
        f"/events/{event.slug}/status.json%00",
        "/registration/%00aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/",
        "/registration/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%00/cancel/",
    ]

    assert {path: client.get(path).status_code for path in paths} == {path: 400 for path in paths}


REGISTER_FIELDS = ["name", "email", "organisation", "role", "access_needs", "dietary_requirements"]


def register_data(**changes):
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "organisation": "Analytical Engines",
        "role": "Researcher",
        "access_needs": "Step-free access",
        "dietary_requirements": "Vegetarian",
        "privacy_consent": "on",
        "submission_key": "key-1",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("field", [*REGISTER_FIELDS, "submission_key", "website"])
def test_register_null_character_in_a_field_refused_next_to_it(client, event, field):
    data = register_data()
    data[field] = data.get(field, "") + NUL + "x"

    response = client.post(reverse("registrations:register", args=[event.slug]), data)

    form = response.context["form"]
    assert response.status_code == 400
    assert NUL not in "".join(str(error) for error in form.errors.get(field, []))
    assert "Null characters are not allowed." in form.errors[field]
    kept = "Researcher" if field != "role" else "Analytical Engines"
    assert f'value="{kept}"' in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("kind", Question.Kind.values)
def test_register_null_character_in_an_answer_refused_next_to_it(client, event, kind):
    options = "Morning\nAfternoon" if kind in Question.CHOICE_KINDS else ""
    question = QuestionFactory(event=event, kind=kind, options=options)

    response = client.post(
        reverse("registrations:register", args=[event.slug]),
        register_data(**{question.field_name: f"Morning{NUL}"}),
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [question.field_name]
    assert not Registration.objects.exists()


@pytest.mark.parametrize("field", REGISTER_FIELDS)
def test_personal_page_null_character_in_a_field_refused_next_to_it(client, event, field):
    registration = RegistrationFactory(event=event, name="Ada Lovelace")
    data = register_data()
    data[field] = data[field] + NUL

    response = client.post(registration.personal_path, data)

    assert response.status_code == 400
    assert "Null characters are not allowed." in response.context["form"].errors[field]
    assert Registration.objects.get().name == "Ada Lovelace"


def test_lost_link_null_character_refused_next_to_the_field(client):
    response = client.post(reverse("registrations:lost_link"), {"email": f"ada{NUL}@example.org"})

    assert response.status_code == 400
    assert "Null characters are not allowed." in response.context["form"].errors["email"]
