"""Emails with what matters: what the attendee told us, the door's code, where and when, their
place on the waiting list, their page as a button, and no offer to cancel what cannot be."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registrations import emails, services
from registrations.models import OutboundEmail
from tests.factories import EventFactory, QuestionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def body(mailoutbox, index=-1) -> str:
    return mailoutbox[index].body


def test_confirmation_echoes_answers_and_needs_passed_to_organisers(event, run_worker, mailoutbox):
    question = QuestionFactory(event=event, label="Which session?")
    services.register(
        event=event,
        name="Ada Lovelace",
        email="ada@example.org",
        organisation="Analytical Engines",
        access_needs="Step-free access",
        dietary_requirements="Vegan",
        answers={question: "Morning\nAfternoon"},
    )
    run_worker()

    assert (
        "What you told us\n"
        "Organisation: Analytical Engines\n"
        "Access needs: Step-free access\n"
        "Dietary requirements: Vegan\n"
        "Which session?: Morning\n"
        "Afternoon\n"
        "\n"
        "We have passed your access needs and dietary requirements to the organisers.\n"
        "\n"
        "You can change any of this on your personal page.\n"
    ) in body(mailoutbox)


def test_confirmation_without_details_has_no_echo(event, run_worker, mailoutbox):
    services.register(event=event, name="Ada Lovelace", email="ada@example.org")
    run_worker()

    assert "What you told us" not in body(mailoutbox)


def test_confirmation_personal_page_is_a_button(event, run_worker, mailoutbox):
    registration = services.register(event=event, name="Ada", email="ada@example.org")
    run_worker()

    html = mailoutbox[0].alternatives[0][0]
    link = f"http://localhost:8000/registration/{registration.token}/"
    assert f'<a class="button" href="{link}">Open your personal page</a>' in html
    assert f">{link}<" not in html


def test_confirmation_carries_the_door_code(event, run_worker, mailoutbox):
    services.register(event=event, name="Ada", email="ada@example.org")
    run_worker()

    html = mailoutbox[0].alternatives[0][0]
    assert '<img src="cid:checkin-code" alt="Check-in code" width="180" height="180">' in html
    image = mailoutbox[0].attachments[-1]
    assert image.get_content_type() == "image/png"
    assert image["Content-ID"] == "<checkin-code>"


def test_waitlisted_email_gives_the_position(run_worker, mailoutbox):
    event = EventFactory(capacity=1)
    services.register(event=event, name="Ada", email="ada@example.org")
    services.register(event=event, name="Grace", email="grace@example.org")
    services.register(event=event, name="Mary", email="mary@example.org")
    run_worker()

    waiting = sorted(
        (m for m in mailoutbox if m.subject.startswith("You are on the waiting list")),
        key=lambda m: m.to,
    )
    assert ["You are number 1 on the waiting list." in m.body for m in waiting] == [True, False]
    assert ["You are number 2 on the waiting list." in m.body for m in waiting] == [False, True]
    assert "leave the waiting list" in waiting[0].body
    assert "cancel your place" not in waiting[0].body


def test_cancellation_email_offers_no_cancelling(event, run_worker, mailoutbox):
    registration = services.register(event=event, name="Ada", email="ada@example.org")
    services.cancel(registration=registration, reason="")
    run_worker()

    cancelled = next(m for m in mailoutbox if m.subject.startswith("Your registration is cancel"))
    assert "cancel your place" not in cancelled.body
    assert (
        "On your personal page you can see your registration or delete your data."
    ) in cancelled.body


def test_message_after_the_event_offers_no_cancelling(event, organiser_user, mailoutbox):
    registration = services.register(event=event, name="Ada", email="ada@example.org")
    event.starts_at = timezone.now() - timedelta(days=2)
    event.ends_at = timezone.now() - timedelta(days=1)
    event.save()

    _, [message] = emails.queue_organiser_message(
        event=event,
        subject="Thank you",
        body="Slides attached.",
        include_waitlisted=False,
        sent_by=organiser_user,
    )

    assert message.registration == registration
    assert "cancel your place" not in message.body_text
    assert "cid:checkin-code" not in message.body_html
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.MESSAGE).count() == 1
