"""Hybrid events: places in person and online, each with its own capacity and waiting list."""

import csv
import io

import pytest
from django.urls import reverse

from events.models import Event
from registrations import services
from registrations.availability import registration_summary
from registrations.exports import AttendeeExport, written_csv
from registrations.models import PlaceCounts, Registration
from tests.admin_forms import event_change_data
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

IN_PERSON, ONLINE = "in_person", "online"


@pytest.fixture
def hybrid():
    """Two places in person, one online."""
    return EventFactory(
        attendance_mode="hybrid", join_url="https://call.example/j/1", capacity=2, online_capacity=1
    )


def as_text(chunks) -> str:
    return "".join(chunks)


def register(event, number: int, attendance: str = "") -> Registration:
    return services.register(
        event=event, name=f"Person {number}", email=f"p{number}@example.org", attendance=attendance
    )


def statuses(event, attendance: str) -> list[str]:
    registrations = Registration.objects.filter(event=event, attendance=attendance)
    return list(registrations.order_by("pk").values_list("status", flat=True))


def test_each_mode_fills_its_own_places_then_its_own_waiting_list(hybrid):
    for number in range(3):
        register(hybrid, number, IN_PERSON)
    for number in range(3, 5):
        register(hybrid, number, ONLINE)

    assert statuses(hybrid, IN_PERSON) == ["confirmed", "confirmed", "waitlisted"]
    assert statuses(hybrid, ONLINE) == ["confirmed", "waitlisted"]
    assert PlaceCounts.objects.get(event=hybrid).as_counts() == {
        "confirmed": 3,
        "waitlisted": 2,
        "confirmed_online": 1,
        "waitlisted_online": 1,
    }


def test_a_full_online_mode_leaves_the_places_in_person_open(hybrid):
    register(hybrid, 1, ONLINE)

    registration = register(hybrid, 2, IN_PERSON)

    assert registration.status == "confirmed"


def test_not_saying_how_one_attends_a_hybrid_event_is_in_person(hybrid):
    assert register(hybrid, 1).attendance == IN_PERSON


def test_online_and_in_person_events_attend_as_the_event_is_held():
    online = EventFactory(attendance_mode="online", join_url="https://call.example/j/2")
    in_person = EventFactory()

    assert register(online, 1, IN_PERSON).attendance == ONLINE
    assert register(in_person, 2, ONLINE).attendance == IN_PERSON


def test_a_cancelled_online_place_goes_to_the_next_online_waiter_only(hybrid):
    register(hybrid, 1, IN_PERSON)
    register(hybrid, 2, IN_PERSON)
    online = register(hybrid, 3, ONLINE)
    waiting_in_person = register(hybrid, 4, IN_PERSON)
    waiting_online = register(hybrid, 5, ONLINE)

    promoted = services.cancel(registration=online)

    assert promoted == [waiting_online]
    waiting_in_person.refresh_from_db()
    assert waiting_in_person.status == "waitlisted"


def test_a_cancelled_place_in_person_goes_to_the_next_waiter_in_person(hybrid):
    leaving = register(hybrid, 1, IN_PERSON)
    register(hybrid, 2, IN_PERSON)
    register(hybrid, 3, ONLINE)
    waiting_online = register(hybrid, 4, ONLINE)
    waiting_in_person = register(hybrid, 5, IN_PERSON)

    assert services.cancel(registration=leaving) == [waiting_in_person]
    waiting_online.refresh_from_db()
    assert waiting_online.status == "waitlisted"


def test_unlimited_online_places_never_refuse_nor_waitlist(hybrid):
    hybrid.online_capacity = None
    hybrid.waitlist_enabled = False
    hybrid.save()
    register(hybrid, 0, IN_PERSON)
    register(hybrid, 1, IN_PERSON)
    with pytest.raises(services.RegistrationRefused):
        register(hybrid, 2, IN_PERSON)

    online = [register(hybrid, number, ONLINE) for number in range(3, 53)]

    assert {registration.status for registration in online} == {"confirmed"}
    assert registration_summary(hybrid)["modes"][1]["places_left"] is None


def test_a_full_mode_without_a_waiting_list_says_which_places_are_taken(hybrid):
    hybrid.waitlist_enabled = False
    hybrid.save()
    register(hybrid, 1, ONLINE)

    with pytest.raises(services.RegistrationRefused) as refused:
        register(hybrid, 2, ONLINE)

    assert refused.value.message == "The online places are all taken."


def test_waiting_list_position_counts_only_the_same_mode(hybrid):
    register(hybrid, 1, IN_PERSON)
    register(hybrid, 2, IN_PERSON)
    register(hybrid, 3, ONLINE)
    register(hybrid, 4, IN_PERSON)
    online_waiter = register(hybrid, 5, ONLINE)

    assert online_waiter.waitlist_position() == 1


def test_organiser_promotes_over_the_online_capacity_only_when_told(hybrid):
    register(hybrid, 1, ONLINE)
    waiting = register(hybrid, 2, ONLINE)

    with pytest.raises(services.RegistrationRefused):
        services.promote(registration=waiting)
    services.promote(registration=waiting, allow_over_capacity=True)

    assert PlaceCounts.objects.get(event=hybrid).confirmed_online == 2


def test_walk_in_takes_a_place_in_person(hybrid):
    register(hybrid, 1, ONLINE)

    walk_in = services.register_walk_in(event=hybrid, name="Walk In", email="w@example.org")

    assert (walk_in.status, walk_in.attendance) == ("confirmed", IN_PERSON)
    assert PlaceCounts.objects.get(event=hybrid).as_counts()["confirmed_online"] == 1


def test_place_at_the_door_is_in_person_and_counts_against_those_places(hybrid):
    register(hybrid, 1, IN_PERSON)
    register(hybrid, 2, IN_PERSON)
    register(hybrid, 3, ONLINE)
    online_waiter = register(hybrid, 4, ONLINE)

    with pytest.raises(services.RegistrationRefused):
        services.give_place_at_door(registration=online_waiter)
    services.give_place_at_door(registration=online_waiter, allow_over_capacity=True)

    online_waiter.refresh_from_db()
    assert (online_waiter.status, online_waiter.attendance) == ("confirmed", IN_PERSON)
    assert PlaceCounts.objects.get(event=hybrid).as_counts() == {
        "confirmed": 4,
        "waitlisted": 0,
        "confirmed_online": 1,
        "waitlisted_online": 0,
    }


def test_organiser_adds_someone_to_the_online_places(hybrid):
    added = services.add_registration(
        event=hybrid, name="Speaker", email="s@example.org", note="Speaker", attendance=ONLINE
    )

    assert added.attendance == ONLINE
    with pytest.raises(services.RegistrationRefused) as refused:
        services.add_registration(
            event=hybrid, name="Guest", email="g@example.org", note="Guest", attendance=ONLINE
        )
    assert "all 1 places" in refused.value.message


@pytest.mark.parametrize(
    ("field", "attendance"), [("capacity", IN_PERSON), ("online_capacity", ONLINE)]
)
def test_change_event_refuses_a_capacity_below_that_modes_confirmed(hybrid, field, attendance):
    register(hybrid, 1, attendance)
    setattr(hybrid, field, 0)

    with pytest.raises(services.RegistrationRefused) as refused:
        services.change_event(event=hybrid, changed_fields=[field])

    assert refused.value.code == "capacity_below_confirmed"


def test_change_event_lowers_a_capacity_to_that_modes_confirmed_whatever_the_other(hybrid):
    register(hybrid, 1, IN_PERSON)
    register(hybrid, 2, IN_PERSON)
    hybrid.online_capacity = 0

    services.change_event(event=hybrid, changed_fields=["online_capacity"])

    hybrid.refresh_from_db()
    assert hybrid.online_capacity == 0


def test_raising_the_online_capacity_promotes_online_waiters_only(hybrid):
    for number in range(3):
        register(hybrid, number, IN_PERSON)
    register(hybrid, 3, ONLINE)
    online_waiters = [register(hybrid, number, ONLINE) for number in range(4, 7)]
    hybrid.online_capacity = 3

    changed = services.change_event(event=hybrid, changed_fields=["online_capacity"])

    assert changed.promoted == online_waiters[:2]
    assert statuses(hybrid, IN_PERSON) == ["confirmed", "confirmed", "waitlisted"]


def test_summary_gives_each_modes_places_and_the_best_state(hybrid):
    register(hybrid, 1, ONLINE)
    register(hybrid, 2, ONLINE)

    summary = registration_summary(hybrid)

    assert summary["state"] == "open"
    assert [(m["attendance"], m["state"], m["places_left"]) for m in summary["modes"]] == [
        (IN_PERSON, "open", 2),
        (ONLINE, "waitlist", 0),
    ]
    assert [m["text"] for m in summary["modes"]] == [
        "In person (2 places left)",
        "Online (full: waiting list)",
    ]
    assert registration_summary(EventFactory())["modes"] == []


def test_status_json_gives_each_modes_places(client, hybrid):
    register(hybrid, 1, ONLINE)

    data = client.get(reverse("events:status", args=[hybrid.slug])).json()

    assert data["places_left"] == 2
    assert data["modes"] == {
        "in_person": {
            "capacity": 2,
            "registration": "open",
            "places_left": 2,
            "confirmed": 0,
            "waitlisted": 0,
        },
        "online": {
            "capacity": 1,
            "registration": "waitlist",
            "places_left": 0,
            "confirmed": 1,
            "waitlisted": 0,
        },
    }


def test_form_asks_how_one_will_attend_with_each_modes_places(client, hybrid):
    register(hybrid, 1, ONLINE)

    html = client.get(reverse("registrations:register", args=[hybrid.slug])).content.decode()

    assert "How will you attend?" in html
    assert "In person (2 places left)" in html
    assert "Online (full: waiting list)" in html


def form_data(number: int, **extra) -> dict:
    return {
        "name": f"Person {number}",
        "email": f"p{number}@example.org",
        "privacy_consent": "on",
        **extra,
    }


def test_form_registers_the_chosen_mode(client, hybrid):
    url = reverse("registrations:register", args=[hybrid.slug])

    response = client.post(url, form_data(1, attendance=ONLINE))

    assert response.status_code == 302
    assert Registration.objects.get(email="p1@example.org").attendance == ONLINE


def test_form_without_a_mode_is_refused_next_to_the_field_keeping_the_input(client, hybrid):
    url = reverse("registrations:register", args=[hybrid.slug])

    response = client.post(url, form_data(1))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose how you will attend: in person or online" in html
    assert 'value="Person 1"' in html
    assert not Registration.objects.exists()


def test_form_refuses_a_full_mode_without_a_waiting_list(client, hybrid):
    hybrid.waitlist_enabled = False
    hybrid.save()
    register(hybrid, 1, ONLINE)
    url = reverse("registrations:register", args=[hybrid.slug])

    response = client.post(url, form_data(2, attendance=ONLINE))

    assert response.status_code == 400
    assert "The online places are all taken." in response.content.decode()
    assert Registration.objects.filter(event=hybrid).count() == 1


def test_event_page_lists_each_modes_places(client, hybrid):
    html = client.get(hybrid.get_absolute_url()).content.decode()

    assert "In person (2 places left)" in html
    assert "Online (1 place left)" in html


@pytest.mark.django_db(transaction=True)  # the worker sends from its own transactions
def test_personal_page_and_confirmation_say_how_the_attendee_attends(
    client, hybrid, run_worker, mailoutbox
):
    registration = register(hybrid, 1, ONLINE)
    run_worker()

    page = client.get(registration.personal_path).content.decode()

    assert "You attend: Online." in page
    assert "You attend:</strong> Online" in mailoutbox[0].alternatives[0][0]
    assert "You attend: Online" in mailoutbox[0].body


def test_registration_admin_lists_and_filters_by_mode(admin_client, hybrid):
    register(hybrid, 1, ONLINE)
    register(hybrid, 2, IN_PERSON)
    url = reverse("admin:registrations_registration_changelist")

    response = admin_client.get(url, {"attendance__exact": ONLINE})

    assert response.status_code == 200
    assert [r.email for r in response.context["cl"].result_list] == ["p1@example.org"]


def test_event_admin_counts_each_modes_places(admin_client, hybrid):
    register(hybrid, 1, ONLINE)
    register(hybrid, 2, ONLINE)
    register(hybrid, 3, IN_PERSON)

    html = admin_client.get(reverse("admin:events_event_changelist")).content.decode()
    page = admin_client.get(reverse("admin:events_event_change", args=[hybrid.pk]))

    assert "in person: 1 / 2 · online: 1 / 1" in html
    assert "Of these, online: 1 confirmed · 1 waiting · online places 1." in page.content.decode()


def test_admin_refuses_online_places_for_an_event_that_is_not_hybrid(organiser_client, event):
    url = reverse("admin:events_event_change", args=[event.pk])

    response = organiser_client.post(
        url, event_change_data(organiser_client, event, online_capacity="5")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["online_capacity"]
    assert "Only a hybrid event has places online of their own" in " ".join(errors)
    event.refresh_from_db()
    assert event.online_capacity is None


def test_admin_refuses_online_places_below_those_confirmed_online(organiser_client, event):
    Event.objects.filter(pk=event.pk).update(
        attendance_mode="hybrid", join_url="https://call.example/j/1", online_capacity=5
    )
    event.refresh_from_db()
    register(event, 1, ONLINE)
    register(event, 2, ONLINE)
    register(event, 3, IN_PERSON)
    url = reverse("admin:events_event_change", args=[event.pk])

    refused = organiser_client.post(
        url, event_change_data(organiser_client, event, online_capacity="1")
    )
    organiser_client.post(url, event_change_data(organiser_client, event, capacity="1"))

    errors = refused.context["adminform"].form.errors["online_capacity"]
    assert "2 people already hold a place." in " ".join(errors)
    event.refresh_from_db()
    assert (event.capacity, event.online_capacity) == (1, 5)


def test_export_of_a_hybrid_event_says_how_each_attendee_attends(hybrid):
    register(hybrid, 1, ONLINE)
    register(hybrid, 2, IN_PERSON)
    export = AttendeeExport(hybrid)

    rows = list(csv.reader(io.StringIO(as_text(written_csv(export)).lstrip("\ufeff"))))

    attends = rows[0].index("Attends")
    assert [row[attends] for row in rows[1:]] == ["Online", "In person"]
    assert "Attends" not in AttendeeExport(EventFactory()).header()


def test_dashboard_measures_the_capacity_against_the_places_in_person(admin_client, hybrid):
    register(hybrid, 1, ONLINE)
    register(hybrid, 2, IN_PERSON)

    html = admin_client.get(reverse("admin:events_event_dashboard", args=[hybrid.pk]))

    assert "50% of places taken (1 of 2)" in html.content.decode()


def test_organisers_add_someone_to_the_online_places_from_the_admin(organiser_client, event):
    Event.objects.filter(pk=event.pk).update(
        attendance_mode="hybrid", join_url="https://call.example/j/1"
    )
    url = reverse("admin:events_event_add_registration", args=[event.pk])

    response = organiser_client.post(
        url,
        {"name": "Speaker", "email": "s@example.org", "note": "Speaker", "attendance": ONLINE},
    )

    assert response.status_code == 302
    assert Registration.objects.get(email="s@example.org").attendance == ONLINE


def test_attendee_switches_to_online_and_their_place_goes_to_the_next_in_person(client, hybrid):
    switching = register(hybrid, 1, IN_PERSON)
    register(hybrid, 2, IN_PERSON)
    waiting_online = register(hybrid, 3, ONLINE)  # takes the one online place
    waiting_in_person = register(hybrid, 4, IN_PERSON)
    services.cancel(registration=waiting_online)
    assert "Attend online instead" in client.get(switching.personal_path).content.decode()

    response = client.post(reverse("registrations:switch_attendance", args=[switching.token]))

    assert response.status_code == 302
    switching.refresh_from_db()
    waiting_in_person.refresh_from_db()
    assert (switching.attendance, switching.status) == (ONLINE, "confirmed")
    assert waiting_in_person.status == "confirmed"
    assert PlaceCounts.objects.get(event=hybrid).as_counts() == {
        "confirmed": 3,
        "waitlisted": 0,
        "confirmed_online": 1,
        "waitlisted_online": 0,
    }


def test_switching_to_a_full_mode_is_refused_and_changes_nothing(client, hybrid):
    switching = register(hybrid, 1, IN_PERSON)
    register(hybrid, 2, ONLINE)
    assert "Attend online instead" not in client.get(switching.personal_path).content.decode()

    response = client.post(
        reverse("registrations:switch_attendance", args=[switching.token]), follow=True
    )

    assert "The online places are all taken." in response.content.decode()
    switching.refresh_from_db()
    assert switching.attendance == IN_PERSON


def test_someone_waiting_cannot_switch(hybrid):
    register(hybrid, 1, ONLINE)
    waiting = register(hybrid, 2, ONLINE)

    with pytest.raises(services.RegistrationRefused):
        services.switch_attendance(registration=waiting)


def test_more_places_at_an_online_event_move_up_online_waiters_in_the_online_counts():
    online = EventFactory(attendance_mode="online", join_url="https://call.example/j/3", capacity=0)
    register(online, 1)
    online.capacity = 1

    services.change_event(event=online, changed_fields=["capacity"])

    assert PlaceCounts.objects.get(event=online).as_counts() == {
        "confirmed": 1,
        "waitlisted": 0,
        "confirmed_online": 1,
        "waitlisted_online": 0,
    }


def test_event_page_shows_each_modes_places_again_after_a_switch(client, hybrid):
    switching = register(hybrid, 1, IN_PERSON)
    assert "Online (1 place left)" in client.get(hybrid.get_absolute_url()).content.decode()

    services.switch_attendance(registration=switching)

    html = client.get(hybrid.get_absolute_url()).content.decode()
    assert "In person (2 places left)" in html
    assert "Online (full: waiting list)" in html


@pytest.mark.django_db(transaction=True)  # the worker sends from its own transactions
def test_the_waiting_list_email_names_the_places_that_are_taken(hybrid, run_worker, mailoutbox):
    register(hybrid, 1, ONLINE)
    register(hybrid, 2, ONLINE)  # the one place online is taken; two in person are free
    run_worker()

    [waiting] = [m for m in mailoutbox if m.subject.startswith("You are on the waiting list")]
    assert f"The places online at {hybrid.title} are all taken" in waiting.body
    assert "you are on the waiting list for them" in waiting.body
    assert "is full" not in waiting.body
    assert "If a place online becomes free" in waiting.body
