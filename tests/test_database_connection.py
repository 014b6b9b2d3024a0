"""A database connection kept from one request to the next (CONN_MAX_AGE) is checked before
its first query, and replaced when the server has ended its session."""

from unittest import mock

import psycopg
import pytest
from django.db import connection

from tests.waiting import eventually

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's sessions")


def end_session_of(pid: int) -> None:
    """The server ends the session, as a restart or `idle_session_timeout` would."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_a_live_idle_connection_is_usable_without_a_query():
    connection.ensure_connection()
    with mock.patch.object(
        psycopg.Cursor, "execute", side_effect=AssertionError("a query was sent")
    ) as execute:
        assert connection.is_usable()
    execute.assert_not_called()


@pytest.mark.django_db(transaction=True)
def test_a_connection_whose_session_the_server_ended_is_replaced():
    connection.ensure_connection()
    old_pid = connection.connection.info.backend_pid
    end_session_of(old_pid)
    assert eventually(lambda: not connection.is_usable())

    # What Django does before the first query of the next request.
    connection.health_check_enabled = True
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != old_pid


@pytest.mark.django_db
def test_a_connection_in_a_transaction_is_asked():
    # The socket does not say whether a transaction failed: the server is asked.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    with mock.patch.object(psycopg.Cursor, "execute") as execute:
        assert connection.is_usable()
    execute.assert_called_once_with("SELECT 1")
