import csv
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Membership
from registrations.models import OutboundEmail, Registration
from tests.admin_forms import event_change_data
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganiserFactory,
    RegistrationFactory,
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


def test_event_changelist_shows_counts(organiser_client, event):
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, status="cancelled", cancelled_at=timezone.now())

    html = organiser_client.get(reverse("admin:events_event_changelist")).content.decode()

    assert "2 / 20" in html


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


def test_export_csv_contains_registrations(organiser_client, event):
    zoe = RegistrationFactory(
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
        "Registration ID",
        "Name",
        "Email",
        "Organisation",
        "Role",
        "Access needs",
        "Dietary options",
        "Dietary requirements",
        "Status",
        "Registered at",
        "Cancelled at",
        "Cancellation reason",
        "Checked in at",
        "Consent given at",
        "Privacy notice version",
    ]
    assert rows[1][:9] == [
        str(zoe.pk),
        "Zoë Ñandú 山田",
        "zoe@example.org",
        "Café Org",
        "Analyst",
        "Hearing loop",
        "",
        "Vegan",
        "Confirmed",
    ]
    assert rows[2][1] == "Gone"
    assert rows[2][8] == "Cancelled"
    assert len(rows) == 3


@pytest.mark.parametrize("value", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_export_csv_neutralises_formulas(organiser_client, event, value):
    RegistrationFactory(event=event, organisation=value)

    rows = read_csv(organiser_client.get(export_url(event)))

    # A line break in a cell is written as the rows end, "\n".
    assert rows[1][3] == "'" + value.replace("\r", "\n")


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


def test_admin_registration_address_of_another_registration_refused(organiser_client, event):
    RegistrationFactory(event=event, email="ada@example.org")
    grace = RegistrationFactory(event=event, name="Grace Hopper", email="grace@example.org")
    url = reverse("admin:registrations_registration_change", args=[grace.pk])

    response = organiser_client.post(
        url,
        {
            "name": "Grace Hopper",
            "email": "ADA@example.org",
            "answers-TOTAL_FORMS": 0,
            "answers-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "email": ["Another registration for this event already uses this email address."]
    }
    grace.refresh_from_db()
    assert grace.email == "grace@example.org"
    assert LogEntry.objects.count() == 0


def test_admin_promote_refused_when_full_changes_nothing(organiser_client, event):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted", name="Grace Hopper")
    emails_before = OutboundEmail.objects.count()
    changelist = reverse("admin:registrations_registration_changelist")

    response = organiser_client.post(
        changelist, {"action": "promote_registrations", "_selected_action": [waiting.pk]}
    )

    assert response.status_code == 200
    assert response.context["refusals"] == [
        "The event is full: a place for Grace Hopper would put it over capacity."
    ]
    assert [str(message) for message in response.context["messages"]] == []
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED
    assert OutboundEmail.objects.count() == emails_before
    assert LogEntry.objects.count() == 0
