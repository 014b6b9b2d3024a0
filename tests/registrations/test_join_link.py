"""The join link of an online or hybrid event reaches confirmed attendees and nobody else."""

from datetime import timedelta

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations import services
from registrations.models import OutboundEmail, Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

JOIN = "https://zoom.example/j/9876543210?pwd=only-for-attendees"


@pytest.fixture
def hybrid(organiser):
    """A hybrid event with one place, taken by Ada; Grace waits for one."""
    event = EventFactory(
        organiser=organiser,
        title="Data and democracy",
        slug="data-and-democracy",
        attendance_mode=Event.AttendanceMode.HYBRID,
        join_url=JOIN,
        capacity=1,
    )
    RegistrationFactory(event=event, email="ada@example.org")
    RegistrationFactory(
        event=event, email="grace@example.org", status=Registration.Status.WAITLISTED
    )
    return event


def public_outputs(event) -> dict[str, str]:
    """Everything anyone can read about the event without a personal link."""
    anonymous = Client()
    addresses = {
        "event page": event.get_absolute_url(),
        "event list": reverse("events:list"),
        "status.json": reverse("events:status", args=[event.slug]),
        "register form": reverse("registrations:register", args=[event.slug]),
        "event .ics": reverse("events:ics", args=[event.slug]),
        "events.ics": reverse("events_ics"),
        "rss": reverse("events:feed_rss"),
        "atom": reverse("events:feed_atom"),
        "events.json": reverse("events_json"),
    }
    outputs = {}
    for name, address in addresses.items():
        response = anonymous.get(address)
        assert response.status_code == 200, name
        outputs[name] = response.content.decode()
    return outputs


def test_join_link_in_no_public_output(hybrid):
    outputs = public_outputs(hybrid)

    assert {name: "zoom.example" in text for name, text in outputs.items()} == dict.fromkeys(
        outputs, False
    )
    # The outputs are the event's: a test that found nothing for want of the event proves little.
    assert {name: "Data and democracy" in text for name, text in outputs.items()} == dict.fromkeys(
        outputs, True
    )


def test_join_link_absent_from_organisers_preview_of_event_page(organiser_client, hybrid):
    page = organiser_client.get(hybrid.get_absolute_url())

    assert "zoom.example" not in page.content.decode()


def test_confirmed_attendee_sees_join_link_on_personal_pages(client, hybrid):
    ada = hybrid.registrations.get(email="ada@example.org")

    personal = client.get(ada.personal_path).content.decode()
    done = client.get(reverse("registrations:done", args=[ada.token])).content.decode()

    link = f'<a class="join-link" href="{JOIN}" rel="noopener noreferrer">{JOIN}</a>'
    assert (link in personal, link in done) == (True, True)


def test_waitlisted_attendee_sees_no_join_link(client, hybrid):
    grace = hybrid.registrations.get(email="grace@example.org")

    personal = client.get(grace.personal_path).content.decode()
    done = client.get(reverse("registrations:done", args=[grace.token])).content.decode()

    assert ("zoom.example" in personal, "zoom.example" in done) == (False, False)


def test_cancelled_attendee_sees_no_join_link(client, hybrid):
    ada = hybrid.registrations.get(email="ada@example.org")
    services.cancel(registration=ada, reason="Cannot come")

    personal = client.get(ada.personal_path).content.decode()

    assert "zoom.example" not in personal


def test_attendee_with_held_place_sees_no_join_link(client, hybrid):
    held = RegistrationFactory(
        event=hybrid, email="held@example.org", hold_expires_at=timezone.now() + timedelta(hours=1)
    )

    personal = client.get(held.personal_path).content.decode()

    assert "zoom.example" not in personal


def test_join_link_only_for_confirmed_place_at_online_event_going_ahead(hybrid):
    ada = hybrid.registrations.get(email="ada@example.org")
    grace = hybrid.registrations.get(email="grace@example.org")
    in_person = RegistrationFactory(event=EventFactory(join_url=JOIN))
    cancelled_event = RegistrationFactory(
        event=EventFactory(attendance_mode="online", join_url=JOIN, status=Event.Status.CANCELLED)
    )

    assert [ada.join_url, grace.join_url, in_person.join_url, cancelled_event.join_url] == [
        JOIN,
        "",
        "",
        "",
    ]


# Emails: the worker writes and sends them as in production, committing as it goes.


def invitation(message) -> icalendar.Event:
    (filename, content, mimetype) = message.attachments[0]
    assert filename == "invite.ics"
    return icalendar.Calendar.from_ical(content).walk("VEVENT")[0]


@pytest.fixture
def online(organiser, settings):
    settings.SITE_URL = "https://events.example.org"
    return EventFactory(
        organiser=organiser,
        title="Webinar on open data",
        slug="webinar",
        attendance_mode=Event.AttendanceMode.ONLINE,
        venue_name="",
        join_url=JOIN,
        capacity=1,
    )


@pytest.mark.django_db(transaction=True)
def test_confirmation_email_and_invitation_hold_join_link(online, run_worker, mailoutbox):
    services.register(event=online, name="Ada Lovelace", email="ada@example.org")
    run_worker()

    (message,) = mailoutbox
    vevent = invitation(message)
    assert "Attendance: Online\n" in message.body
    assert f"Join online: {JOIN}\n" in message.body
    assert (str(vevent["url"]), str(vevent["location"])) == (JOIN, JOIN)
    assert str(vevent["description"]) == (
        f"A short summary.\n\nJoin online: {JOIN}\n\nhttps://events.example.org/events/webinar/"
    )


@pytest.mark.django_db(transaction=True)
def test_hybrid_invitation_gives_venue_and_join_link(hybrid, run_worker, mailoutbox, settings):
    settings.SITE_URL = "https://events.example.org"
    hybrid.capacity = 2
    hybrid.save()
    services.register(event=hybrid, name="Mary Somerville", email="mary@example.org")
    run_worker()

    (message,) = mailoutbox
    vevent = invitation(message)
    assert "Attendance: Hybrid: in person or online\n" in message.body
    assert str(vevent["location"]) == f"NH Canciller Ayala Vitoria · {JOIN}"


@pytest.mark.django_db(transaction=True)
def test_waitlisted_and_held_people_get_no_join_link_by_email(online, run_worker, mailoutbox):
    services.register(event=online, name="Ada Lovelace", email="ada@example.org")
    services.register(event=online, name="Grace Hopper", email="grace@example.org")
    online.confirm_email_addresses = True
    online.capacity = 3
    online.save()
    services.register(event=online, name="Mary Somerville", email="mary@example.org")
    run_worker()

    received = {message.to[0]: JOIN in message.body for message in mailoutbox}
    assert received == {
        "Ada Lovelace <ada@example.org>": True,
        "Grace Hopper <grace@example.org>": False,
        "Mary Somerville <mary@example.org>": False,
    }


@pytest.mark.django_db(transaction=True)
def test_cancelled_attendee_email_and_calendar_cancellation_lack_join_link(
    online, run_worker, mailoutbox
):
    ada = services.register(event=online, name="Ada Lovelace", email="ada@example.org")
    run_worker()
    mailoutbox.clear()

    services.cancel(registration=ada, reason="Cannot come")
    run_worker()

    (message,) = mailoutbox
    assert message.subject == "Your registration is cancelled: Webinar on open data"
    assert "zoom.example" not in message.body + message.attachments[0][1]


@pytest.mark.django_db(transaction=True)
def test_reminder_holds_join_link(online, run_worker, mailoutbox, settings):
    settings.REMINDER_HOURS_BEFORE = 24
    online.starts_at = timezone.now() + timedelta(hours=20)
    online.ends_at = online.starts_at + timedelta(hours=1)
    online.save()
    ada = RegistrationFactory(event=online, email="ada@example.org")
    Registration.objects.filter(pk=ada.pk).update(created_at=timezone.now() - timedelta(days=3))

    services.queue_reminders()
    run_worker()

    (message,) = mailoutbox
    assert message.subject.startswith("Reminder: Webinar on open data")
    assert f"Join online: {JOIN}\n" in message.body


@pytest.mark.django_db(transaction=True)
def test_new_join_link_told_to_confirmed_attendees_only(hybrid, run_worker, mailoutbox):
    hybrid.join_url = "https://zoom.example/j/new"
    hybrid.save()

    services.change_event(event=hybrid, changed_fields=["join_url"])
    run_worker()

    stored = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.EVENT_CHANGED)
    assert {
        email.recipient: "https://zoom.example/j/new" in email.body_text + email.calendar
        for email in stored
    } == {"ada@example.org": True, "grace@example.org": False}
