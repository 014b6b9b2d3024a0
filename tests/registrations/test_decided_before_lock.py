"""A place decided from the counts read with the form, before the event's lock: the lock and
every row written go in one message, each row on condition that the decision still stands
under the lock. Whatever changed between the read and the lock, the registration ends as the
lock alone would have decided it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection, transaction
from django.test import RequestFactory
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from events.models import Event
from registrations import services
from registrations.models import OutboundEmail, PlaceCounts, Registration
from registrations.models.counts import mode_count_columns, mode_counts
from registrations.services import count_differences
from registrations.views.shared import event_for_registering
from tests.factories import EventFactory, QuestionFactory
from tests.prepared import as_prepared, messages_sent

State = Event.RegistrationState
Status = Registration.Status

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a place is decided before the lock where statements are sent together",
)


def read_for_registering(event: Event) -> Event:
    """The event as the form sent by someone not signed in reads it."""
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    return event_for_registering(request, event.slug)[0]


def register(read: Event, email: str, **details) -> Registration:
    return services.register(event=read, name="Ada", email=email, **details)


def read_with_places_left(registered: str = "first@example.org") -> tuple[Event, Event]:
    """An event of five places, and its form's read after ``registered`` took one (its first
    registration creates the event's counts, which a read needs to decide before the lock)."""
    event = EventFactory(capacity=5)
    register(read_for_registering(event), registered)
    return event, read_for_registering(event)


def read_before_the_last_place_goes() -> tuple[Event, Event]:
    """An event of two places, and its form's read with one place left, taken before someone
    else took the last one."""
    event = EventFactory(capacity=2)
    register(read_for_registering(event), "first@example.org")
    read = read_for_registering(event)
    register(read_for_registering(event), "second@example.org")
    return event, read


# --- The counts that keep a decision: pure Python, on both databases. ---


@given(
    capacity=st.none() | st.integers(0, 6),
    waitlist_enabled=st.booleans(),
    waitlist_limit=st.none() | st.integers(0, 4),
    hybrid=st.booleans(),
    online=st.booleans(),
    read=st.tuples(st.integers(0, 9), st.integers(0, 6)),
    later=st.tuples(st.integers(0, 9), st.integers(0, 6)),
)
def test_the_counts_keeping_a_state_are_those_for_which_the_state_is_the_same(
    capacity, waitlist_enabled, waitlist_limit, hybrid, online, read, later
):
    start = timezone.now() + timedelta(days=3)
    event = Event(
        status=Event.Status.PUBLISHED,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=capacity,
        online_capacity=capacity,
        waitlist_enabled=waitlist_enabled,
        waitlist_limit=waitlist_limit,
        attendance_mode=Event.AttendanceMode.HYBRID if hybrid else Event.AttendanceMode.IN_PERSON,
    )
    attendance = "online" if online else "in_person"

    def state(confirmed, waitlisted):
        return event.registration_state(
            confirmed=confirmed, waitlisted=waitlisted, attendance=attendance
        )

    decided = state(*read)
    if decided not in (State.OPEN, State.WAITLIST):
        with pytest.raises(ValueError):
            event.counts_keeping_state(decided, attendance=attendance)
        return
    keeping = event.counts_keeping_state(decided, attendance=attendance)
    confirmed, waitlisted = later
    within = confirmed in keeping["confirmed"] and waitlisted in keeping["waitlisted"]
    assert within == (state(confirmed, waitlisted) == decided)


@pytest.mark.django_db
@pytest.mark.parametrize("hybrid", [False, True])
@pytest.mark.parametrize("attendance", ["in_person", "online"])
def test_the_counts_of_a_mode_in_sql_are_those_in_python(hybrid, attendance):
    mode = Event.AttendanceMode.HYBRID if hybrid else Event.AttendanceMode.IN_PERSON
    event = EventFactory(attendance_mode=mode, online_capacity=5 if hybrid else None)
    kept = {"confirmed": 9, "waitlisted": 4, "confirmed_online": 3, "waitlisted_online": 1}
    PlaceCounts.objects.create(event=event, **kept)
    columns = mode_count_columns(event, attendance)

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns['confirmed']}, {columns['waitlisted']} "  # noqa: S608
            "FROM registrations_placecounts WHERE event_id = %s",
            [event.pk],
        )
        confirmed, waitlisted = cursor.fetchone()

    assert {"confirmed": confirmed, "waitlisted": waitlisted} == mode_counts(
        event, kept, attendance
    )


# --- The message, and what changes between the read and the lock: PostgreSQL. ---

pytestmark_db = pytest.mark.django_db(transaction=True)


@on_postgresql
@pytestmark_db
def test_the_lock_and_every_row_go_in_one_message():
    event = EventFactory(capacity=5)
    sector = QuestionFactory(event=event, label="Your sector")
    diet = QuestionFactory(event=event, label="Anything else?", position=2)
    register(read_for_registering(event), "first@example.org")  # the counts' row
    # The session prepares the statements of such a registration the first time it sends them.
    register(read_for_registering(event), "bo@example.org", answers={sector: "A", diet: "B"})
    read = read_for_registering(event)

    with messages_sent() as sent:
        registration = register(
            read, "ada@example.org", answers={sector: "Health", diet: "It's 50% \\ done"}
        )

    # One message, which PostgreSQL runs as one transaction, with no BEGIN before it and no
    # COMMIT after it: the lock, the registration, the counts' change, its answers, its email
    # and its task.
    assert len(sent) == 1
    assert sent[0].startswith("EXECUTE ")
    sent = [as_prepared(sent[0])]
    assert sent[0].startswith("SELECT")
    assert "FOR UPDATE" in sent[0]
    assert "BEGIN" not in sent[0]
    assert "COMMIT" not in sent[0]
    for table in ("registrations_registration", "registrations_outboundemail"):
        assert f'INSERT INTO "{table}"' in sent[0]
    assert "UPDATE registrations_placecounts" in sent[0]
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    answers = dict(registration.answers.values_list("question_id", "value"))
    assert answers == {sector.pk: "Health", diet.pk: "It's 50% \\ done"}
    assert not count_differences()


@on_postgresql
@pytestmark_db
def test_a_place_taken_between_the_read_and_the_lock_puts_the_registration_on_the_waiting_list():
    event, read = read_before_the_last_place_goes()

    registration = register(read, "ada@example.org")

    assert Registration.objects.get(pk=registration.pk).status == Status.WAITLISTED
    assert Registration.objects.filter(event=event, status=Status.CONFIRMED).count() == 2
    email = OutboundEmail.objects.get(registration=registration)
    assert email.kind == "waitlisted"
    assert not count_differences()


@on_postgresql
@pytestmark_db
def test_a_place_freed_between_the_read_and_the_lock_is_given():
    event = EventFactory(capacity=1)
    first = register(read_for_registering(event), "first@example.org")
    read = read_for_registering(event)  # full, as read: the waiting list
    services.cancel(registration=Registration.objects.get(pk=first.pk))

    registration = register(read, "ada@example.org")

    assert Registration.objects.get(pk=registration.pk).status == Status.CONFIRMED
    assert not count_differences()


@on_postgresql
@pytestmark_db
def test_an_event_changed_between_the_read_and_the_lock_is_decided_as_it_is_now():
    event, read = read_with_places_left()
    # The organiser closes registration: the event's row is no longer the one read.
    Event.objects.filter(pk=event.pk).update(registration_closes_at=timezone.now())

    with pytest.raises(services.RegistrationRefused) as refused:
        register(read, "ada@example.org")

    assert refused.value.code == State.CLOSED
    assert not Registration.objects.filter(email="ada@example.org").exists()
    assert not OutboundEmail.objects.filter(recipient="ada@example.org").exists()
    assert not count_differences()


@on_postgresql
@pytestmark_db
def test_a_hold_expired_before_the_lock_is_released_under_it():
    event = EventFactory(capacity=1, confirm_email_addresses=True)
    holder = register(read_for_registering(event), "holder@example.org")
    read = read_for_registering(event)  # held, as read: the waiting list
    Registration.objects.filter(pk=holder.pk).update(
        hold_expires_at=timezone.now() - timedelta(minutes=1)
    )

    registration = register(read, "ada@example.org")

    assert not Registration.objects.filter(pk=holder.pk).exists()
    assert Registration.objects.get(pk=registration.pk).status == Status.CONFIRMED
    assert not count_differences()


@on_postgresql
@pytestmark_db
def test_a_read_decides_one_registration_only():
    event, read = read_with_places_left()

    first = register(read, "ada@example.org")
    second = register(read, "grace@example.org")  # decided under the lock, with ids of its own

    assert first.pk != second.pk
    assert Registration.objects.filter(event=event).count() == 3
    assert not count_differences()


@on_postgresql
@pytestmark_db
def test_a_decision_that_did_not_stand_sends_no_email_of_its_own(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _event, read = read_before_the_last_place_goes()
    mail.outbox.clear()

    register(read, "ada@example.org")  # waitlisted under the lock, not confirmed before it

    assert len(mail.outbox) == 1
    assert "waiting list" in mail.outbox[0].subject
    assert OutboundEmail.objects.filter(recipient="ada@example.org").count() == 1


@on_postgresql
@pytestmark_db
def test_inside_another_transaction_the_registration_is_rolled_back_with_it():
    event, read = read_with_places_left()

    with pytest.raises(RuntimeError), transaction.atomic():
        register(read, "ada@example.org")
        raise RuntimeError("the caller's change fails")

    assert not Registration.objects.filter(email="ada@example.org").exists()
    assert PlaceCounts.objects.get(event=event).confirmed == 1


@on_postgresql
@pytestmark_db
def test_inside_another_transaction_a_decision_that_did_not_stand_is_decided_under_the_lock():
    _event, read = read_before_the_last_place_goes()

    with transaction.atomic():
        registration = register(read, "ada@example.org")

    assert Registration.objects.get(pk=registration.pk).status == Status.WAITLISTED
    assert not count_differences()


@on_postgresql
@pytestmark_db
def test_a_second_registration_of_the_address_is_refused_and_writes_nothing():
    event, read = read_with_places_left("ada@example.org")

    with pytest.raises(services.AlreadyRegistered):
        register(read, "Ada@Example.org")

    assert Registration.objects.filter(event=event).count() == 1
    assert PlaceCounts.objects.get(event=event).confirmed == 1
