"""Every write to registrations takes its locks in one order, so none waits for another in a
circle. These tests need real row locks and PostgreSQL's deadlock detection."""

import threading

import pytest
from django.db import close_old_connections, connection

from registrations import services
from registrations.models import Registration
from tests.factories import EventFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

WAIT = 10  # seconds; PostgreSQL looks for deadlocks after one second of waiting


def run_in_threads(**work):
    """Run each function in its own thread and database connection; return what each
    returned or raised, by name."""
    outcomes = {}

    def run(name, function):
        try:
            outcomes[name] = function()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes[name] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=run, args=(name, function), name=name)
        for name, function in work.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=3 * WAIT)
    return outcomes


def test_registration_and_walk_in_of_one_address_do_not_deadlock(monkeypatch):
    """The online registration is about to take the event's lock when the walk-in takes it
    first: whatever each has written by then, one of them must wait for the other, not both."""
    event = EventFactory(capacity=10)
    take_lock = services.locking.locked_event
    registration_ready, walk_in_locked = threading.Event(), threading.Event()

    def locked_event_in_turn(event, **options):
        if threading.current_thread().name == "online":
            registration_ready.set()
            walk_in_locked.wait(WAIT)
            return take_lock(event, **options)
        registration_ready.wait(WAIT)
        locked = take_lock(event, **options)
        walk_in_locked.set()
        return locked

    monkeypatch.setattr(services.locking, "locked_event", locked_event_in_turn)

    outcomes = run_in_threads(
        online=lambda: services.register(event=event, name="Ada", email="ada@example.org"),
        door=lambda: services.register_walk_in(event=event, name="Ada", email="ada@example.org"),
    )

    assert isinstance(outcomes["door"], Registration), outcomes
    assert isinstance(outcomes["online"], services.AlreadyRegistered), outcomes
    registration = Registration.objects.get()
    assert (registration.email, registration.checked_in_at is not None) == ("ada@example.org", True)
