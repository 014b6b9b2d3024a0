"""Reading the messages sent to PostgreSQL when statements are prepared in the session."""

import re
import tempfile
from contextlib import contextmanager

from django.db import connection
from psycopg import pq

_EXECUTE = re.compile(r"EXECUTE (\w+)\(")


def as_prepared(message: str) -> str:
    """``message`` with each ``EXECUTE name(`` of a statement this session prepared written as
    the statement's own text, followed by its values in brackets."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        prepared = {name: text.split(" AS ", 1)[1] for name, text in cursor.fetchall()}
    return _EXECUTE.sub(lambda found: f"{prepared[found.group(1)]} -- (", message)


@contextmanager
def messages_sent():
    """The text of each message the session sends PostgreSQL inside the block, as the server
    receives it (libpq's trace of the protocol): a ``BEGIN`` or ``COMMIT`` the driver sends is
    a message of its own, each a round trip."""
    connection.ensure_connection()
    session = connection.connection.pgconn
    sent: list[str] = []
    with tempfile.TemporaryFile("w+") as trace:
        session.trace(trace.fileno())
        session.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            yield sent
        finally:
            session.untrace()
        trace.seek(0)
        for line in trace:
            direction, _length, kind, text = line.rstrip("\n").split("\t", 3)
            if direction == "F" and kind == "Query":
                sent.append(text.strip().removeprefix('"').removesuffix('"'))
