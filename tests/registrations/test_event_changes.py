"""Organisers changing an event through the admin: closing dates, times, capacity, emails."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Membership
from registrations import services
from registrations.models import OutboundEmail, Question, Registration
from tests.admin_forms import event_change_data
from tests.factories import EventFactory, MembershipFactory, QuestionFactory, RegistrationFactory
from tests.registrations.test_views import form_data, register_url

pytestmark = pytest.mark.django_db


def test_registration_after_start_refused_whatever_the_closing_date(client):
    started = timezone.now() - timedelta(hours=1)
    event = EventFactory(
        starts_at=started,
        ends_at=started + timedelta(hours=3),
        registration_closes_at=started + timedelta(days=1),
    )

    response = client.post(register_url(event), form_data())

    assert Registration.objects.count() == 0
    assert "This event has already started, so registration is closed." in (
        response.content.decode()
    )
    assert event.registration_state(confirmed=0) == Event.RegistrationState.CLOSED


def test_admin_closing_date_after_start_refused(organiser_client, event):
    local = timezone.localtime(event.starts_at, event.tzinfo) + timedelta(hours=1)
    url = reverse("admin:events_event_change", args=[event.pk])

    response = organiser_client.post(
        url,
        event_change_data(
            organiser_client,
            event,
            registration_closes_at_0=local.strftime("%Y-%m-%d"),
            registration_closes_at_1=local.strftime("%H:%M"),
        ),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "registration_closes_at": [
            "Registration closes when the event starts at the latest: choose a time before "
            "the start, or leave this empty."
        ]
    }
    event.refresh_from_db()
    assert event.registration_closes_at is None


def test_admin_closing_date_at_start_accepted(organiser_client, event):
    local = timezone.localtime(event.starts_at, event.tzinfo)
    url = reverse("admin:events_event_change", args=[event.pk])

    response = organiser_client.post(
        url,
        event_change_data(
            organiser_client,
            event,
            registration_closes_at_0=local.strftime("%Y-%m-%d"),
            registration_closes_at_1=local.strftime("%H:%M"),
        ),
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.registration_closes_at == event.starts_at.replace(second=0, microsecond=0)


def madrid(*args):
    return datetime(*args, tzinfo=ZoneInfo("Europe/Madrid"))


def test_viewer_sees_event_times_in_event_timezone_with_its_name(client, event):
    Event.objects.filter(pk=event.pk).update(
        starts_at=madrid(2030, 10, 6, 10, 0),
        ends_at=madrid(2030, 10, 6, 12, 30),
        registration_opens_at=madrid(2030, 9, 1, 9, 0),
    )
    event.organiser.timezone = "America/New_York"
    event.organiser.save()
    viewer = MembershipFactory(organiser=event.organiser, role=Membership.Role.VIEWER).user
    client.force_login(viewer)

    page = client.get(reverse("admin:events_event_change", args=[event.pk]))

    fields = {
        line.field["name"]: line.contents()
        for fieldset in page.context["adminform"]
        for row in fieldset
        for line in row
        if line.field["name"].endswith("_shown")
    }
    assert fields == {
        "starts_at_shown": "6 October 2030, 10:00 Spanish time (CEST)",
        "ends_at_shown": "6 October 2030, 12:30 Spanish time (CEST)",
        "registration_opens_at_shown": "1 September 2030, 09:00 Spanish time (CEST)",
        "registration_closes_at_shown": "",
    }


def test_event_time_fields_have_no_now_shortcut(organiser_client, event):
    html = organiser_client.get(
        reverse("admin:events_event_change", args=[event.pk])
    ).content.decode()

    local = timezone.localtime(event.starts_at, event.tzinfo)
    assert f'type="time" name="starts_at_1" value="{local:%H:%M}"' in html
    assert "vTimeField" not in html
    assert "In the event's timezone (Europe/Madrid, or the one chosen above)." in html


def test_new_event_timezone_is_the_organisations(organiser_client, organiser):
    organiser.timezone = "America/Bogota"
    organiser.save()

    page = organiser_client.get(reverse("admin:events_event_add"))

    form = page.context["adminform"].form
    assert (form.initial["timezone"], form.initial["organiser"]) == ("America/Bogota", organiser.pk)


def test_opens_on_in_event_timezone_with_its_name(client, event):
    Event.objects.filter(pk=event.pk).update(
        starts_at=madrid(2030, 10, 6, 10, 0),
        ends_at=madrid(2030, 10, 6, 12, 30),
        registration_opens_at=madrid(2030, 9, 1, 9, 0),
    )

    page = client.get(reverse("events:detail", args=[event.slug]))

    assert page.context["availability"]["message"] == (
        "Registration is not open yet. It opens on 1 September 2030, 09:00 Spanish time (CEST)."
    )


def test_registration_list_times_in_organisers_timezone(organiser_client, event):
    event.organiser.timezone = "America/New_York"
    event.organiser.save()
    registration = RegistrationFactory(event=event)
    Registration.objects.filter(pk=registration.pk).update(
        created_at=datetime(2030, 1, 15, 15, 30, tzinfo=UTC)
    )

    page = organiser_client.get(reverse("admin:registrations_registration_changelist"))

    assert '<td class="field-registered">15 January 2030, 10:30</td>' in page.content.decode()


def over_capacity(event):
    """``event`` with 3 confirmed places for a capacity of 2, as after a walk-in."""
    RegistrationFactory.create_batch(3, event=event)
    Event.objects.filter(pk=event.pk).update(
        capacity=2, starts_at=madrid(2030, 10, 6, 10, 0), ends_at=madrid(2030, 10, 6, 12, 30)
    )
    event.refresh_from_db()
    return event


def test_admin_event_over_capacity_takes_other_changes(organiser_client, event):
    over_capacity(event)
    question = QuestionFactory(event=event, label="Dietary needs")
    url = reverse("admin:events_event_change", args=[event.pk])
    data = event_change_data(organiser_client, event, title="Open Government and AI, day 2")
    data["questions-0-DELETE"] = "on"

    response = organiser_client.post(url, data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.capacity) == ("Open Government and AI, day 2", 2)
    assert Question.objects.current().filter(pk=question.pk).exists() is False


def test_admin_capacity_lowered_below_confirmed_refused_when_over_capacity(organiser_client, event):
    over_capacity(event)
    url = reverse("admin:events_event_change", args=[event.pk])

    response = organiser_client.post(url, event_change_data(organiser_client, event, capacity="1"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "capacity": [
            "3 people already hold a place. Nobody loses a confirmed place by a change of "
            "capacity: cancel registrations first to have fewer places."
        ]
    }
    event.refresh_from_db()
    assert event.capacity == 2


def test_change_event_counts_confirmed_places_under_the_lock(event):
    # The form saw 20 places free; meanwhile 3 people registered.
    RegistrationFactory.create_batch(3, event=event)
    event.capacity = 2

    with pytest.raises(services.RegistrationRefused) as refused:
        services.change_event(event=event, changed_fields=["capacity"])

    assert refused.value.code == "capacity_below_confirmed"
    assert Event.objects.get(pk=event.pk).capacity == 20


def many_registrations(event, count):
    Registration.objects.bulk_create(
        RegistrationFactory.build(event=event, email=f"person{number}@example.org")
        for number in range(count)
    )


def test_admin_event_of_5000_registrations_opens_and_saves(organiser_client, event):
    Event.objects.filter(pk=event.pk).update(
        capacity=None, starts_at=madrid(2030, 10, 6, 10, 0), ends_at=madrid(2030, 10, 6, 12, 30)
    )
    event.refresh_from_db()
    many_registrations(event, 5000)
    url = reverse("admin:events_event_change", args=[event.pk])

    page = organiser_client.get(url)
    html = page.content.decode()
    response = organiser_client.post(url, event_change_data(organiser_client, event, title="Big"))

    assert html.count('<tr><td><a href="/admin/registrations/registration/') == 20
    assert (
        f'<a href="/admin/registrations/registration/?event__id__exact={event.pk}">'
        "See all 5000 registrations in the registrations list</a>"
    ) in html
    assert "registrations-TOTAL_FORMS" not in html
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Big"


@pytest.fixture
def workshop(event):
    """The event on 6 October 2030, 10:00–12:30 in Madrid, with two people registered."""
    Event.objects.filter(pk=event.pk).update(
        starts_at=madrid(2030, 10, 6, 10, 0), ends_at=madrid(2030, 10, 6, 12, 30)
    )
    event.refresh_from_db()
    RegistrationFactory(event=event, name="Ada", email="ada@example.org")
    RegistrationFactory(event=event, name="Grace", email="grace@example.org")
    return event


def change_url(event):
    return reverse("admin:events_event_change", args=[event.pk])


def test_admin_time_change_asks_before_saving(organiser_client, workshop):
    data = event_change_data(organiser_client, workshop, starts_at_1="11:00")

    page = organiser_client.post(change_url(workshop), data)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Tell the 2 attendees?" in html
    assert (
        "Time: 10:00–12:30 Spanish time (CEST) → <strong>11:00–12:30 Spanish time (CEST)</strong>"
        in html
    )
    assert page.context["subject"] == "Changed: Open Government and AI"
    assert (
        "Time: 10:00–12:30 Spanish time (CEST) → 11:00–12:30 Spanish time (CEST)"
        in (page.context["preview"])
    )
    workshop.refresh_from_db()
    assert workshop.starts_at == madrid(2030, 10, 6, 10, 0)
    assert OutboundEmail.objects.count() == 0


# The worker ends the test's transaction on PostgreSQL: each test commits its own.
@pytest.mark.django_db(transaction=True)
def test_admin_time_and_place_change_told_with_old_and_new(
    organiser_client, workshop, run_worker, mailoutbox
):
    data = event_change_data(
        organiser_client,
        workshop,
        starts_at_0="2030-10-07",
        starts_at_1="11:00",
        ends_at_0="2030-10-07",
        venue_name="Hotel Ercilla",
        _tell_attendees="1",
    )

    response = organiser_client.post(change_url(workshop), data, follow=True)
    # Stored by the worker, not by the save that held the event's lock.
    stored_by_the_save = OutboundEmail.objects.count()
    run_worker()

    assert "2 registered people will be told about the change." in response.content.decode()
    assert stored_by_the_save == 0
    assert sorted(message.to[0] for message in mailoutbox) == [
        "Ada <ada@example.org>",
        "Grace <grace@example.org>",
    ]
    body = mailoutbox[0].body
    assert "Date: 6 October 2030 → 7 October 2030" in body
    assert "Time: 10:00–12:30 Spanish time (CEST) → 11:00–12:30 Spanish time (CEST)" in body
    assert "Place: NH Canciller Ayala Vitoria → Hotel Ercilla" in body


# The worker ends the test's transaction on PostgreSQL: each test commits its own.
@pytest.mark.django_db(transaction=True)
def test_admin_change_saved_without_telling(organiser_client, workshop, run_worker, mailoutbox):
    data = event_change_data(
        organiser_client, workshop, map_url="https://maps.example.org/x", _dont_tell_attendees="1"
    )

    response = organiser_client.post(change_url(workshop), data)
    run_worker()

    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.map_url == "https://maps.example.org/x"
    assert mailoutbox == []


def test_admin_cancellation_asks_for_a_reason(organiser_client, workshop):
    data = event_change_data(
        organiser_client, workshop, status=Event.Status.CANCELLED, _tell_attendees="1"
    )

    page = organiser_client.post(change_url(workshop), data)

    assert page.status_code == 200
    assert "Say why the event is cancelled: the email tells the attendees." in (
        page.content.decode()
    )
    workshop.refresh_from_db()
    assert workshop.status == Event.Status.PUBLISHED


# The worker ends the test's transaction on PostgreSQL: each test commits its own.
@pytest.mark.django_db(transaction=True)
def test_admin_cancellation_email_carries_the_reason(
    organiser_client, workshop, run_worker, mailoutbox
):
    data = event_change_data(
        organiser_client,
        workshop,
        status=Event.Status.CANCELLED,
        _tell_attendees="1",
        cancel_reason="The speaker is ill.",
    )

    organiser_client.post(change_url(workshop), data)
    run_worker()

    assert [message.subject for message in mailoutbox] == ["Cancelled: Open Government and AI"] * 2
    assert "Why:\n\nThe speaker is ill." in mailoutbox[0].body
