"""Capacity under concurrency: many people register or cancel at the same moment.

These tests need real row locks, so they run on PostgreSQL; the SQLite burst test is in
test_concurrency_sqlite.py. Reading the counts is slowed down on purpose so that, without
the event lock, concurrent requests would reliably interleave between count and insert; the
control test shows that they do. Each test runs twice: with a new event, and with an event
that already holds 50,000 confirmed registrations (and 50,000 more places), whose size
must change nothing.
"""

import random
import time

import pytest
from django.db import connection, transaction
from django.db.models import Count

from events.models import Event
from registrations.models import Registration
from registrations.services import locking
from tests.factories import EventFactory, RegistrationFactory
from tests.registrations.burst import PREFILLED_DOMAIN, burst, prefill, registration_form

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks; SQLite is covered by test_concurrency_sqlite.py",
    ),
]

PLACES = 10
# The controls' places: fewer than the requests a burst sends at once (eight; four for each mode
# of a hybrid event). Without the lock, requests that read the same counts each take a place,
# and a burst whose requests happen to start and end together could otherwise fill the places
# exactly, one group after the other.
CONTROL_PLACES = 3


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the gap between reading the counts and committing the registration, as a loaded
    server would: after the counts read under the lock, and, where the place was decided from
    the counts read before the lock and the writes are sent with it, between the registration's
    insert and the counts' change, in the same message."""
    read = locking.kept_counts
    change = locking.count_change

    def slowly(event, **options):
        result = read(event, **options)
        # Each for its own time: requests that started together do not end together.
        time.sleep(random.uniform(0.02, 0.08))
        return result

    def slow_change(event, *, written=None, **changes):
        if written is not None and written.condition is not None:
            written.execute("SELECT pg_sleep(0.02 + random() * 0.06) WHERE TRUE")
        change(event, written=written, **changes)

    monkeypatch.setattr(locking, "kept_counts", slowly)
    monkeypatch.setattr(locking, "count_change", slow_change)


def take_out_the_lock(monkeypatch):
    """The event is read as registering reads it, without ``FOR UPDATE``."""
    statement = locking._lock_statement

    def unlocked(event_id):
        sql, params = statement(event_id)
        assert sql.endswith(" FOR UPDATE")
        return sql.removesuffix(" FOR UPDATE"), params

    monkeypatch.setattr(locking, "_lock_statement", unlocked)


BIG = 50_000


@pytest.fixture(params=[0, BIG], ids=["new event", "event of 50,000"])
def make_event(request):
    """An event with ``capacity`` places free: a new one, or one that already holds 50,000
    confirmed registrations (made in one statement) and has 50,000 more places."""

    def make(capacity: int, **fields):
        event = EventFactory(capacity=capacity + request.param, **fields)
        if request.param:
            with transaction.atomic(), connection.cursor() as cursor:
                prefill(cursor, event.pk, request.param)
                locking.recount(locking.locked_event(event))
        return event

    return make


def register_burst(live_server, event, attempts):
    url = f"{live_server.url}/events/{event.slug}/register/"
    return burst([(url, registration_form(index)) for index in range(attempts)])


def statuses(event):
    """The statuses of the event's registrations, but for those it started with."""
    counts = (
        Registration.objects.filter(event=event)
        .exclude(email__endswith="@" + PREFILLED_DOMAIN)
        .values("status")
        .annotate(n=Count("pk"))
    )
    return {row["status"]: row["n"] for row in counts}


def test_burst_fills_exactly_the_places_and_waitlists_the_rest(live_server, slow_count, make_event):
    event = make_event(PLACES)

    codes = register_burst(live_server, event, 4 * PLACES)

    assert codes == [302] * (4 * PLACES)
    assert statuses(event) == {"confirmed": PLACES, "waitlisted": 3 * PLACES}
    emails = Registration.objects.filter(event=event, email__endswith="@example.org")
    assert len(set(emails.values_list("email", flat=True))) == 4 * PLACES


def test_burst_without_the_event_lock_overbooks(live_server, slow_count, monkeypatch, make_event):
    """The control: the same burst with the lock taken out must overbook, or the test above
    would prove nothing."""
    take_out_the_lock(monkeypatch)
    event = make_event(CONTROL_PLACES)

    register_burst(live_server, event, 4 * PLACES)

    assert statuses(event)["confirmed"] > CONTROL_PLACES


def test_burst_without_waitlist_refuses_the_rest(live_server, slow_count, make_event):
    event = make_event(PLACES, waitlist_enabled=False)

    codes = register_burst(live_server, event, 3 * PLACES)

    assert sorted(codes) == [302] * PLACES + [409] * (2 * PLACES)
    assert statuses(event) == {"confirmed": PLACES}


def test_cancellations_during_burst_keep_places_filled_from_waitlist(
    live_server, slow_count, make_event
):
    event = make_event(PLACES)
    leaving = RegistrationFactory.create_batch(PLACES // 2, event=event)
    RegistrationFactory.create_batch(PLACES - len(leaving), event=event)
    RegistrationFactory.create_batch(3, event=event, status="waitlisted")
    register_url = f"{live_server.url}/events/{event.slug}/register/"
    requests = [(register_url, registration_form(index)) for index in range(2 * PLACES)]
    requests += [(f"{live_server.url}/registration/{r.token}/cancel/", {}) for r in leaving]

    codes = burst(requests)

    assert codes == [302] * len(requests)
    counts = statuses(event)
    # Every freed place went to someone waiting, and nobody beyond capacity got one.
    assert counts == {
        "confirmed": PLACES,
        "waitlisted": 3 + 2 * PLACES - len(leaving),
        "cancelled": len(leaving),
    }


def test_repeated_submissions_of_one_form_give_one_registration(
    live_server, slow_count, make_event
):
    event = make_event(PLACES)
    url = f"{live_server.url}/events/{event.slug}/register/"

    codes = burst([(url, registration_form(1))] * 5)

    assert codes == [302] * 5
    assert statuses(event) == {"confirmed": 1}


IN_PERSON, ONLINE = 8, 5


def make_hybrid(make_event, in_person=IN_PERSON, **fields):
    """A hybrid event with ``in_person`` places in person and ``ONLINE`` online (or
    ``online_capacity``), all free."""
    event = make_event(in_person, **fields)
    Event.objects.filter(pk=event.pk).update(
        attendance_mode=Event.AttendanceMode.HYBRID,
        join_url="https://call.example/j/1",
        online_capacity=fields.get("online_capacity", ONLINE),
    )
    event.refresh_from_db()
    return event


def statuses_by_mode(event):
    counts = (
        Registration.objects.filter(event=event)
        .exclude(email__endswith="@" + PREFILLED_DOMAIN)
        .values("attendance", "status")
        .annotate(n=Count("pk"))
    )
    return {(row["attendance"], row["status"]): row["n"] for row in counts}


def hybrid_burst(live_server, event, attempts):
    """``attempts`` people register at once, every other one online."""
    url = f"{live_server.url}/events/{event.slug}/register/"
    modes = ["in_person", "online"]
    return burst(
        [
            (url, {**registration_form(index), "attendance": modes[index % 2]})
            for index in range(attempts)
        ]
    )


def test_hybrid_burst_fills_exactly_each_modes_places_and_waitlists_the_rest_per_mode(
    live_server, slow_count, make_event
):
    event = make_hybrid(make_event)

    codes = hybrid_burst(live_server, event, 40)

    assert codes == [302] * 40
    assert statuses_by_mode(event) == {
        ("in_person", "confirmed"): IN_PERSON,
        ("in_person", "waitlisted"): 20 - IN_PERSON,
        ("online", "confirmed"): ONLINE,
        ("online", "waitlisted"): 20 - ONLINE,
    }
    counts = event.place_counts
    counts.refresh_from_db()
    assert (counts.confirmed_online, counts.waitlisted_online) == (ONLINE, 20 - ONLINE)


def test_hybrid_burst_without_the_event_lock_overbooks(
    live_server, slow_count, monkeypatch, make_event
):
    """The control of the test above."""
    take_out_the_lock(monkeypatch)
    event = make_hybrid(make_event, CONTROL_PLACES, online_capacity=CONTROL_PLACES)

    hybrid_burst(live_server, event, 40)

    counts = statuses_by_mode(event)
    assert (
        counts[("in_person", "confirmed")] > CONTROL_PLACES
        or counts[("online", "confirmed")] > CONTROL_PLACES
    )


def test_hybrid_burst_unlimited_online_places_never_refuse(live_server, slow_count, make_event):
    event = make_hybrid(make_event, waitlist_enabled=False, online_capacity=None)

    codes = hybrid_burst(live_server, event, 40)

    # In person, those past the places are refused (the form stays, with what they typed).
    assert sorted(codes) == [302] * (20 + IN_PERSON) + [400] * (20 - IN_PERSON)
    assert statuses_by_mode(event) == {
        ("in_person", "confirmed"): IN_PERSON,
        ("online", "confirmed"): 20,
    }
