"""A registration's rows written together: what is written is what the ORM would write, the
lock is held for two round trips (the commit goes with the writes), and a failed insert leaves
nothing behind."""

import psycopg
import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.db.models.functions import Now
from django.db.models.sql import InsertQuery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations import services, tasks
from registrations.models import Answer, OutboundEmail, PlaceCounts, Question, Registration
from registrations.services import locking, together
from tests.factories import EventFactory, QuestionFactory
from tests.prepared import as_prepared, messages_sent

pytestmark = pytest.mark.django_db(transaction=True)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statements are sent together on PostgreSQL only"
)


@on_postgresql
def test_the_lock_is_held_for_two_round_trips(event):
    QuestionFactory(event=event, label="Your sector")
    question = event.questions.get()
    # The statements are prepared in the session the first time it sends them.
    with transaction.atomic():
        services.register(event=event, name="Bo", email="bo@example.org", answers={question: "A"})
        transaction.set_rollback(True)
    with CaptureQueriesContext(connection) as queries:
        registration = services.register(
            event=event, name="Ada", email="ada@example.org", answers={question: "Health"}
        )

    sql = [as_prepared(query["sql"]) for query in queries.captured_queries]
    locked = next(index for index, text in enumerate(sql) if "FOR UPDATE" in text)
    # The lock and the counts, then every row the registration writes with the commit. (The
    # "COMMIT" Django notes after them sends nothing: the transaction has ended.)
    assert "registrations_placecounts" in sql[locked]
    assert sql[locked + 1 :] == [sql[locked + 1], "COMMIT"]
    written = sql[locked + 1]
    assert written.endswith("; COMMIT")
    for table in ("registrations_registration", "registrations_placecounts",
                  "registrations_answer", "registrations_outboundemail",
                  "django_tasks_database_dbtaskresult"):  # fmt: skip
        assert table in written
    # Nothing before the lock writes.
    assert not any(text.startswith(("INSERT", "UPDATE")) for text in sql[:locked])

    stored = Registration.objects.get(pk=registration.pk)
    assert stored.status == Registration.Status.CONFIRMED
    assert stored.search_text == registration.search_text != ""
    assert Answer.objects.get(registration=stored).value == "Health"
    email = OutboundEmail.objects.get(registration=stored)
    assert email.key == f"confirmation:{stored.pk}"
    assert tasks.runs_of(tasks.deliver_email, [email.pk]).count() == 1


@on_postgresql
def test_the_event_is_free_for_others_as_soon_as_the_writes_return(event, monkeypatch):
    others = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    free_after_the_writes = []
    send = together.Writes.send

    def send_then_try_the_lock(written, **kwargs):
        send(written, **kwargs)
        try:
            others.execute("SELECT 1 FROM events_event WHERE id = %s FOR UPDATE NOWAIT", [event.pk])
        except psycopg.errors.LockNotAvailable:
            free_after_the_writes.append(False)
        else:
            free_after_the_writes.append(True)
        free_after_the_writes.append(connection.connection.info.transaction_status.name)

    monkeypatch.setattr(together.Writes, "send", send_then_try_the_lock)
    try:
        services.register(event=event, name="Ada", email="ada@example.org")
    finally:
        others.close()

    assert free_after_the_writes == [True, "IDLE"]
    assert Registration.objects.filter(event=event, email="ada@example.org").exists()


def test_a_registration_inside_another_transaction_is_committed_with_it(event):
    """Where the caller's transaction goes on after the registration, the writes do not end it:
    rolled back, the registration and its email are gone."""
    with pytest.raises(RuntimeError), transaction.atomic():
        services.register(event=event, name="Ada", email="ada@example.org")
        raise RuntimeError("the caller fails after registering")

    assert not Registration.objects.filter(event=event).exists()
    assert not OutboundEmail.objects.filter(event=event).exists()
    assert PlaceCounts.objects.filter(event=event, confirmed__gt=0).count() == 0


def test_the_rows_written_are_those_the_orm_writes(event):
    question = QuestionFactory(event=event, kind=Question.Kind.SHORT_TEXT, label="Why?")
    registration = services.register(
        event=event,
        name="Ada Lovelace",
        email="Ada@Example.org",
        organisation="Analytical",
        answers={question: "To learn"},
        language="es",
    )

    stored = Registration.objects.get(pk=registration.pk)
    assert (stored.name, stored.email, stored.organisation, stored.language) == (
        "Ada Lovelace", "Ada@Example.org", "Analytical", "es",
    )  # fmt: skip
    assert stored.created_at is not None and stored.updated_at is not None
    assert stored.token == registration.token
    saved_by_the_orm = Registration(
        name="Ada Lovelace", email="Ada@Example.org", organisation="Analytical"
    )
    saved_by_the_orm.prepare_to_save()
    assert stored.search_text == saved_by_the_orm.search_text
    assert "ada lovelace" in stored.search_text
    answer = Answer.objects.get(registration=stored)
    assert (answer.question_id, answer.question_label, answer.value) == (
        question.pk, "Why?", "To learn",
    )  # fmt: skip
    email = OutboundEmail.objects.get(registration=stored)
    assert email.compose_later and email.event_id == event.pk
    assert PlaceCounts.objects.get(event=event).confirmed == 1


def test_a_delivery_row_is_the_row_the_backend_enqueues():
    event = EventFactory()
    registration = services.register(event=event, name="Ada", email="ada@example.org")
    email = OutboundEmail.objects.get(registration=registration)
    with transaction.atomic():
        enqueued = DBTaskResult.objects.get(pk=tasks.deliver_email.enqueue(email.pk).id)
    built = tasks.delivery_row(email)
    built.save(force_insert=True)
    built.refresh_from_db()

    names = [field.attname for field in DBTaskResult._meta.concrete_fields]
    different = {"id", "enqueued_at"}
    assert {name: getattr(built, name) for name in names if name not in different} == {
        name: getattr(enqueued, name) for name in names if name not in different
    }


def test_a_failed_insert_among_the_writes_leaves_nothing_written():
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ids = locking.locked_event(event, new_ids=(Registration, Registration)).new_ids
        written = together.Writes()
        first = Registration(event=event, name="A", email="a@example.org", pk=ids[0])
        written.insert(first)
        again = Registration(event=event, name="B", email="A@example.org", pk=ids[1])
        written.insert(again)  # the same address, active at the same event
        written.send()

    assert not Registration.objects.filter(event=event).exists()


def test_rows_with_and_without_ids_are_not_inserted_together():
    event = EventFactory()
    written = together.Writes(together=True)
    with pytest.raises(ValueError, match="ids"):
        written.insert(
            Registration(event=event, name="A", email="a@example.org", pk=10**9),
            Registration(event=event, name="B", email="b@example.org"),
        )


def test_an_insert_is_the_statement_the_orm_compiles():
    event = EventFactory()
    rows = [
        Registration(event=event, name="Ada", email="ada@example.org", pk=10**9),
        OutboundEmail(event=event, kind="confirmation", key="k", recipient="ada@example.org"),
        tasks.delivery_row(OutboundEmail(pk=1)),
    ]
    for row in rows:
        meta = type(row)._meta
        fields = [f for f in meta.local_concrete_fields if row.pk or f is not meta.auto_field]
        query = InsertQuery(type(row))
        query.insert_values(fields, [row])
        [(compiled, _params)] = query.get_compiler(connection=connection).as_sql()
        assert together._insert_sql(type(row), tuple(fields), 1) == compiled


def test_a_value_computed_by_the_database_is_inserted_as_the_orm_inserts_it():
    event = EventFactory()
    written = together.Writes()
    registration = Registration(
        event=event, name="Ada", email="ada@example.org", privacy_consent_at=Now()
    )
    with transaction.atomic():
        if written.together:
            registration.pk = locking.locked_event(event, new_ids=(Registration,)).new_ids[0]
        written.insert(registration)
        written.send()

    assert Registration.objects.get(event=event).privacy_consent_at is not None


@on_postgresql
def test_a_message_is_written_as_psycopgs_client_side_cursors_write_it():
    import datetime
    import decimal
    import uuid

    from psycopg.types.json import Jsonb

    statements = [
        ("SELECT %s, %s, %s", ["it's", "back\\slash", None]),
        ("SELECT 'a%%s' || %s, %s LIKE '100%%'", ["%s%%", "100 places"]),
        (
            "SELECT %s, %s, %s, %s, %s, %s",
            [
                datetime.datetime(2026, 11, 29, 10, 30, tzinfo=datetime.UTC),
                decimal.Decimal("12.50"),
                uuid.UUID("12345678-1234-5678-1234-567812345678"),
                Jsonb({"args": [1], "name": "Año ☕"}),
                True,
                2**40,
            ],
        ),
    ]
    connection.ensure_connection()
    with psycopg.ClientCursor(connection.connection) as client_side:
        expected = client_side.mogrify(
            "; ".join(sql for sql, _ in statements),
            [value for _, params in statements for value in params],
        )
    assert together._message(statements).decode() == expected
    with connection.cursor() as cursor:
        cursor.execute(together._message(statements[1:2]))
        assert cursor.fetchall() == [("a%s%s%%", True)]


def test_a_message_with_a_parameter_missing_is_refused():
    if not together.sent_together():
        pytest.skip("statements are sent together on PostgreSQL only")
    with pytest.raises(ValueError, match="2 placeholders for 1 parameters"):
        together._message([("SELECT %s, %s", [1])])


def _email(event, key: str) -> OutboundEmail:
    return OutboundEmail(
        kind="confirmation",
        key=key,
        event=event,
        recipient=f"{key}@example.org",
        subject="Subject",
        details={"times": [1, "two"], "none": None},
        message_id=f"<{key}@example.org>",
        next_attempt_at=timezone.now(),
    )


@on_postgresql
def test_statements_on_a_condition_run_where_it_holds_only(event):
    with transaction.atomic():
        written = together.Writes()
        written.when(("1 = %s", [1]))
        written.insert(_email(event, "held"), _email(event, "also-held"))
        written.when(("1 = %s", [0]))
        written.insert(_email(event, "not-held"))
        written.execute(
            "UPDATE registrations_outboundemail SET attempts = 7 WHERE key = %s", ["held"]
        )

        assert written.send() == [1, 1, 0, 0]

    stored = OutboundEmail.objects.get(key="held")
    # Each value takes its column's type, NULL included, as a row inserted without a condition.
    assert stored.details == {"times": [1, "two"], "none": None}
    assert stored.sent_at is None
    assert stored.attempts == 0
    assert OutboundEmail.objects.filter(key="also-held").exists()
    assert not OutboundEmail.objects.filter(key="not-held").exists()


def test_statements_run_one_by_one_take_no_condition():
    written = together.Writes(together=False)

    with pytest.raises(ValueError):
        written.when(("TRUE", []))


def _prepared_in_session() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@on_postgresql
def test_a_statement_is_prepared_once_in_each_session():
    event = EventFactory(slug="prepared-once")
    statements = [("SELECT id FROM events_event WHERE slug = %s AND capacity < %s", ["x", 2**40])]
    connection.close()  # a new session

    with CaptureQueriesContext(connection) as first:
        assert together.read_together(statements) == [[]]
    statements[0][1][0] = event.slug
    with CaptureQueriesContext(connection) as second:
        assert together.read_together(statements) == [[(event.pk,)]]

    [preparing, executing] = [query["sql"] for query in first.captured_queries]
    assert preparing.startswith("PREPARE turnout_") and "(unknown, bigint)" in preparing
    assert executing == f"EXECUTE {preparing.split()[1]}('x', {2**40})"
    assert [query["sql"] for query in second.captured_queries] == [
        f"EXECUTE {preparing.split()[1]}('prepared-once', {2**40})"
    ]
    assert preparing.split()[1] in _prepared_in_session()


@on_postgresql
def test_after_a_failed_preparation_the_session_prepares_again_from_nothing():
    connection.close()
    good = ("SELECT %s::int + 1", [1])
    with pytest.raises(ProgrammingError):
        # The first is prepared before the second fails, and stays prepared.
        together.read_together([good, ("SELECT %s FROM no_such_table", [1])])
    assert len(_prepared_in_session()) == 1

    assert together.read_together([good]) == [[(2,)]]
    assert len(_prepared_in_session()) == 1


@on_postgresql
def test_a_statement_prepared_in_a_transaction_rolled_back_stays_prepared(event):
    connection.close()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.register(event=event, name="Ada", email="ada@example.org")
        raise RuntimeError("the caller fails after registering")

    services.register(event=event, name="Bo", email="bo@example.org")
    assert Registration.objects.filter(event=event).count() == 1


@on_postgresql
def test_without_prepared_statements_the_values_are_written_into_the_statements(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    connection.close()
    statements = [("SELECT %s::int + 1", [1])]

    with CaptureQueriesContext(connection) as queries:
        assert together.read_together(statements) == [[(2,)]]

    assert [query["sql"] for query in queries.captured_queries] == ["SELECT 1::int + 1"]
    assert not _prepared_in_session()


@on_postgresql
def test_values_are_written_for_the_connection_of_the_moment():
    statements = [("SELECT %s, %s", ["it's", "back\\slash"])]
    assert together.read_together(statements) == [[("it's", "back\\slash")]]

    connection.close()  # the next message goes to a new session

    assert together.read_together(statements) == [[("it's", "back\\slash")]]


def test_strings_of_text_fields_go_as_they_are_and_others_as_their_field_prepares_them():
    from django.db.models import CharField, EmailField, TextField

    class Lowered(CharField):
        def get_prep_value(self, value):
            return super().get_prep_value(value).lower()

    values = [
        (CharField(max_length=10), "ABC"),
        (EmailField(), "Ada@Example.org"),
        (TextField(), "Line\nline"),
        (Lowered(max_length=10), "ABC"),
        (CharField(max_length=10), 12),  # not a string: prepared by the field
    ]

    assert together._prepared_values(values, connection) == [
        "ABC",
        "Ada@Example.org",
        "Line\nline",
        "abc",
        "12",
    ]


def _person(event, email: str, pk: int) -> Registration:
    return Registration(
        event=event, name="A", email=email, pk=pk, privacy_consent_at=timezone.now()
    )


def _written_in_own_transaction(event, *emails: str) -> None:
    """Registrations of ``emails`` written together, in a transaction of their own that has
    sent nothing before them."""
    ids = together.read_together([together.new_ids(*[Registration] * len(emails))])[0][0]
    with transaction.atomic():
        written = together.Writes()
        for email, pk in zip(emails, ids, strict=True):
            written.insert(_person(event, email, pk))
        written.send(ending=True)


def _prepared(event, *emails: str) -> None:
    """The statements of ``_written_in_own_transaction`` prepared in the session, nothing
    written."""
    try:
        with transaction.atomic():
            _written_in_own_transaction(event, *emails)
            transaction.set_rollback(True)
    except IntegrityError:
        pass


@on_postgresql
def test_writes_that_are_all_their_transaction_has_are_sent_without_a_begin(event):
    _prepared(event, "a@example.org")
    with messages_sent() as sent:
        _written_in_own_transaction(event, "a@example.org")

    # The ids, then the writes as one transaction.
    assert len(sent) == 2 and sent[1].startswith("EXECUTE ")
    assert Registration.objects.filter(event=event).count() == 1
    # Django's view of the connection is as after any transaction.
    assert connection.get_autocommit()
    assert connection.connection.info.transaction_status.name == "IDLE"


@on_postgresql
def test_writes_that_are_all_their_transaction_has_and_fail_leave_nothing_written(event):
    _prepared(event, "a@example.org", "A@example.org")
    with messages_sent() as sent, pytest.raises(IntegrityError):
        # The same address twice: the second insert fails on the unique index.
        _written_in_own_transaction(event, "a@example.org", "A@example.org")

    assert len(sent) == 2  # the writes as one transaction: the first is rolled back with it
    assert not Registration.objects.filter(event=event).exists()
    assert connection.connection.info.transaction_status.name == "IDLE"
    services.register(event=event, name="Ada", email="ada@example.org")  # the session works
    assert Registration.objects.filter(event=event).count() == 1


@on_postgresql
def test_a_transaction_of_another_isolation_level_begins_as_it_is_set(event):
    _prepared(event, "a@example.org")
    connection.connection.isolation_level = psycopg.IsolationLevel.SERIALIZABLE
    try:
        with messages_sent() as sent:
            _written_in_own_transaction(event, "a@example.org")
    finally:
        connection.connection.isolation_level = None

    assert sent[1:] == ["BEGIN ISOLATION LEVEL SERIALIZABLE", sent[2]]
    assert sent[2].endswith("; COMMIT")
    assert Registration.objects.filter(event=event).count() == 1
