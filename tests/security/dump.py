"""Everything the database holds, read with plain SQL: what a backup of it would show."""

import json

from django.apps import apps
from django.db import connection


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    if text[:1] in ("{", "["):
        # JSON stored as text escapes what is not ASCII: read it as written, too.
        try:
            return text + " " + json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


def database_text() -> dict[str, str]:
    """Every row of every table of the database, one text per table.

    Every table the database has, not only those of the models: a table no model names, or
    a model someone adds later, is read too.
    """
    dump = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump[table] = "\n".join(
                " | ".join(_text(value) for value in row) for row in cursor.fetchall()
            )
    models = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    missing = models - set(dump)
    assert not missing, f"The dump misses the tables {sorted(missing)}"
    return dump


def tables_holding(dump: dict[str, str], *needles: str) -> dict[str, list[str]]:
    """Which tables hold which of ``needles``, case-insensitive; empty when none does."""
    found = {}
    for table, text in dump.items():
        lowered = text.casefold()
        hits = [needle for needle in needles if needle.casefold() in lowered]
        if hits:
            found[table] = hits
    return found
