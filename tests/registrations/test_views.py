from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "organisation": "Analytical Engines",
        "role": "Researcher",
        "access_needs": "Step-free access",
        "dietary_requirements": "Vegetarian",
        "privacy_consent": "on",
        "website": "",
        "submission_key": "key-1",
    }
    data.update(overrides)
    return data


def register_url(event):
    return reverse("registrations:register", args=[event.slug])


def test_register_form_shows_fields(client, event):
    response = client.get(register_url(event))

    html = response.content.decode()
    assert response.status_code == 200
    for name in ("name", "email", "organisation", "role", "access_needs", "dietary_requirements"):
        assert f'name="{name}"' in html
    assert 'name="privacy_consent"' in html
    assert f'href="{reverse("privacy")}"' in html


def test_register_creates_registration_and_shows_success(client, event):
    before = timezone.now()
    response = client.post(register_url(event), form_data(), follow=True)
    after = timezone.now()

    registration = Registration.objects.get()
    assert response.redirect_chain == [
        (reverse("registrations:done", args=[registration.token]), 302)
    ]
    assert registration.name == "Ada Lovelace"
    assert registration.access_needs == "Step-free access"
    assert registration.status == Registration.Status.CONFIRMED
    assert before <= registration.privacy_consent_at <= after
    html = response.content.decode()
    assert "You are registered" in html
    assert registration.personal_path in html


def test_register_email_domain_lowercased(client, event):
    client.post(register_url(event), form_data(email=" Ada@Example.ORG "))

    assert Registration.objects.get().email == "Ada@example.org"


def test_register_without_consent_keeps_input(client, event):
    data = form_data()
    del data["privacy_consent"]

    response = client.post(register_url(event), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Please agree to the privacy notice to register." in html
    assert 'value="Ada Lovelace"' in html
    assert "Step-free access" in html
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Enter your name"),
        (
            {"email": "not-an-email"},
            "email",
            "Enter an email address in the correct format, like name@example.org",
        ),
        ({"name": "x" * 201}, "name", "Shorten this to 200 characters or fewer: it has 201."),
        ({"name": "Ada\r\nBcc: victim@example.org"}, "name", "Please use a single line"),
    ],
)
def test_register_invalid_field_error_next_to_field(client, event, overrides, field, message):
    response = client.post(register_url(event), form_data(**overrides))

    form = response.context["form"]
    assert response.status_code == 400
    assert message in " ".join(form.errors[field])
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert not Registration.objects.exists()


def test_register_honeypot_filled_refused(client, event):
    response = client.post(register_url(event), form_data(website="https://spam.example"))

    assert response.status_code == 400
    assert response.context["form"].error_summary() == [
        (
            "",
            "Please check your details and select the button to send the form again: a hidden "
            "field was filled in, perhaps by your browser.",
        )
    ]
    html = response.content.decode()
    assert "https://spam.example" not in html
    assert 'value="Ada Lovelace"' in html
    assert not Registration.objects.exists()


def test_register_honeypot_autofilled_then_sent_again_registers(client, event):
    first = client.post(register_url(event), form_data(website="https://ada.example"))

    second = client.post(register_url(event), {**form_data(), **first.context["form"].data.dict()})

    assert second.status_code == 302
    assert Registration.objects.get().name == "Ada Lovelace"


def test_register_duplicate_email_friendly_message(client, event):
    RegistrationFactory(event=event, email="ada@example.org", name="Someone Else")

    response = client.post(register_url(event), form_data(email="ADA@example.org"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "This email address is already registered for this event." in html
    assert "Someone Else" not in html
    assert Registration.objects.count() == 1


def test_register_repeated_post_gives_one_registration(client, event):
    first = client.post(register_url(event), form_data())
    second = client.post(register_url(event), form_data())

    assert first.status_code == second.status_code == 302
    assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Event.Status.CANCELLED}, "This event was cancelled."),
        (
            {"registration_closes_at": timezone.now() - timedelta(hours=1)},
            "Registration for this event is closed.",
        ),
        (
            {"registration_opens_at": timezone.now() + timedelta(days=2)},
            "Registration is not open yet.",
        ),
        ({"capacity": 0, "waitlist_enabled": False}, "This event is full."),
    ],
)
def test_register_refused_says_why(client, event, changes, message):
    Event.objects.filter(pk=event.pk).update(**changes)

    page = client.get(register_url(event))
    posted = client.post(register_url(event), form_data())

    assert message in page.content.decode()
    assert 'name="email"' not in page.content.decode()
    assert posted.status_code == 409
    assert message in posted.content.decode()
    assert not Registration.objects.exists()


def test_register_past_event_refused(client):
    event = EventFactory(
        starts_at=timezone.now() - timedelta(days=1), ends_at=timezone.now() - timedelta(hours=20)
    )

    response = client.post(register_url(event), form_data())

    assert response.status_code == 409
    assert "This event has ended." in response.content.decode()
    assert not Registration.objects.exists()


def test_register_draft_event_404(client):
    event = EventFactory(status=Event.Status.DRAFT)

    assert client.post(register_url(event), form_data()).status_code == 404
    assert not Registration.objects.exists()


def test_register_without_csrf_token_403(event):
    csrf_client = Client(enforce_csrf_checks=True)

    response = csrf_client.post(register_url(event), form_data())

    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_register_full_event_joins_waitlist(client, event):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    RegistrationFactory(event=event)

    page = client.get(register_url(event))
    response = client.post(register_url(event), form_data(), follow=True)

    assert "Join the waiting list" in page.content.decode()
    assert (
        Registration.objects.get(email="ada@example.org").status == Registration.Status.WAITLISTED
    )
    assert "You are on the waiting list" in response.content.decode()


def test_register_done_for_cancelled_registration_redirects_to_its_page(client, event):
    registration = RegistrationFactory(event=event, status="cancelled", cancelled_at=timezone.now())

    response = client.get(reverse("registrations:done", args=[registration.token]))

    assert response.status_code == 302
    assert response.url == registration.personal_path


def test_manage_page_shows_details(client, event):
    registration = RegistrationFactory(event=event, name="Ada Lovelace", organisation="Engines Ltd")

    response = client.get(registration.personal_path)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your place is confirmed." in html
    assert 'value="Ada Lovelace"' in html
    assert 'value="Engines Ltd"' in html
    assert "noindex" in html


def test_manage_page_shows_waitlist_position(client, event):
    Event.objects.filter(pk=event.pk).update(capacity=0)
    RegistrationFactory(event=event, status="waitlisted")
    second = RegistrationFactory(event=event, status="waitlisted")

    html = client.get(second.personal_path).content.decode()

    assert "You are on the waiting list, number 2." in html


def test_manage_edit_saves_details(client, event):
    registration = RegistrationFactory(event=event)

    response = client.post(
        registration.personal_path,
        {"name": "Ada King", "email": registration.email, "organisation": "Royal Society"},
        follow=True,
    )

    registration.refresh_from_db()
    assert registration.name == "Ada King"
    assert registration.organisation == "Royal Society"
    assert "Your details were saved." in response.content.decode()


def test_manage_edit_invalid_email_keeps_input(client, event):
    registration = RegistrationFactory(event=event, email="ada@example.org")

    response = client.post(
        registration.personal_path,
        {"name": "Ada King", "email": "broken", "organisation": "RS"},
    )

    html = response.content.decode()
    assert "Enter an email address in the correct format, like name@example.org" in html
    assert 'value="Ada King"' in html
    registration.refresh_from_db()
    assert registration.email == "ada@example.org"
    assert registration.name != "Ada King"


def test_manage_edit_to_taken_email_refused(client, event):
    RegistrationFactory(event=event, email="taken@example.org")
    registration = RegistrationFactory(event=event, email="ada@example.org")

    response = client.post(
        registration.personal_path, {"name": "Ada", "email": "Taken@example.org"}
    )

    assert "already registered for this event" in response.content.decode()
    registration.refresh_from_db()
    assert registration.email == "ada@example.org"


def test_cancel_confirms_then_cancels(client, event):
    registration = RegistrationFactory(event=event)

    page = client.get(reverse("registrations:cancel", args=[registration.token]))
    before = timezone.now()
    response = client.post(reverse("registrations:cancel", args=[registration.token]), follow=True)
    after = timezone.now()

    registration.refresh_from_db()
    assert "Cancel your place?" in page.content.decode()
    assert registration.status == Registration.Status.CANCELLED
    assert before <= registration.cancelled_at <= after
    assert "Your registration is cancelled." in response.content.decode()


def test_cancelled_registration_cannot_be_edited(client, event):
    registration = RegistrationFactory(
        event=event, status="cancelled", cancelled_at=timezone.now(), name="Ada"
    )

    client.post(registration.personal_path, {"name": "Changed", "email": registration.email})

    registration.refresh_from_db()
    assert registration.name == "Ada"


def test_erase_deletes_personal_data(client, event):
    registration = RegistrationFactory(event=event)

    response = client.post(reverse("registrations:erase", args=[registration.token]), follow=True)

    assert not Registration.objects.filter(pk=registration.pk).exists()
    assert "Your registration and your personal data were deleted." in response.content.decode()
    assert client.get(registration.personal_path).status_code == 404


@pytest.mark.parametrize(
    "token",
    ["a" * 43, "short", "has spaces in it and more than twenty", "../../etc/passwd-xxxxxxxxxxxx"],
)
def test_manage_unknown_or_malformed_token_404(client, token):
    response = client.get(f"/registration/{token}/")

    assert response.status_code == 404


@pytest.mark.parametrize("existing", [1, 3, 30])
def test_register_post_query_count_constant(client, event, existing, django_assert_num_queries):
    Event.objects.filter(pk=event.pk).update(capacity=None)
    RegistrationFactory.create_batch(existing, event=event)

    # The event with its organiser and settings, and its questions; then, in one transaction
    # (a savepoint within the test's own): the event's lock with its kept counts and whether a
    # hold expired, then the registration, the counts' change, its email and the email's task.
    # PostgreSQL is sent the event with its counts and the new rows' ids, then the lock with
    # every row written, each in one round trip; SQLite runs each statement by itself.
    expected = 4 if connection.vendor == "postgresql" else 10
    with django_assert_num_queries(expected, exact=True):
        response = client.post(register_url(event), form_data())

    assert response.status_code == 302


def test_register_limited_per_network_address(client, event, settings):
    settings.REGISTRATIONS_PER_ADDRESS_PER_HOUR = 2
    for index in range(2):
        client.post(
            register_url(event), form_data(email=f"p{index}@example.org", submission_key="")
        )

    response = client.post(register_url(event), form_data(email="third@example.org"))

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many registrations came from your network in the last hour." in html
    assert 'value="third@example.org"' in html
    assert Registration.objects.count() == 2


def test_register_limit_counts_the_address_the_proxy_saw(client, event, settings):
    settings.REGISTRATIONS_PER_ADDRESS_PER_HOUR = 1
    settings.TRUST_X_FORWARDED_FOR = True

    first = client.post(
        register_url(event),
        form_data(email="a@example.org"),
        HTTP_X_FORWARDED_FOR="1.1.1.1, 10.0.0.1",
    )
    second = client.post(
        register_url(event), form_data(email="b@example.org"), HTTP_X_FORWARDED_FOR="10.0.0.2"
    )
    third = client.post(
        register_url(event),
        form_data(email="c@example.org"),
        HTTP_X_FORWARDED_FOR="9.9.9.9, 10.0.0.2",
    )

    assert (first.status_code, second.status_code, third.status_code) == (302, 302, 429)


def test_erase_page_asks_before_deleting(client, event):
    registration = RegistrationFactory(event=event)

    response = client.get(reverse("registrations:erase", args=[registration.token]))

    assert response.status_code == 200
    assert response.templates[0].name == "registrations/erase.html"
    html = response.content.decode()
    assert "Delete your data?" in html
    assert "Yes, delete my data" in html
    assert "Your place is cancelled as well." in html
    assert Registration.objects.filter(pk=registration.pk).count() == 1


def test_erase_page_post_deletes_and_frees_the_place(client, event):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    registration = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted")

    response = client.post(reverse("registrations:erase", args=[registration.token]))

    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert list(Registration.objects.filter(event=event).values_list("pk", "status")) == [
        (waiting.pk, "confirmed")
    ]
