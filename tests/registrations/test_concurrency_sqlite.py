"""A burst of registrations against a real multi-threaded server on a SQLite file.

SQLite has no row locks: Turnout opens every transaction with IMMEDIATE, so writers queue
for the database lock (waiting up to the busy timeout) instead of failing with "database
is locked", and the count inside the transaction is still exact.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.registrations.burst import burst, registration_form

ROOT = Path(__file__).resolve().parents[2]
PLACES = 10

CREATE_EVENT = f"""
from datetime import timedelta
from django.utils import timezone
from events.models import Event, Organiser
organiser = Organiser.objects.create(name="Burst", slug="burst")
start = timezone.now() + timedelta(days=7)
Event.objects.create(title="Burst", slug="burst", organiser=organiser, status="published",
                     starts_at=start, ends_at=start + timedelta(hours=2), capacity={PLACES})
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sqlite_server(tmp_path):
    database = tmp_path / "burst.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "burst-test-secret-key-burst-test-secret-key-burst-test",
        "DEBUG": "0",
        "HTTPS_ONLY": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_TO_CONSOLE": "1",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "shell", "-c", CREATE_EVENT], cwd=ROOT, env=env, check=True)
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--worker-class", "gthread",
             "--workers", "2", "--threads", "8", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(log.read_text()) from None
                time.sleep(0.2)
        yield url, database, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_sqlite_burst_exact_without_lock_errors(sqlite_server):
    url, database, log = sqlite_server
    requests = [(f"{url}/events/burst/register/", registration_form(i)) for i in range(4 * PLACES)]

    codes = burst(requests, concurrency=16)

    with sqlite3.connect(database) as db:
        counts = dict(
            db.execute("SELECT status, COUNT(*) FROM registrations_registration GROUP BY status")
        )
    assert codes == [302] * (4 * PLACES)
    assert counts == {"confirmed": PLACES, "waitlisted": 3 * PLACES}
    assert "database is locked" not in log.read_text()
