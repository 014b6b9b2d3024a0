"""Django's PostgreSQL backend, with a check of a kept connection that asks the server
nothing while the connection is idle and the server has said nothing."""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        """Whether a connection kept from an earlier request still works: run at the first
        query of each request (CONN_HEALTH_CHECKS) and after a request whose queries failed.

        A session the server ended (a restart, `idle_session_timeout`,
        `pg_terminate_backend`) has sent its last message and closed the socket, so the
        socket has something to read. A live, idle session has nothing to say: it is usable
        without the round trip of Django's `SELECT 1`, which is kept for every other case."""
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if (
            not hasattr(select, "poll")
            or connection.info.transaction_status != pq.TransactionStatus.IDLE
        ):
            return super().is_usable()
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN)
        if poller.poll(0):
            return super().is_usable()
        return True
