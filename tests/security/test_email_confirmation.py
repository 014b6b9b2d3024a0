"""Events that confirm email addresses: a registration only holds its place until the
attendee confirms their address through the emailed link, and the register form tells
nobody whether an address is registered."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations import emails, services
from registrations.models import Answer, OutboundEmail, Registration
from tests.admin_forms import event_change_data
from tests.factories import EventFactory, QuestionFactory, RegistrationFactory

# The worker runs as in production, committing as it goes.
pytestmark = pytest.mark.django_db(transaction=True)

Kind = OutboundEmail.Kind
Status = Registration.Status


@pytest.fixture
def confirming(organiser):
    """An event that confirms email addresses, with two places."""
    return EventFactory(
        organiser=organiser,
        title="Open Government and AI",
        slug="open-government-and-ai",
        capacity=2,
        confirm_email_addresses=True,
    )


def form_data(**changes):
    return {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "organisation": "Analytical Engines",
        "privacy_consent": "on",
        "submission_key": "key-1",
        **changes,
    }


def register_url(event):
    return reverse("registrations:register", args=[event.slug])


def check_email_url(event):
    return f"/events/{event.slug}/register/check-email/"


def held(event, *, minutes=30, status=Status.CONFIRMED, **fields):
    """A registration holding a place until ``minutes`` from now (negative: expired)."""
    return RegistrationFactory(
        event=event,
        status=status,
        hold_expires_at=timezone.now() + timedelta(minutes=minutes),
        **fields,
    )


def release_unconfirmed() -> str:
    out = StringIO()
    call_command("release_unconfirmed", stdout=out)
    return out.getvalue().strip()


def kinds_sent(mailoutbox):
    return sorted((message.to[0], message.subject) for message in mailoutbox)


# Registering


def test_confirmation_off_by_default():
    assert Event._meta.get_field("confirm_email_addresses").default is False
    assert EventFactory().confirm_email_addresses is False


def test_register_holds_place_and_shows_check_email_page_without_token(client, confirming):
    response = client.post(register_url(confirming), form_data())

    registration = Registration.objects.get()
    assert (response.status_code, response["Location"]) == (302, check_email_url(confirming))
    assert registration.token not in response["Location"]
    assert registration.status == Status.CONFIRMED
    assert registration.email_confirmed_at is None
    expected = registration.privacy_consent_at + timedelta(minutes=30)
    assert registration.hold_expires_at == expected
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Check your email" in html
    assert "within 30 minutes" in html
    # The address is the one this visitor typed, carried in a message, not in the page's address.
    assert "We sent the email to ada@example.org. If that is not your address" in html
    assert "ada@example.org" not in response["Location"]
    assert registration.token not in html


def test_register_hold_time_from_setting(client, confirming, settings):
    settings.UNCONFIRMED_HOLD_MINUTES = 10

    client.post(register_url(confirming), form_data())

    registration = Registration.objects.get()
    expected = registration.privacy_consent_at + timedelta(minutes=10)
    assert registration.hold_expires_at == expected


def test_register_without_confirmation_shows_personal_link_as_before(client, event):
    response = client.post(register_url(event), form_data())

    registration = Registration.objects.get()
    assert response["Location"] == reverse("registrations:done", args=[registration.token])
    assert (registration.hold_expires_at, registration.email_confirmed_at) == (None, None)


def test_register_form_says_the_address_will_be_confirmed(client, confirming, event):
    said = "We will email you a link to confirm your address"

    assert said in client.get(register_url(confirming)).content.decode()
    assert said not in client.get(register_url(event)).content.decode()


def test_held_place_emails_only_the_confirm_link(client, confirming, run_worker, mailoutbox):
    client.post(register_url(confirming), form_data())
    run_worker()

    registration = Registration.objects.get()
    (message,) = mailoutbox
    confirm_link = f"http://localhost:8000{registration.confirm_path}"
    assert message.to == ["Ada Lovelace <ada@example.org>"]
    assert message.subject == "Please confirm your registration: Open Government and AI"
    assert confirm_link in message.body
    assert "To keep it, confirm your email address by" in message.body
    assert re.findall(r"\S+/registration/\S+", message.body) == [confirm_link]
    assert message.attachments == []
    assert f'href="{confirm_link}"' in message.alternatives[0][0]


def test_full_event_holds_place_on_waiting_list(client, confirming, run_worker, mailoutbox):
    RegistrationFactory.create_batch(2, event=confirming)

    client.post(register_url(confirming), form_data())
    run_worker()

    registration = Registration.objects.get(email="ada@example.org")
    assert (registration.status, registration.is_on_hold) == (Status.WAITLISTED, True)
    (message,) = mailoutbox
    assert "The event is full, so this is a place on its waiting list." in message.body


def test_held_places_count_like_any_other(confirming):
    held(confirming)
    held(confirming)

    registration = services.register(event=confirming, name="Ada", email="ada@example.org")

    assert registration.status == Status.WAITLISTED


def test_walk_in_of_event_confirming_addresses_is_not_held(confirming):
    registration = services.register_walk_in(
        event=confirming, name="Grace Hopper", email="grace@navy.example"
    )

    assert (registration.status, registration.is_on_hold) == (Status.CONFIRMED, False)


# Confirming


def test_confirm_page_asks_with_a_button(client, confirming):
    registration = held(confirming)

    response = client.get(registration.confirm_path)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<form method="post" action="{registration.confirm_path}">' in html
    assert "Confirm my email address" in html
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert response["Referrer-Policy"] == "strict-origin"
    registration.refresh_from_db()
    assert registration.is_on_hold


def test_confirm_keeps_place_and_sends_usual_confirmation(
    client, confirming, run_worker, mailoutbox
):
    client.post(register_url(confirming), form_data())
    run_worker()
    registration = Registration.objects.get()

    before = timezone.now()
    response = client.post(registration.confirm_path, follow=True)
    after = timezone.now()
    run_worker()

    registration.refresh_from_db()
    assert response.redirect_chain == [(registration.personal_path, 302)]
    assert "Thank you: your email address is confirmed." in response.content.decode()
    assert "Your place is confirmed." in response.content.decode()
    assert registration.hold_expires_at is None
    assert before <= registration.email_confirmed_at <= after
    assert registration.status == Status.CONFIRMED
    confirmation = mailoutbox[1]
    assert confirmation.subject == "Your place is confirmed: Open Government and AI"
    assert registration.personal_path in confirmation.body
    assert confirmation.attachments[0][0] == "invite.ics"


def test_confirm_twice_sends_one_confirmation(client, confirming, run_worker, mailoutbox):
    registration = held(confirming)

    first = client.post(registration.confirm_path)
    second = client.post(registration.confirm_path)
    run_worker()

    assert first["Location"] == second["Location"] == registration.personal_path
    assert [message.subject for message in mailoutbox] == [
        "Your place is confirmed: Open Government and AI"
    ]


def test_confirm_after_hold_expired_refused_with_way_to_register_again(client, confirming):
    registration = held(confirming, minutes=-1)

    response = client.post(registration.confirm_path)

    html = response.content.decode()
    assert response.status_code == 410
    assert "This registration was not confirmed in time, so its place was given up." in html
    assert f'href="{register_url(confirming)}"' in html
    registration.refresh_from_db()
    assert registration.email_confirmed_at is None


def test_confirm_link_of_released_registration_not_found(client, confirming):
    registration = held(confirming, minutes=-1)
    release_unconfirmed()

    assert client.get(registration.confirm_path).status_code == 404


def test_confirm_link_of_confirmed_registration_leads_to_personal_page(client, event):
    registration = RegistrationFactory(event=event)

    response = client.get(registration.confirm_path)

    assert (response.status_code, response["Location"]) == (302, registration.personal_path)


def test_personal_page_of_held_place_offers_to_confirm(client, confirming):
    registration = held(confirming)

    html = client.get(registration.personal_path).content.decode()

    assert "Your email address is not confirmed yet" in html
    assert f'<form method="post" action="{registration.confirm_path}" class="mb-0">' in html


# Expiry


def test_release_command_deletes_expired_holds_and_promotes_waiting_list(
    confirming, run_worker, mailoutbox
):
    question = QuestionFactory(event=confirming)
    expired = held(confirming, minutes=-1)
    Answer.objects.create(registration=expired, question=question, value="x")
    emails.queue_registration_email(expired)
    RegistrationFactory(event=confirming, email="kept@example.org")
    first_waiting = RegistrationFactory(
        event=confirming, status=Status.WAITLISTED, name="First", email="first@example.org"
    )
    second_waiting = held(confirming, status=Status.WAITLISTED, email="second@example.org")

    output = release_unconfirmed()
    run_worker()

    assert output == (
        "1 unconfirmed registration(s) released (held 30 minutes); "
        "1 moved up from the waiting list."
    )
    assert not Registration.objects.filter(pk=expired.pk).exists()
    assert not Answer.objects.exists()
    assert not OutboundEmail.objects.filter(recipient=expired.email).exists()
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == Status.CONFIRMED
    assert (second_waiting.status, second_waiting.is_on_hold) == (Status.WAITLISTED, True)
    assert kinds_sent(mailoutbox) == [
        ("First <first@example.org>", "A place is now yours: Open Government and AI"),
    ]


def test_release_command_twice_releases_once(confirming):
    held(confirming, minutes=-1)
    held(confirming, minutes=5)

    first = release_unconfirmed()
    second = release_unconfirmed()

    assert first.startswith("1 unconfirmed registration(s) released")
    assert second.startswith("0 unconfirmed registration(s) released")
    assert Registration.objects.count() == 1


def test_registering_releases_expired_holds_under_the_lock(confirming):
    held(confirming, minutes=-1)
    held(confirming, minutes=-1)

    registration = services.register(event=confirming, name="Ada", email="ada@example.org")

    assert registration.status == Status.CONFIRMED
    assert list(Registration.objects.values_list("email", flat=True)) == ["ada@example.org"]


def test_registering_when_full_still_releases_expired_holds(organiser):
    event = EventFactory(
        organiser=organiser, capacity=1, waitlist_enabled=False, confirm_email_addresses=True
    )
    expired = held(event, minutes=-1)
    RegistrationFactory(event=event, status=Status.WAITLISTED)  # moves up into the place

    with pytest.raises(services.RegistrationRefused):
        services.register(event=event, name="Ada", email="ada@example.org")

    assert not Registration.objects.filter(pk=expired.pk).exists()
    assert list(Registration.objects.values_list("status", flat=True)) == [Status.CONFIRMED]


def test_expired_hold_of_an_address_does_not_stop_it_registering_again(client, confirming):
    held(confirming, minutes=-1, email="ada@example.org")

    response = client.post(register_url(confirming), form_data())

    registration = Registration.objects.get()
    assert response["Location"] == check_email_url(confirming)
    assert registration.hold_expires_at > timezone.now()


def test_walk_in_releases_expired_holds(organiser):
    event = EventFactory(organiser=organiser, capacity=1, confirm_email_addresses=True)
    held(event, minutes=-1)

    registration = services.register_walk_in(event=event, name="Grace", email="grace@navy.example")

    assert list(Registration.objects.all()) == [registration]


def test_hold_moved_up_is_told_once_confirmed(confirming, run_worker, mailoutbox):
    leaving = RegistrationFactory(event=confirming)
    RegistrationFactory(event=confirming)
    waiting = held(confirming, status=Status.WAITLISTED, name="Wait", email="wait@example.org")

    services.cancel(registration=leaving)
    run_worker()
    sent_before_confirming = [message.subject for message in mailoutbox]
    services.confirm_email(registration=waiting)
    run_worker()

    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert sent_before_confirming == ["Your registration is cancelled: Open Government and AI"]
    assert kinds_sent(mailoutbox[1:]) == [
        ("Wait <wait@example.org>", "Your place is confirmed: Open Government and AI")
    ]


def test_held_place_cancelled_by_attendee_sends_nothing(client, confirming, mailoutbox, run_worker):
    registration = held(confirming)

    client.post(reverse("registrations:cancel", args=[registration.token]))
    run_worker()

    registration.refresh_from_db()
    assert (registration.status, registration.hold_expires_at) == (Status.CANCELLED, None)
    assert mailoutbox == []


# An address registered already


def test_duplicate_answered_as_new_and_link_emailed_to_stored_address(
    client, confirming, run_worker, mailoutbox
):
    existing = RegistrationFactory(event=confirming, email="Ada@example.org", name="Ada")

    duplicate = client.post(register_url(confirming), form_data(email="ADA@Example.org"))
    duplicate_page = client.get(duplicate["Location"]).content.decode()
    new = client.post(
        register_url(confirming), form_data(email="grace@example.org", submission_key="key-2")
    )
    new_page = client.get(new["Location"]).content.decode()
    run_worker()

    assert (duplicate.status_code, duplicate["Location"]) == (new.status_code, new["Location"])
    # The same page, but for the address each visitor typed.
    assert duplicate_page.replace("ADA@example.org", "grace@example.org") == new_page
    assert Registration.objects.filter(email__iexact="ada@example.org").count() == 1
    already = [m for m in mailoutbox if m.subject.startswith("You are already registered")]
    (message,) = already
    assert message.to == ["Ada <Ada@example.org>"]
    assert message.subject == "You are already registered: Open Government and AI"
    assert f"http://localhost:8000{existing.personal_path}" in message.body
    assert "Someone asked to register this email address" in message.body


def test_duplicate_of_held_place_emails_the_confirm_link(
    client, confirming, run_worker, mailoutbox
):
    existing = held(confirming, email="ada@example.org")

    client.post(register_url(confirming), form_data())
    run_worker()

    (message,) = mailoutbox
    assert message.subject == "You are already registered: Open Government and AI"
    assert f"http://localhost:8000{existing.confirm_path}" in message.body


def test_duplicate_emails_limited_per_hour(client, confirming, run_worker, mailoutbox):
    RegistrationFactory(event=confirming, email="ada@example.org")

    codes = [
        client.post(register_url(confirming), form_data(submission_key=f"k{n}")).status_code
        for n in range(5)
    ]
    run_worker()

    assert codes == [302] * 5
    assert len(mailoutbox) == services.ALREADY_REGISTERED_EMAILS_PER_HOUR == 3


def test_duplicate_when_event_closed_answered_as_for_anyone(
    client, organiser, run_worker, mailoutbox
):
    event = EventFactory(
        organiser=organiser, capacity=1, waitlist_enabled=False, confirm_email_addresses=True
    )
    RegistrationFactory(event=event, email="ada@example.org")

    duplicate = client.post(register_url(event), form_data())
    new = client.post(register_url(event), form_data(email="grace@example.org"))
    run_worker()

    assert duplicate.status_code == new.status_code == 409
    assert "This event is full." in duplicate.content.decode()
    assert "already registered" not in duplicate.content.decode()
    assert [message.subject for message in mailoutbox] == [
        f"You are already registered: {event.title}"
    ]


def test_duplicate_without_confirmation_keeps_friendly_message_and_sends_nothing(
    client, event, run_worker, mailoutbox
):
    RegistrationFactory(event=event, email="ada@example.org")

    response = client.post(register_url(event), form_data())
    run_worker()

    assert response.status_code == 400
    assert "This email address is already registered for this event." in (response.content.decode())
    assert mailoutbox == []


def test_resubmitted_form_answered_the_same_without_email(
    client, confirming, run_worker, mailoutbox
):
    first = client.post(register_url(confirming), form_data())
    second = client.post(register_url(confirming), form_data())
    run_worker()

    assert first["Location"] == second["Location"] == check_email_url(confirming)
    assert [message.subject for message in mailoutbox] == [
        "Please confirm your registration: Open Government and AI"
    ]


# What organisers see and send


def test_exports_and_sign_in_sheet_leave_out_held_places(organiser_client, confirming):
    RegistrationFactory(event=confirming, name="Confirmed Person")
    held(confirming, name="Held Person")

    csv = b"".join(
        organiser_client.get(
            reverse("admin:events_event_attendees_csv", args=[confirming.pk])
        ).streaming_content
    ).decode()
    sheet = organiser_client.get(reverse("admin:events_event_sign_in_sheet", args=[confirming.pk]))
    catering = organiser_client.get(reverse("admin:events_event_catering", args=[confirming.pk]))

    assert "Confirmed Person" in csv
    assert "Held Person" not in csv
    assert [a.name for a in sheet.context["attendees"]] == ["Confirmed Person"]
    assert catering.context["confirmed"] == 1


def test_reminders_messages_and_changes_not_sent_to_held_places(confirming, run_worker):
    RegistrationFactory(event=confirming, email="confirmed@example.org")
    held(confirming, email="held@example.org")

    recipients = emails.message_recipients(confirming, include_waitlisted=True)
    Event.objects.filter(pk=confirming.pk).update(
        starts_at=timezone.now() + timedelta(hours=20),
        ends_at=timezone.now() + timedelta(hours=22),
    )
    Registration.objects.update(created_at=timezone.now() - timedelta(days=3))
    due = emails.reminder_due()
    confirming.refresh_from_db()
    services.change_event(event=confirming, changed_fields=["starts_at"])
    run_worker()
    changed = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.EVENT_CHANGED)

    assert [r.email for r in recipients] == ["confirmed@example.org"]
    assert [r.email for r in due] == ["confirmed@example.org"]
    assert [email.recipient for email in changed] == ["confirmed@example.org"]


def test_check_in_of_held_place_keeps_it(confirming):
    registration = held(confirming, minutes=1)

    now = timezone.now()
    services.check_in(registration=registration, now=now)
    released = services.release_expired_holds(now=now + timedelta(minutes=5))

    registration.refresh_from_db()
    assert released == (0, 0)
    assert registration.checked_in_at == now
    assert (registration.hold_expires_at, registration.email_confirmed_at) == (None, None)


def test_check_in_list_marks_held_places(organiser_client, confirming):
    held(confirming, name="Held Person")

    html = organiser_client.get(
        reverse("admin:events_event_checkin", args=[confirming.pk])
    ).content.decode()

    assert "Email address not confirmed" in html


def test_event_admin_turns_confirmation_on(organiser_client, event):
    url = reverse("admin:events_event_change", args=[event.pk])
    page = organiser_client.get(url)
    fieldsets = dict(
        (name, options["fields"]) for name, options in page.context["adminform"].fieldsets
    )

    response = organiser_client.post(
        url, event_change_data(organiser_client, event, confirm_email_addresses="on")
    )

    assert "confirm_email_addresses" in fieldsets["Registration"]
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.confirm_email_addresses is True


def test_registered_page_of_held_place_leads_to_confirming(client, confirming):
    registration = held(confirming)

    response = client.get(reverse("registrations:done", args=[registration.token]))

    assert (response.status_code, response["Location"]) == (302, registration.confirm_path)


def test_personal_page_of_held_place_does_not_say_confirmed(client, confirming):
    registration = held(confirming)

    html = client.get(registration.personal_path).content.decode()

    assert "A place is held for you." in html
    assert "Your place is confirmed." not in html


def test_confirm_after_event_cancelled_refused_and_sends_nothing(
    client, confirming, run_worker, mailoutbox
):
    registration = held(confirming)
    Event.objects.filter(pk=confirming.pk).update(status=Event.Status.CANCELLED)

    response = client.post(registration.confirm_path)
    run_worker()

    assert response.status_code == 410
    assert "This event was cancelled." in response.content.decode()
    assert mailoutbox == []
