"""Stored emails hold no working personal link: it is written in only when the email is sent."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Membership
from registrations import services
from registrations.models import LinkRequest, OutboundEmail, Registration
from tests.factories import EventFactory, MembershipFactory, RegistrationFactory

# The worker runs as in production, committing as it goes.
pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://events.example.org"


def link(registration):
    return f"{SITE}/registration/{registration.token}/"


def stored_text(email):
    return email.body_text + email.body_html + email.calendar


def email_of_every_kind(client, event):
    """One email of each kind, to Ada and Grace; returns who may see which link."""
    Event.objects.filter(pk=event.pk).update(capacity=1)
    ada = services.register(event=event, name="Ada Lovelace", email="ada@example.org")
    grace = services.register(event=event, name="Grace Hopper", email="grace@example.org")
    services.cancel(registration=ada)  # cancelled, and Grace promoted
    event.refresh_from_db()
    event.venue_name = "Another hotel"
    event.save()
    services.change_event(event=event, changed_fields=["venue_name"])
    services.send_organiser_message(
        event=event, subject="Room", body="Room 2.", include_waitlisted=False, sent_by=None
    )
    cancelled_event = EventFactory(title="Cancelled later")
    in_cancelled = services.register(event=cancelled_event, name="Ada", email="ada@example.org")
    cancelled_event.status = Event.Status.CANCELLED
    cancelled_event.save()
    services.change_event(event=cancelled_event, changed_fields=["status"])
    soon = EventFactory(title="Tomorrow", starts_at=timezone.now() + timedelta(hours=12))
    tomorrow = RegistrationFactory(event=soon, name="Ada", email="ada@example.org")
    Registration.objects.filter(pk=tomorrow.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    services.queue_reminders()
    client.post(reverse("registrations:lost_link"), {"email": "ADA@example.org"})
    confirming = EventFactory(title="Confirm first", confirm_email_addresses=True)
    hedy = services.register(event=confirming, name="Hedy Lamarr", email="hedy@example.org")
    register_url = reverse("registrations:register", args=[confirming.slug])
    form = {"name": "Hedy Lamarr", "email": "hedy@example.org", "privacy_consent": "on"}
    client.post(register_url, form)  # registered already: her link is emailed to her
    return {
        "ada": ada,
        "grace": grace,
        "in_cancelled": in_cancelled,
        "tomorrow": tomorrow,
        "hedy": hedy,
    }


def test_stored_emails_of_every_kind_hold_no_personal_link_while_sent_ones_do(
    client, event, run_worker, mailoutbox, settings
):
    settings.SITE_URL = SITE
    people = email_of_every_kind(client, event)
    tokens = [registration.token for registration in people.values()]

    run_worker()

    stored = list(OutboundEmail.objects.order_by("pk"))
    assert {email.kind for email in stored} == set(OutboundEmail.Kind.values)
    assert {email.status for email in stored} == {OutboundEmail.Delivery.SENT}
    assert [email.pk for email in stored if any(t in stored_text(email) for t in tokens)] == []
    sent = {message.extra_headers["Message-ID"]: message for message in mailoutbox}
    assert len(sent) == len(stored)
    for email in stored:
        message = sent[email.message_id]
        html = message.alternatives[0][0]
        if email.kind == OutboundEmail.Kind.PERSONAL_LINKS:
            expected = [people["in_cancelled"], people["tomorrow"]]
        else:
            expected = [email.registration]
        # The address is confirmed through a link of its own, on the same secret.
        suffix = "confirm/" if email.kind == OutboundEmail.Kind.CONFIRM_ADDRESS else ""
        for registration in expected:
            assert link(registration) + suffix in message.body, email.kind
            assert f'href="{link(registration)}{suffix}"' in html, email.kind
        others = [t for t in tokens if t not in {r.token for r in expected}]
        assert [t for t in others if t in message.body + html] == [], email.kind


def test_email_page_in_the_admin_shows_no_personal_link(client, event, run_worker):
    registration = services.register(event=event, name="Ada Lovelace", email="ada@example.org")
    run_worker()
    viewer = MembershipFactory(organiser=event.organiser, role=Membership.Role.VIEWER).user
    client.force_login(viewer)
    email = OutboundEmail.objects.get()

    page = client.get(reverse("admin:registrations_outboundemail_change", args=[email.pk]))

    assert page.status_code == 200
    assert "Open your personal page" in page.content.decode()
    assert registration.token not in page.content.decode()


def test_personal_links_email_lists_its_registrations_and_stores_no_link(
    client, event, run_worker, mailoutbox, settings
):
    settings.SITE_URL = SITE
    registration = services.register(event=event, name="Ada", email="ada@example.org")
    run_worker()
    mailoutbox.clear()
    client.post(reverse("registrations:lost_link"), {"email": "ada@example.org"})
    run_worker()

    (message,) = mailoutbox
    email = OutboundEmail.objects.get(kind="personal_links")
    assert list(email.listed_registrations.all()) == [registration]
    assert link(registration) in message.body
    assert registration.token not in stored_text(email)


def test_organiser_message_cannot_write_in_another_attendees_link(
    event, run_worker, mailoutbox, settings
):
    settings.SITE_URL = SITE
    ada = RegistrationFactory(event=event, name="Ada", email="ada@example.org")
    grace = RegistrationFactory(event=event, name="Grace", email="grace@example.org")
    body = f"Grace's link: {grace.personal_link_placeholder}"

    services.send_organiser_message(
        event=event, subject="Hello", body=body, include_waitlisted=False, sent_by=None
    )
    run_worker()

    to_ada = next(m for m in mailoutbox if m.to == ["Ada <ada@example.org>"])
    assert link(ada) in to_ada.body
    assert grace.token not in to_ada.body + to_ada.alternatives[0][0]


def test_emails_stored_with_links_before_get_placeholders(event, run_worker, mailoutbox, settings):
    """Emails stored before links were written in at sending time, converted by a migration."""
    settings.SITE_URL = SITE
    migration = importlib.import_module(
        "registrations.migrations.0005_stored_emails_without_personal_links"
    )
    ada = RegistrationFactory(event=event, name="Ada", email="ada@example.org")
    later = RegistrationFactory(event=EventFactory(), name="Ada", email="ada@example.org")
    gone = f"{SITE}/registration/{'x' * 43}/"
    body = f"Your links:\n{link(ada)}\n{link(later)}\n{gone}\n"
    OutboundEmail.objects.create(
        kind=OutboundEmail.Kind.PERSONAL_LINKS,
        key="personal_links:old",
        recipient="ada@example.org",
        subject="Your registration links",
        body_text=body,
        body_html=f'<a href="{link(ada)}">{link(ada)}</a>',
        message_id="<old@events.example.org>",
    )

    migration.links_to_placeholders(apps, None)

    email = OutboundEmail.objects.get()
    assert email.body_text == (
        f"Your links:\n{ada.personal_link_placeholder}\n{later.personal_link_placeholder}\n\n"
    )
    assert email.body_html == (
        f'<a href="{ada.personal_link_placeholder}">{ada.personal_link_placeholder}</a>'
    )
    assert set(email.listed_registrations.all()) == {ada, later}
    assert email.bodies_to_send()[0] == f"Your links:\n{link(ada)}\n{link(later)}\n\n"


def test_lost_link_sent_at_once_without_worker(client, event, mailoutbox, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = SITE
    registration = RegistrationFactory(event=event, name="Ada", email="ada@example.org")

    client.post(reverse("registrations:lost_link"), {"email": "ada@example.org"})

    (message,) = mailoutbox
    assert link(registration) in message.body
    assert registration.token not in stored_text(OutboundEmail.objects.get())
    assert LinkRequest.objects.count() == 0


def test_message_preview_shows_organisers_no_attendees_link(organiser_client, event):
    registration = RegistrationFactory(event=event, name="Ada", email="ada@example.org")

    response = organiser_client.post(
        f"/admin/events/event/{event.pk}/message/", {"subject": "Room", "body": "Room 2."}
    )

    assert response.status_code == 200
    assert "(their personal link)" in response.context["preview"]["text"]
    assert registration.token not in response.content.decode()
