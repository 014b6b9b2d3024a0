from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from events.models import Event
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganiserFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_event():
    """An event of an organisation the organiser user is not a member of."""
    return EventFactory(organiser=OrganiserFactory(name="Other Org"), title="Other org event")


def test_admin_pages_load_for_superuser(admin_client, event):
    registration = RegistrationFactory(event=event)
    urls = [
        reverse("admin:index"),
        reverse("admin:events_event_changelist"),
        reverse("admin:events_event_add"),
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_organiser_changelist"),
        reverse("admin:registrations_registration_changelist"),
        reverse("admin:registrations_registration_change", args=[registration.pk]),
    ]
    for url in urls:
        assert admin_client.get(url).status_code == 200, url


def test_organiser_sees_only_own_events_in_list(organiser_client, event, other_event):
    html = organiser_client.get(reverse("admin:events_event_changelist")).content.decode()

    assert event.title in html
    assert other_event.title not in html


def test_co_organiser_member_sees_event(client, event):
    partner = OrganiserFactory(name="Partner")
    event.co_organisers.add(partner)
    client.force_login(MembershipFactory(organiser=partner).user)

    html = client.get(reverse("admin:events_event_changelist")).content.decode()

    assert event.title in html


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_organiser_cannot_open_other_event(organiser_client, other_event, view):
    response = organiser_client.get(reverse(f"admin:events_event_{view}", args=[other_event.pk]))

    # The admin redirects to its index ("doesn't exist") or refuses outright.
    assert response.status_code in (302, 403, 404)
    assert other_event.title not in response.content.decode()


def test_organiser_cannot_change_other_event_by_post(organiser_client, other_event):
    organiser_client.post(
        reverse("admin:events_event_change", args=[other_event.pk]), {"title": "Hijacked"}
    )

    other_event.refresh_from_db()
    assert other_event.title == "Other org event"


def test_user_without_membership_has_no_admin(client, event):
    client.force_login(UserFactory(username="stranger"))

    response = client.get(reverse("admin:events_event_changelist"))

    assert response.status_code == 403


def test_organiser_lead_choice_limited_to_own_organisations(organiser_client, other_event):
    response = organiser_client.get(reverse("admin:events_event_add"))

    choices = [str(org) for org in response.context["adminform"].form.fields["organiser"].queryset]
    assert choices == ["Connected by Data"]


def test_admin_event_times_entered_in_event_timezone(organiser_client, organiser):
    response = organiser_client.post(
        reverse("admin:events_event_add"),
        {
            "title": "Fringe event",
            "slug": "fringe-event",
            "kind": "organised",
            "status": "published",
            "timezone": "Europe/Madrid",
            "attendance_mode": "in_person",
            "starts_at_0": "2030-10-06",
            "starts_at_1": "10:00",
            "ends_at_0": "2030-10-06",
            "ends_at_1": "12:30",
            "organiser": organiser.pk,
            "capacity": "40",
            "waitlist_enabled": "on",
            "registrations-TOTAL_FORMS": "0",
            "registrations-INITIAL_FORMS": "0",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="fringe-event")
    assert event.starts_at == datetime(2030, 10, 6, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    assert event.ends_at == datetime(2030, 10, 6, 12, 30, tzinfo=ZoneInfo("Europe/Madrid"))
    change_page = organiser_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert 'value="10:00:00"' in change_page.content.decode()


def test_admin_event_end_before_start_refused(organiser_client, organiser):
    response = organiser_client.post(
        reverse("admin:events_event_add"),
        {
            "title": "Backwards",
            "slug": "backwards",
            "kind": "organised",
            "status": "draft",
            "timezone": "Europe/London",
            "starts_at_0": "2030-10-06",
            "starts_at_1": "12:00",
            "ends_at_0": "2030-10-06",
            "ends_at_1": "10:00",
            "organiser": organiser.pk,
            "registrations-TOTAL_FORMS": "0",
            "registrations-INITIAL_FORMS": "0",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["ends_at"] == [
        "The event must end after it starts."
    ]
    assert not Event.objects.filter(slug="backwards").exists()


def test_event_admin_review_section_folded_unless_needed(organiser_client, event):
    url = reverse("admin:events_event_change", args=[event.pk])
    folded = organiser_client.get(url).context["adminform"]
    event.needs_review = True
    event.save()
    open_ = organiser_client.get(url).context["adminform"]

    assert [fieldset.classes for fieldset in folded if fieldset.name == "Review"] == ["collapse"]
    assert [fieldset.classes for fieldset in open_ if fieldset.name == "Review"] == [""]
