"""Reading the messages sent to PostgreSQL when statements are prepared in the session."""

import re

from django.db import connection

_EXECUTE = re.compile(r"EXECUTE (\w+)\(")


def as_prepared(message: str) -> str:
    """``message`` with each ``EXECUTE name(`` of a statement this session prepared written as
    the statement's own text, followed by its values in brackets."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        prepared = {name: text.split(" AS ", 1)[1] for name, text in cursor.fetchall()}
    return _EXECUTE.sub(lambda found: f"{prepared[found.group(1)]} -- (", message)
