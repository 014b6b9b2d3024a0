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
from registrations.models.counts import NO_PLACES_TAKEN, mode_counts
from tests.factories import EventFactory
from tests.registrations.test_decided_before_lock import read_for_registering

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
    "switch",
    # The form's read of the event, and a registration decided from it, some steps later
    # (``test_decided_before_lock.py``).
    "read",
    "register_as_read",
]


def kept(event) -> dict[str, int]:
    counts = PlaceCounts.objects.filter(event=event).first()
    return counts.as_counts() if counts else dict(NO_PLACES_TAKEN)


def counted(event) -> dict[str, int]:
    registrations = Registration.objects.filter(event=event)
    real = registrations.counts()
    online = registrations.filter(attendance="online").counts()
    return {
        "confirmed": real["confirmed"],
        "waitlisted": real["waitlisted"],
        "confirmed_online": online["confirmed"],
        "waitlisted_online": online["waitlisted"],
    }


def attendance(number: int) -> str:
    """In person or online, as the hybrid event's form lets people choose."""
    return "online" if number % 3 == 1 else "in_person"


def chosen(registrations, number: int):
    registrations = list(registrations.order_by("pk"))
    return registrations[number % len(registrations)] if registrations else None


def take_step(event, step: str, number: int, reads: list) -> None:
    registrations = Registration.objects.filter(event=event)
    now = timezone.now()
    try:
        if step == "read":
            reads.append(read_for_registering(event))
        elif step == "register_as_read" and reads:
            services.register(
                event=reads.pop(0),
                name="Someone",
                email=f"p{number % 12}@example.org",
                attendance=attendance(number),
            )
        elif step == "register":
            services.register(
                event=event,
                name="Someone",
                email=f"p{number % 12}@example.org",
                attendance=attendance(number),
            )
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
                attendance=attendance(number),
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
        elif step == "switch" and (registration := chosen(registrations.confirmed(), number)):
            services.switch_attendance(registration=registration)
        elif step == "delete" and (registration := chosen(registrations, number)):
            services.delete(registration=registration)
        elif step == "capacity":
            # As the admin allows: never below the places already taken.
            event.refresh_from_db()
            taken = mode_counts(event, counted(event), attendance(number))
            field = "online_capacity" if event.has_online_places(attendance(number)) else "capacity"
            setattr(event, field, taken["confirmed"] + number % 3)
            services.change_event(event=event, changed_fields=[field])
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
    mode=st.sampled_from(["in_person", "online", "hybrid"]),
    online_capacity=st.one_of(st.none(), st.integers(min_value=0, max_value=3)),
    confirm_addresses=st.booleans(),
    steps=st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(min_value=0, max_value=100)),
        min_size=1,
        max_size=30,
    ),
)
def test_kept_counts_equal_real_counts_after_every_step(
    capacity, mode, online_capacity, confirm_addresses, steps
):
    # Every example has an event of its own, in the test's one transaction; a hybrid one
    # counts its places in person and online apart.
    event = EventFactory(
        capacity=capacity,
        attendance_mode=mode,
        join_url="" if mode == "in_person" else "https://call.example/1",
        online_capacity=online_capacity if mode == "hybrid" else None,
        confirm_email_addresses=confirm_addresses,
    )
    reads = []
    for step, number in steps:
        with transaction.atomic():
            take_step(event, step, number, reads)
        assert (step, kept(event)) == (step, counted(event))
        assert (step, waiting_beside_free_places(event)) == (step, [])


def waiting_beside_free_places(event) -> list[str]:
    """The modes of ``event`` in which someone waits while a place is free: none, as each
    freed place goes to the next person waiting for a place of its mode."""
    event.refresh_from_db()
    modes = ["in_person", "online"] if event.is_hybrid else [""]
    return [
        mode
        for mode in modes
        if (taken := mode_counts(event, counted(event), mode))["waitlisted"]
        and event.capacity_for(mode) is not None
        and taken["confirmed"] < event.capacity_for(mode)
    ]
