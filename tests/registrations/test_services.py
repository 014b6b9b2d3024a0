from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from events.models import Event
from registrations import services
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def register(event, email="ada@example.org", **extra):
    return services.register(event=event, name="Ada Lovelace", email=email, **extra)


def test_register_open_event_confirms_place(event):
    now = timezone.now()
    registration = register(event, organisation="Analytical Engines", now=now)

    assert registration.status == Registration.Status.CONFIRMED
    assert registration.organisation == "Analytical Engines"
    assert registration.privacy_consent_at == now
    assert registration.privacy_notice_version == "2026-11-28"
    assert len(registration.token) >= 40


def test_register_same_email_twice_refused(event):
    register(event, email="ada@example.org")

    with pytest.raises(services.AlreadyRegistered) as error:
        register(event, email="ADA@Example.org")

    assert "already registered" in error.value.message
    assert Registration.objects.filter(event=event).count() == 1


def test_register_same_form_twice_returns_first_registration(event):
    first = register(event, submission_key="form-1")
    second = register(event, submission_key="form-1")

    assert second.pk == first.pk
    assert Registration.objects.filter(event=event).count() == 1


def test_register_after_cancelling_allowed(event):
    first = register(event)
    services.cancel(registration=first)

    second = register(event)

    assert second.pk != first.pk
    assert second.status == Registration.Status.CONFIRMED


def test_database_refuses_second_active_registration_with_other_case(event):
    RegistrationFactory(event=event, email="ada@example.org")

    with pytest.raises(IntegrityError):
        RegistrationFactory(event=event, email="Ada@EXAMPLE.org")


def test_database_allows_same_email_for_other_event(event):
    RegistrationFactory(event=event, email="ada@example.org")
    RegistrationFactory(event=EventFactory(), email="ada@example.org")

    assert Registration.objects.filter(email="ada@example.org").count() == 2


def test_register_full_event_without_waitlist_refused(event):
    event.capacity = 1
    event.waitlist_enabled = False
    event.save()
    register(event, email="first@example.org")

    with pytest.raises(services.RegistrationRefused) as error:
        register(event, email="second@example.org")

    assert error.value.code == "full"
    assert error.value.message == "This event is full."
    assert Registration.objects.filter(event=event).count() == 1


def test_register_full_event_with_waitlist_waitlists(event):
    event.capacity = 1
    event.save()
    register(event, email="first@example.org")

    second = register(event, email="second@example.org")

    assert second.status == Registration.Status.WAITLISTED


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"status": Event.Status.DRAFT}, "closed", "This event is not open for registration."),
        ({"status": Event.Status.CANCELLED}, "cancelled", "This event was cancelled."),
        (
            {"registration_closes_at": timezone.now() - timedelta(hours=1)},
            "closed",
            "Registration for this event is closed.",
        ),
        (
            {"external_registration_url": "https://forms.example.org/x"},
            "external",
            "Registration for this event is handled on another site.",
        ),
    ],
)
def test_register_refused_with_reason(event, changes, code, message):
    Event.objects.filter(pk=event.pk).update(**changes)

    with pytest.raises(services.RegistrationRefused) as error:
        register(event)

    assert error.value.code == code
    assert error.value.message == message
    assert not Registration.objects.exists()


def test_register_past_event_refused():
    event = EventFactory(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2, hours=-2),
    )

    with pytest.raises(services.RegistrationRefused) as error:
        register(event)

    assert error.value.code == "closed"
    assert error.value.message == "This event has ended."


def test_register_before_opening_refused_with_opening_time(event):
    opens = timezone.now() + timedelta(days=3)
    Event.objects.filter(pk=event.pk).update(registration_opens_at=opens)

    with pytest.raises(services.RegistrationRefused) as error:
        register(event)

    assert error.value.code == "not_yet_open"
    assert error.value.message.startswith("Registration is not open yet. It opens on ")


def test_register_invalid_email_refused_and_nothing_saved(event):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        register(event, email="not-an-email")

    assert not Registration.objects.exists()


def test_cancel_promotes_first_waitlisted(event):
    event.capacity = 1
    event.save()
    confirmed = register(event, email="first@example.org")
    second = register(event, email="second@example.org")
    third = register(event, email="third@example.org")

    promoted = services.cancel(registration=confirmed)

    assert [r.pk for r in promoted] == [second.pk]
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Registration.Status.CONFIRMED
    assert third.status == Registration.Status.WAITLISTED


def test_cancel_twice_changes_nothing(event):
    registration = register(event)
    services.cancel(registration=registration)
    cancelled_at = Registration.objects.get().cancelled_at

    services.cancel(registration=registration)

    assert Registration.objects.get().cancelled_at == cancelled_at


def test_update_details_to_taken_email_refused(event):
    register(event, email="first@example.org")
    second = register(event, email="second@example.org")

    with pytest.raises(services.AlreadyRegistered):
        services.update_details(registration=second, email="FIRST@example.org")

    second.refresh_from_db()
    assert second.email == "second@example.org"


def test_erase_deletes_registration_and_frees_place(event):
    event.capacity = 1
    event.save()
    registration = register(event, email="first@example.org")
    waiting = register(event, email="second@example.org")

    services.erase(registration=registration)

    assert not Registration.objects.filter(email="first@example.org").exists()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
