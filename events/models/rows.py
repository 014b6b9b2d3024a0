"""Model instances from written-out queries, for the reads of a registration: the hot path where
compiling the ORM's query took longer than the database took to answer it.

A query selects a model's columns with ``columns(model, alias)``; ``instance`` turns the values
of a row (``split`` cuts a joined row into each model's part) into the model's instance,
converted as the ORM converts them.
"""

import functools
from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


def columns(model: type[Model], alias: str) -> str:
    return _columns(model, alias, connection.vendor)


@functools.cache
def _columns(model: type[Model], alias: str, vendor: str) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{quote(alias)}.{quote(field.column)}" for field in _fields(model))


def split(row: Sequence, *models: type[Model], rest: bool = False) -> list[Sequence]:
    """The values of each of ``models`` in ``row``, which selected their ``columns`` in order;
    with ``rest``, then the values of the columns selected after them."""
    parts, start = [], 0
    for model in models:
        end = start + len(_fields(model))
        parts.append(row[start:end])
        start = end
    if rest:
        parts.append(row[start:])
    return parts


def instance(model: type[Model], values: Sequence) -> Model:
    values = list(values)
    for index, column, converters in _converters(model, connection.vendor):
        for converter in converters:
            values[index] = converter(values[index], column, connection)
    return model.from_db(connection.alias, [field.attname for field in _fields(model)], values)


def _fields(model: type[Model]) -> list:
    return model._meta.concrete_fields


@functools.cache
def _converters(model: type[Model], vendor: str) -> list:
    """The ORM's conversions of ``model``'s columns as ``vendor``'s driver gives them."""
    found = []
    for index, field in enumerate(_fields(model)):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            found.append((index, column, converters))
    return found
