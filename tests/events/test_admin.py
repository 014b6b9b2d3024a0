import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Membership
from registrations.models import Registration
from tests.admin_forms import event_change_data
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


def export_url(event):
    return reverse("admin:events_event_attendees_csv", args=[event.pk])


def read_csv(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))


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


def test_event_changelist_shows_counts(organiser_client, event):
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, status="cancelled", cancelled_at=timezone.now())

    html = organiser_client.get(reverse("admin:events_event_changelist")).content.decode()

    assert "2 / 20" in html


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


def test_organiser_sees_only_own_registrations(organiser_client, event, other_event):
    mine = RegistrationFactory(event=event, name="Mine Person")
    theirs = RegistrationFactory(event=other_event, name="Their Person")

    listing = organiser_client.get(reverse("admin:registrations_registration_changelist"))
    direct = organiser_client.get(
        reverse("admin:registrations_registration_change", args=[theirs.pk])
    )
    search = organiser_client.get(
        reverse("admin:registrations_registration_changelist"), {"q": "Their"}
    )

    assert mine.name in listing.content.decode()
    assert theirs.name not in listing.content.decode()
    assert direct.status_code in (302, 403, 404)
    assert theirs.email not in direct.content.decode()
    assert theirs.name not in search.content.decode()


def test_user_without_membership_has_no_admin(client, event):
    client.force_login(UserFactory(username="stranger"))

    response = client.get(reverse("admin:events_event_changelist"))

    assert response.status_code == 403


def test_viewer_can_view_and_export_but_not_change(client, event):
    viewer = MembershipFactory(organiser=event.organiser, role=Membership.Role.VIEWER).user
    client.force_login(viewer)

    change_page = client.get(reverse("admin:events_event_change", args=[event.pk]))
    client.post(reverse("admin:events_event_change", args=[event.pk]), {"title": "Changed"})
    export = client.get(export_url(event))

    assert change_page.status_code == 200
    assert 'name="title"' not in change_page.content.decode()
    event.refresh_from_db()
    assert event.title == "Open Government and AI"
    assert export.status_code == 200


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


def test_export_csv_contains_registrations(organiser_client, event):
    RegistrationFactory(
        event=event,
        name="Zoë Ñandú 山田",
        email="zoe@example.org",
        organisation="Café Org",
        role="Analyst",
        access_needs="Hearing loop",
        dietary_requirements="Vegan",
    )
    RegistrationFactory(event=event, name="Gone", status="cancelled", cancelled_at=timezone.now())

    response = organiser_client.get(export_url(event))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="open-government-ai-attendees.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Name",
        "Email",
        "Organisation",
        "Role",
        "Access needs",
        "Dietary requirements",
        "Status",
        "Registered at",
        "Cancelled at",
        "Checked in at",
        "Consent given at",
        "Privacy notice version",
    ]
    assert rows[1][:7] == [
        "Zoë Ñandú 山田",
        "zoe@example.org",
        "Café Org",
        "Analyst",
        "Hearing loop",
        "Vegan",
        "Confirmed",
    ]
    assert rows[2][0] == "Gone"
    assert rows[2][6] == "Cancelled"
    assert len(rows) == 3


@pytest.mark.parametrize("value", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_export_csv_neutralises_formulas(organiser_client, event, value):
    RegistrationFactory(event=event, organisation=value)

    rows = read_csv(organiser_client.get(export_url(event)))

    assert rows[1][2] == "'" + value


def test_export_csv_other_organisers_event_404(organiser_client, other_event):
    RegistrationFactory(event=other_event)

    response = organiser_client.get(export_url(other_event))

    assert response.status_code == 404


def test_export_csv_anonymous_redirected_to_login(client, event):
    response = client.get(export_url(event))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_export_link_on_event_admin_page(organiser_client, event):
    html = organiser_client.get(
        reverse("admin:events_event_change", args=[event.pk])
    ).content.decode()

    assert export_url(event) in html


def test_admin_cancel_action_cancels_and_promotes(organiser_client, event):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    confirmed = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted")

    changelist = reverse("admin:registrations_registration_changelist")
    action = {"action": "cancel_registrations", "_selected_action": [confirmed.pk]}

    asked = organiser_client.post(changelist, action)
    organiser_client.post(changelist, {**action, "confirm": "yes", "reason": "Venue moved"})

    assert "Cancel registrations" in asked.content.decode()
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert confirmed.status == Registration.Status.CANCELLED
    assert confirmed.cancellation_reason == "Venue moved"
    assert waiting.status == Registration.Status.CONFIRMED
    history = LogEntry.objects.get(object_id=str(confirmed.pk))
    assert history.get_change_message() == "Cancelled: Venue moved"
    assert history.user.username == "olivia"


def test_admin_cancel_action_without_reason_asks_again(organiser_client, event):
    registration = RegistrationFactory(event=event)

    response = organiser_client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "cancel_registrations", "_selected_action": [registration.pk], "confirm": "yes"},
    )

    assert "This field is required." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_admin_promote_action_with_free_place(organiser_client, event):
    Event.objects.filter(pk=event.pk).update(capacity=2)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted")

    organiser_client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "promote_registrations", "_selected_action": [waiting.pk]},
    )

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_admin_promote_over_capacity_needs_confirmation(organiser_client, event):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted", name="Grace Hopper")
    changelist = reverse("admin:registrations_registration_changelist")
    action = {"action": "promote_registrations", "_selected_action": [waiting.pk]}

    asked = organiser_client.post(changelist, action)
    waiting.refresh_from_db()
    status_after_asking = waiting.status
    organiser_client.post(changelist, {**action, "allow_over_capacity": "yes"})

    assert "a place for Grace Hopper would put it over capacity" in asked.content.decode()
    assert status_after_asking == Registration.Status.WAITLISTED
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    listing = organiser_client.get(reverse("admin:events_event_changelist")).content.decode()
    assert "over capacity" in listing


def test_admin_capacity_below_confirmed_refused(organiser_client, event):
    RegistrationFactory.create_batch(3, event=event)
    url = reverse("admin:events_event_change", args=[event.pk])

    response = organiser_client.post(url, event_change_data(organiser_client, event, capacity="2"))

    assert response.status_code == 200
    assert "3 people already hold a place." in " ".join(
        response.context["adminform"].form.errors["capacity"]
    )
    event.refresh_from_db()
    assert event.capacity == 20


def test_admin_capacity_raised_promotes_waiting_people(organiser_client, event):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    event.refresh_from_db()
    RegistrationFactory(event=event)
    first, second, third = RegistrationFactory.create_batch(3, event=event, status="waitlisted")
    url = reverse("admin:events_event_change", args=[event.pk])

    response = organiser_client.post(
        url, event_change_data(organiser_client, event, capacity="3"), follow=True
    )

    assert "2 people moved up from the waiting list." in response.content.decode()
    statuses = [
        Registration.objects.get(pk=registration.pk).status
        for registration in (first, second, third)
    ]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]


def test_event_admin_page_lists_its_registrations(organiser_client, event):
    RegistrationFactory(event=event, name="Inline Person")
    RegistrationFactory(event=EventFactory(organiser=event.organiser), name="Elsewhere Person")

    html = organiser_client.get(
        reverse("admin:events_event_change", args=[event.pk])
    ).content.decode()

    assert "Inline Person" in html
    assert "Elsewhere Person" not in html
    assert "1 confirmed · 0 waiting · 0 cancelled · capacity 20" in html


def test_event_admin_review_section_folded_unless_needed(organiser_client, event):
    url = reverse("admin:events_event_change", args=[event.pk])
    folded = organiser_client.get(url).context["adminform"]
    event.needs_review = True
    event.save()
    open_ = organiser_client.get(url).context["adminform"]

    assert [fieldset.classes for fieldset in folded if fieldset.name == "Review"] == ["collapse"]
    assert [fieldset.classes for fieldset in open_ if fieldset.name == "Review"] == [""]
