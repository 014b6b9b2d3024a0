"""At the door: people on the waiting list and people who cancelled are given a place there."""

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations.models import OutboundEmail, Registration
from tests.factories import MembershipFactory, RegistrationFactory
from tests.registrations.test_checkin import checkin_url, entry_url

pytestmark = pytest.mark.django_db


def give_place(client, registration, **data):
    return client.post(
        entry_url(registration),
        {"action": "give_place", "next": checkin_url(registration.event), **data},
    )


def test_waiting_and_cancelled_rows_offer_a_place_not_a_check_in(organiser_client, event):
    RegistrationFactory(event=event, name="Ada", status="waitlisted")
    RegistrationFactory(event=event, name="Bea", status="cancelled", cancelled_at=timezone.now())
    RegistrationFactory(event=event, name="Cai")

    html = organiser_client.get(checkin_url(event)).content.decode()

    assert html.count(">Give a place<span") == 2
    assert html.count(">Check in<span") == 1
    assert 'Give a place<span class="visually-hidden"> to Ada</span>' in html


def test_give_a_place_at_the_door_checks_in_a_waiting_person(organiser_client, event):
    waiting = RegistrationFactory(event=event, name="Ada", status="waitlisted")

    response = give_place(organiser_client, waiting)

    waiting.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, checkin_url(event))
    assert (waiting.status, waiting.checked_in_at is not None) == ("confirmed", True)
    assert list(OutboundEmail.objects.values_list("kind", flat=True)) == ["promoted"]


def test_give_a_place_at_the_door_to_someone_who_cancelled(organiser_client, event):
    cancelled = RegistrationFactory(
        event=event,
        name="Bea",
        status="cancelled",
        cancelled_at=timezone.now(),
        cancellation_reason="Could not come",
    )

    give_place(organiser_client, cancelled)

    cancelled.refresh_from_db()
    assert (
        cancelled.status,
        cancelled.cancelled_at,
        cancelled.cancellation_reason,
        cancelled.checked_in_at is not None,
    ) == ("confirmed", None, "", True)


def test_give_a_place_when_full_asks_then_goes_over_capacity(organiser_client, event):
    event.capacity = 1
    event.save()
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, name="Ada", status="waitlisted")

    asked = give_place(organiser_client, waiting)
    waiting.refresh_from_db()
    status_after_asking = waiting.status
    confirmed = give_place(organiser_client, waiting, allow_over_capacity="yes")

    waiting.refresh_from_db()
    html = asked.content.decode()
    assert asked.status_code == 200
    assert (
        "The event is full: a place for Ada would put it over capacity. 1 place is taken." in html
    )
    assert "Give Ada a place over capacity" in html
    assert f'name="next" value="{checkin_url(event)}"' in html
    assert status_after_asking == "waitlisted"
    assert (confirmed.status_code, confirmed["Location"]) == (302, checkin_url(event))
    assert (waiting.status, Registration.objects.filter(event=event).counts()["confirmed"]) == (
        "confirmed",
        2,
    )


def test_give_a_place_refused_when_the_address_has_another_registration(organiser_client, event):
    cancelled = RegistrationFactory(
        event=event, name="Bea", email="bea@example.org", status="cancelled",
        cancelled_at=timezone.now(),
    )  # fmt: skip
    RegistrationFactory(event=event, email="BEA@example.org")

    response = give_place(organiser_client, cancelled)

    cancelled.refresh_from_db()
    assert cancelled.status == "cancelled"
    assert [str(message) for message in response.wsgi_request._messages] == [
        "Bea has another registration for this event: find it in the list."
    ]


def test_viewer_cannot_give_a_place_at_the_door(client, event):
    waiting = RegistrationFactory(event=event, status="waitlisted")
    client.force_login(MembershipFactory(organiser=event.organiser, role="viewer").user)

    response = give_place(client, waiting)

    waiting.refresh_from_db()
    assert (response.status_code, waiting.status) == (403, "waitlisted")


def test_event_pages_offer_a_viewer_no_new_page_that_refuses(client, event):
    client.force_login(MembershipFactory(organiser=event.organiser, role="viewer").user)
    registration = RegistrationFactory(event=event)

    change = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    entry = client.get(
        reverse("admin:registrations_registration_change", args=[registration.pk])
    ).content.decode()

    for name in ("copy", "add_registration", "checkin", "message"):
        assert reverse(f"admin:events_event_{name}", args=[event.pk]) not in change
    assert reverse("admin:registrations_registration_cancel", args=[registration.pk]) not in entry
