"""Copy as a new event: a draft with everything but the registrations."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from events.models import Event, Topic
from registrations.models import Question
from tests.factories import (
    MembershipFactory,
    OrganiserFactory,
    QuestionFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db
MADRID = ZoneInfo("Europe/Madrid")


def copy(client, event, **data):
    form = {"title": event.title, "starts_at": "2027-03-04T10:00", "ends_at": "2027-03-04T12:30"}
    return client.post(reverse("admin:events_event_copy", args=[event.pk]), {**form, **data})


def test_copy_is_a_draft_with_questions_and_new_dates_and_no_registrations(organiser_client, event):
    partner = OrganiserFactory(name="Partner")
    event.co_organisers.add(partner)
    event.topics.add(Topic.objects.create(name="AI", slug="ai"))
    event.registration_closes_at = event.starts_at
    event.save()
    QuestionFactory(event=event, label="Which session?", kind="radio", options="A\nB", position=2)
    QuestionFactory(event=event, label="Anything else?", position=1)
    RegistrationFactory(event=event)

    response = copy(organiser_client, event)

    new = Event.objects.exclude(pk=event.pk).get()
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("admin:events_event_change", args=[new.pk]),
    )
    assert (new.title, new.slug, new.status, new.venue_name, new.capacity) == (
        "Open Government and AI",
        "open-government-and-ai",
        "draft",
        "NH Canciller Ayala Vitoria",
        20,
    )
    assert (new.starts_at, new.ends_at, new.registration_closes_at) == (
        datetime(2027, 3, 4, 10, 0, tzinfo=MADRID),
        datetime(2027, 3, 4, 12, 30, tzinfo=MADRID),
        None,
    )
    assert list(new.co_organisers.values_list("name", flat=True)) == ["Partner"]
    assert list(new.topics.values_list("slug", flat=True)) == ["ai"]
    assert list(
        Question.objects.filter(event=new)
        .order_by("position")
        .values_list("label", "kind", "options", "position")
    ) == [("Anything else?", "short_text", "", 1), ("Which session?", "radio", "A\nB", 2)]
    assert new.registrations.count() == 0
    assert event.questions.count() == 2


def test_copy_slug_is_made_unique(organiser_client, event):
    copy(organiser_client, event, title="Open Government AI")
    copy(organiser_client, event, title="Open Government AI")

    assert sorted(Event.objects.values_list("slug", flat=True)) == [
        "open-government-ai",
        "open-government-ai-2",
        "open-government-ai-3",
    ]


def test_copy_ending_before_it_starts_is_refused_with_the_input_kept(organiser_client, event):
    response = copy(organiser_client, event, ends_at="2027-03-04T09:00")

    assert response.status_code == 400
    assert response.context["form"].errors == {"ends_at": ["The end must be after the start."]}
    assert 'value="2027-03-04T09:00"' in response.content.decode()
    assert Event.objects.count() == 1


def test_copy_link_and_page_only_for_managers(client, event, organiser_client):
    viewer = MembershipFactory(organiser=event.organiser, role="viewer").user
    change = reverse("admin:events_event_change", args=[event.pk])
    copy_url = reverse("admin:events_event_copy", args=[event.pk])

    as_manager = organiser_client.get(change).content.decode()
    client.force_login(viewer)
    as_viewer = client.get(change).content.decode()

    assert (copy_url in as_manager, copy_url in as_viewer) == (True, False)
    assert copy(client, event).status_code == 403
