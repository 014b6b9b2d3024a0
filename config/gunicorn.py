"""Gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`.

Each can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import os
import sys
from pathlib import Path

from gunicorn.glogging import Logger

# Gunicorn reads this file before it imports the application.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from config.log_filters import redact  # noqa: E402

bind = os.environ.get("BIND", "0.0.0.0:8000")
worker_class = "gthread"
# One process for each core, of a few threads each: Python runs one thread of a process at a
# time, and another thread runs while one waits for the database. More processes than cores
# take turns on them, each finding the processor's caches filled by the others.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A process takes a connection only when one of its threads is free, and closes it after the
# response: a new request goes to whichever process can serve it first, instead of queueing
# behind the busy process that happened to accept its connection earlier. A proxy in front
# keeps visitors' connections open (and terminates TLS). `worker_connections` follows the
# threads, also when they are given on the command line (see `on_starting`, `on_reload`).
worker_connections = threads
keepalive = 0
backlog = 2048
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-" if os.environ.get("ACCESS_LOG") else None


class RedactingLogger(Logger):
    """Gunicorn's logger, with personal links redacted from the access log (request line,
    query string, Referer and every other field)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            name: redact(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }


logger_class = RedactingLogger


def on_starting(server):
    server.cfg.set("worker_connections", server.cfg.threads)


# A reload (SIGHUP) reads the configuration again before it starts the new processes.
on_reload = on_starting
