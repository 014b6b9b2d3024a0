"""Sending a change's statements together: the rows a registration writes while its event's lock
is held reach PostgreSQL in one round trip.

Each round trip under the lock is a moment when everyone waiting for the event waits for this
process to get a core back, read the answer and send the next statement. With the reads in one
round trip (``read_together``) and the writes in another (``Writes``), a registration holds the
lock for two answers, whatever number of rows it writes: where its transaction is its own, the
commit goes in the message of the writes (``send(ending=True)``).

PostgreSQL runs statements sent in one message one after the other, each with its own snapshot,
so a statement sent after a lock sees what the lock's holder committed. Each statement with
parameters is prepared once in the database session and run by ``EXECUTE`` with its values
(``_prepared_message``): the server parses and plans it once, not on every request.

SQLite's driver takes one statement at a time, and its writes cost no round trip: there they
are run as they come.
"""

import hashlib
import re
import threading
import weakref
from collections.abc import Sequence
from contextlib import contextmanager, nullcontext
from functools import cache, lru_cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import CharField, Model, TextField
from django.db.models.sql import InsertQuery
from psycopg.adapt import Transformer
from psycopg.pq import TransactionStatus

Statement = tuple[str, Sequence]


def sent_together() -> bool:
    """Whether statements are sent to the database together."""
    return connection.vendor == "postgresql"


def read_together(statements: Sequence[Statement]) -> list[list[tuple]]:
    """The rows of each of ``statements``' answers, run in order."""
    if not sent_together():
        answers = []
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                answers.append(cursor.fetchall())
        return answers
    with connection.cursor() as cursor:
        cursor.execute(_prepared_message(statements))
        answers = [cursor.fetchall()]
        while cursor.nextset():
            answers.append(cursor.fetchall())
    return answers


def new_ids(*models: type[Model]) -> Statement | None:
    """The statement that takes an id for a new row of each of ``models`` from their
    sequences, so that rows that refer to each other can be written in one round trip; None
    where statements are not sent together (rows get their ids as they are inserted). Its row
    is the ids, in order; an id taken and not used is skipped."""
    if not sent_together():
        return None
    return (
        "SELECT " + ", ".join(["nextval(pg_get_serial_sequence(%s, %s))"] * len(models)),
        [value for model in models for value in (model._meta.db_table, model._meta.pk.column)],
    )


class Writes:
    """Inserts and other statements of one change, in order: sent together by ``send`` where
    ``sent_together()``, else each run at once. Rows that others refer to need their ids before
    they are added (``new_ids``, read with the lock) where statements are sent together.

    A row is inserted as ``bulk_create`` inserts it: the model's ``save()`` is not called, but
    its ``prepare_to_save()`` is, if it has one, and each field's ``pre_save`` (``auto_now``).
    """

    def __init__(self, *, together: bool | None = None):
        self.together = sent_together() if together is None else together
        self.statements: list[Statement] = []
        self.condition: Statement | None = None

    def when(self, condition: Statement) -> None:
        """Run each statement added from now on only where ``condition`` (an SQL condition and
        its parameters) holds when it runs, where statements are sent together: an insert's
        rows are selected where it holds, and it is added to the ``WHERE`` clause that ends a
        statement given to ``execute``."""
        if not self.together:
            raise ValueError("statements run one by one are run at once, conditions or not")
        self.condition = condition

    def insert(self, *rows: Model) -> None:
        """Insert ``rows``, all of one model."""
        for row in rows:
            if hasattr(row, "prepare_to_save"):
                row.prepare_to_save()
        model = type(rows[0])
        meta = model._meta
        fields = meta.local_concrete_fields
        if any(row.pk is None for row in rows):
            if self.together and not all(row.pk is None for row in rows):
                raise ValueError("rows of one insert have ids, or none has")
            if not self.together:
                model.objects.bulk_create(rows)
                return
            fields = [field for field in fields if field is not meta.auto_field]
        values = [(field, field.pre_save(row, add=True)) for row in rows for field in fields]
        computed = any(hasattr(value, "resolve_expression") for _, value in values)
        db = connections[DEFAULT_DB_ALIAS]  # not through the proxy for each value
        if self.condition is not None:
            sql = _insert_sql(model, tuple(fields), 1, selected=True)
            if computed or sql is None:
                raise ValueError("a row inserted under a condition has each value given")
            # One statement for each row: the values of a row selected by itself take the
            # types of their columns, as those of a VALUES list would not.
            prepared = _prepared_values(values, db)
            for start in range(0, len(prepared), len(fields)):
                self.execute(sql, prepared[start : start + len(fields)])
        elif (sql := _insert_sql(model, tuple(fields), len(rows))) is not None and not computed:
            self.execute(sql, _prepared_values(values, db))
        else:  # as the ORM writes them
            query = InsertQuery(model)
            query.insert_values(fields, rows)
            for statement in query.get_compiler(connection=connection).as_sql():
                self.execute(*statement)
        for row in rows:
            row._state.adding = False
            row._state.db = connection.alias

    def execute(self, sql: str, params: Sequence = ()) -> None:
        if not self.together:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
            return
        if self.condition is not None:
            condition, condition_params = self.condition
            sql, params = f"{sql} AND ({condition})", [*params, *condition_params]
        self.statements.append((sql, params))

    def send(self, *, ending: bool = False) -> list[int]:
        """Run the statements kept to be sent together, in one round trip; returns how many
        rows each of them gave or changed, in order.

        ``ending``: they are the last of the transaction. Where the transaction is this
        ``atomic`` block's own (not one inside another), it ends with them, so that the locks
        it holds are released without waiting for this process to answer once more; the
        block's own commit then has nothing left to do. Nothing may be written after them in
        the block. Where they are all the transaction has (``_alone``), PostgreSQL runs them
        as one transaction without the round trip of a ``BEGIN`` before them; else the commit
        goes in their message.
        """
        statements, self.statements = self.statements, []
        if not statements:
            return []
        kept = len(statements)  # the commit's answer is not one of theirs
        ending = ending and _transaction_is_its_own()
        alone = ending and _alone()
        if ending and not alone:
            statements.append(("COMMIT", ()))
        with _one_transaction() if alone else nullcontext():
            message = _prepared_message(statements)
            with connection.cursor() as cursor:
                cursor.execute(message)
                rows = [cursor.rowcount]
                while cursor.nextset():
                    rows.append(cursor.rowcount)
        return rows[:kept]


def _alone() -> bool:
    """Whether the transaction has sent nothing yet, and begins as a session's transactions
    begin by default (no isolation level or read-only mode of its own)."""
    connection.ensure_connection()
    session = connection.connection
    return (
        session.info.transaction_status == TransactionStatus.IDLE
        and session.isolation_level is None
        and session.read_only is None
    )


@contextmanager
def _one_transaction():
    """Inside it, the session sends each message without beginning a transaction first:
    PostgreSQL runs the statements of a message as one transaction, committed when the last
    one is done, or rolled back whole when one fails."""
    session = connection.connection
    session.autocommit = True
    try:
        yield
    finally:
        session.autocommit = False


def _prepared_values(values: Sequence[tuple], db) -> list:
    """Each value as its field gives it to the database (``get_db_prep_save``); a string of a
    text field as it is, which is what Django's text fields give back for one."""
    return [
        value
        if type(value) is str and _gives_strings_back(type(field))
        else field.get_db_prep_save(value, db)
        for field, value in values
    ]


@cache
def _gives_strings_back(field_class: type) -> bool:
    """Whether ``field_class`` prepares a string for the database as Django's ``CharField`` or
    ``TextField`` does: the string itself."""
    steps = ("get_db_prep_save", "get_db_prep_value", "get_prep_value", "to_python")
    return any(
        all(getattr(field_class, step) is getattr(text, step) for step in steps)
        for text in (CharField, TextField)
    )


@lru_cache(maxsize=256)
def _insert_sql(model: type[Model], fields: tuple, rows: int, *, selected=False) -> str | None:
    """The statement inserting ``rows`` rows of ``fields``, each value a parameter, as the
    ORM writes it; None for a field whose value needs its own placeholder (``get_placeholder``),
    which the ORM's compiler writes instead. ``selected``: one row, selected ``WHERE`` a
    condition that ``Writes.execute`` adds."""
    if any(hasattr(field, "get_placeholder") for field in fields):
        return None
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    if selected:
        return f"INSERT INTO {table} ({columns}) SELECT {values} WHERE TRUE"  # noqa: S608 - our own names
    row = f"({values})"
    return f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * rows)}"  # noqa: S608 - our own names


def _transaction_is_its_own() -> bool:
    """Whether the transaction was begun by the one ``atomic`` block that is open."""
    return len(connection.atomic_blocks) == 1 and connection.commit_on_exit


def _message(statements: Sequence[Statement]) -> bytes:
    """``statements`` as one message, their parameters written in as literals, as psycopg's
    client-side cursors write them. Its cursors work out the text around the placeholders of
    each query anew when the query is as long as these (thousands of characters); here that is
    done once for each set of statements."""
    connection.ensure_connection()
    adapt = _transformer(connection.connection)
    sql = "; ".join(sql for sql, _params in statements)
    params = [value for _sql, params in statements for value in params]
    parts = _parts_for(sql, params, adapt.encoding)
    message = [parts[0]]
    for value, text in zip(_literals(adapt, params), parts[1:], strict=True):
        message.append(value)
        message.append(text)
    return b"".join(message)


def _parts_for(sql: str, params: Sequence, encoding: str) -> tuple[bytes, ...]:
    """The text around the placeholders of ``sql``, refused unless there is one for each of
    ``params``."""
    parts = _text_around_placeholders(sql, encoding)
    if len(params) != len(parts) - 1:
        raise ValueError(f"{len(parts) - 1} placeholders for {len(params)} parameters")
    return parts


def _literals(adapt: Transformer, params: Sequence) -> list[bytes]:
    """Each of ``params`` as psycopg's client-side cursors write it into a statement."""
    literal = adapt.as_literal
    return [b"NULL" if value is None else literal(value) for value in params]


# What writes values as literals, for the connection of each thread.
_literal_writers = threading.local()


def _transformer(session) -> Transformer:
    """What writes values as literals on ``session``, kept from one message to the next as
    psycopg's cursors keep theirs: it finds how to write a type of value the first time it
    meets one. Each thread has its own connection, and a new one when it connects again."""
    adapt = getattr(_literal_writers, "adapt", None)
    if adapt is None or adapt.connection is not session:
        adapt = _literal_writers.adapt = Transformer(session)
    return adapt


# The statements each connection's session has prepared, by the connection; None where a
# message preparing some failed, so that which of them the session has is not known.
_prepared_by: "weakref.WeakKeyDictionary[object, set[str] | None]" = weakref.WeakKeyDictionary()


def _prepared_message(statements: Sequence[Statement]) -> bytes:
    """``statements`` as one message, each with parameters run as a statement its session
    prepared (``EXECUTE``), so that PostgreSQL parses and plans it once for the connection
    rather than on every request; their parameters are written in as ``_message`` writes them.

    The statements the session has not prepared yet are prepared first, in a round trip of
    their own. A statement prepared stays prepared whatever becomes of the transaction it was
    prepared in; if preparing them fails, the session forgets all it prepared the next time.
    With ``DATABASE_PREPARED_STATEMENTS`` off (a pooler sharing sessions between connections),
    the message is ``_message``'s."""
    if not settings.DATABASE_PREPARED_STATEMENTS:
        return _message(statements)
    connection.ensure_connection()
    session = connection.connection
    adapt = _transformer(session)
    prepared = _prepared_by.get(session, set())
    preparing: dict[str, bytes] = {}
    message = []
    for sql, params in statements:
        if not params:
            message.append(sql.encode(adapt.encoding))
            continue
        parts = _parts_for(sql, params, adapt.encoding)
        # An integer is a bigint, whatever the column it is compared with; the type of any
        # other value is the one its place in the statement gives it.
        types = tuple(
            "bigint" if isinstance(value, int) and not isinstance(value, bool) else "unknown"
            for value in params
        )
        name = _statement_name(sql, types)
        if (prepared is None or name not in prepared) and name not in preparing:
            numbered = [parts[0]]
            for number, text in enumerate(parts[1:], 1):
                numbered += [f"${number}".encode(), text]
            preparing[name] = f"PREPARE {name} ({', '.join(types)}) AS ".encode() + b"".join(
                numbered
            )
        values = b", ".join(_literals(adapt, params))
        message.append(f"EXECUTE {name}(".encode() + values + b")")
    if preparing:
        texts = list(preparing.values())
        if prepared is None:
            texts.insert(0, b"DEALLOCATE ALL")
            prepared = set()
        _prepared_by[session] = None
        with connection.cursor() as cursor:
            cursor.execute(b"; ".join(texts))
        _prepared_by[session] = prepared | preparing.keys()
    return b"; ".join(message)


@lru_cache(maxsize=256)
def _statement_name(sql: str, types: tuple[str, ...]) -> str:
    key = "\n".join([sql, *types]).encode()
    return "turnout_" + hashlib.blake2b(key, digest_size=12).hexdigest()


_PLACEHOLDER_OR_PERCENT = re.compile(r"%([s%])")


@lru_cache(maxsize=128)
def _text_around_placeholders(sql: str, encoding: str) -> tuple[bytes, ...]:
    """The text of ``sql`` before, between and after its placeholders (``%s``), each ``%%``
    read as ``%``."""
    parts, part, start = [], [], 0
    for found in _PLACEHOLDER_OR_PERCENT.finditer(sql):
        part.append(sql[start : found.start()])
        if found.group(1) == "%":
            part.append("%")
        else:
            parts.append("".join(part))
            part = []
        start = found.end()
    parts.append("".join(part) + sql[start:])
    return tuple(text.encode(encoding) for text in parts)
