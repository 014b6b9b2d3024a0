"""The counts kept for each event never drift from a real count of its registrations.

Random sequences of everything that changes who holds a place run against one event each,
and after every step the kept counts are compared with ``counts()``.
"""

import contextlib
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registrations import services
from registrations.models import PlaceCounts, Registration
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

STEPS = [
    "register",
    "cancel",
    "promote",
    "erase",
    "capacity",
    "walk_in",
    "purge",
    "hold_expiry",
    "confirm_email",
    "delete",
    "add_registration",
    "place_at_door",
]


def kept(event) -> dict[str, int]:
    counts = PlaceCounts.objects.filter(event=event).first()
    return counts.as_counts() if counts else {"confirmed": 0, "waitlisted": 0}


def counted(event) -> dict[str, int]:
    real = Registration.objects.filter(event=event).counts()
    return {"confirmed": real["confirmed"], "waitlisted": real["waitlisted"]}


def chosen(registrations, number: int):
    registrations = list(registrations.order_by("pk"))
    return registrations[number % len(registrations)] if registrations else None


def take_step(event, step: str, number: int) -> None:
    registrations = Registration.objects.filter(event=event)
    now = timezone.now()
    try:
        if step == "register":
            services.register(event=event, name="Someone", email=f"p{number % 12}@example.org")
        elif step == "walk_in":
            services.register_walk_in(
                event=event,
                name="Someone",
                email=f"p{number % 12}@example.org",
                allow_over_capacity=number % 2 == 0,
            )
        elif step == "cancel" and (registration := chosen(registrations, number)):
            services.cancel(registration=registration)
        elif step == "promote" and (registration := chosen(registrations.waitlisted(), number)):
            services.promote(registration=registration, allow_over_capacity=number % 2 == 0)
        elif step == "erase" and (
            registration := chosen(registrations.filter(anonymised_at__isnull=True), number)
        ):
            services.erase(registration=registration)
        elif step == "add_registration":
            services.add_registration(
                event=event,
                name="Someone",
                email=f"p{number % 12}@example.org",
                note="Added by the organisers",
                allow_over_capacity=number % 2 == 0,
            )
        elif step == "place_at_door" and (
            # Someone waiting, or who cancelled, whose details are still there.
            registration := chosen(
                registrations.exclude(status="confirmed").filter(anonymised_at__isnull=True),
                number,
            )
        ):
            with contextlib.suppress(services.RegistrationRefused):
                services.give_place_at_door(
                    registration=registration, allow_over_capacity=number % 2 == 0
                )
        elif step == "delete" and (registration := chosen(registrations, number)):
            services.delete(registration=registration)
        elif step == "capacity":
            # As the admin allows: never below the places already taken.
            event.refresh_from_db()
            event.capacity = counted(event)["confirmed"] + number % 3
            services.change_event(event=event, changed_fields=["capacity"])
        elif step == "purge":
            # Long after the event: its personal data goes, its counts stay.
            services.purge_personal_data(now=now + timedelta(days=3650))
        elif step == "hold_expiry":
            services.release_expired_holds(now=now + timedelta(days=1))
        elif step == "confirm_email" and (registration := chosen(registrations.on_hold(), number)):
            services.confirm_email(registration=registration)
    except services.RegistrationError:
        pass


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    capacity=st.integers(min_value=0, max_value=4),
    confirm_addresses=st.booleans(),
    steps=st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(min_value=0, max_value=100)),
        min_size=1,
        max_size=30,
    ),
)
def test_kept_counts_equal_real_counts_after_every_step(capacity, confirm_addresses, steps):
    # Every example has an event of its own, in the test's one transaction.
    event = EventFactory(capacity=capacity, confirm_email_addresses=confirm_addresses)
    for step, number in steps:
        with transaction.atomic():
            take_step(event, step, number)
        assert (step, kept(event)) == (step, counted(event))
