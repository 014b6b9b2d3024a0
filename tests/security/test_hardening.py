"""Hardened by default: what a production installation does without anyone choosing it."""

import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import redis
from django.db import connection

from config.settings import cache_from_url
from tests.registrations.burst import burst, post

ROOT = Path(__file__).resolve().parents[2]
# This clone's own Redis database, emptied by the tests that use it.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")

PRODUCTION_ENV = {
    "SECRET_KEY": "hardening-test-secret-key-7f3a9c1e5b2d8f4a6c0e9b7d5f3a1c8e",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "EMAIL_TO_CONSOLE": "1",
}


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production process: DEBUG off, nothing else chosen."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"CACHE_URL", "EMAIL_HOST", "EMAIL_BACKEND", "HTTPS_ONLY"}
    }
    return {**env, **PRODUCTION_ENV, **overrides}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# The shared cache


def test_cache_url_default_is_the_database_cache_shared_by_all_processes():
    assert cache_from_url("") == {
        "BACKEND": "config.cache.DatabaseCache",
        "LOCATION": "turnout_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }


def test_cache_url_explicit_choices_kept():
    assert cache_from_url("redis://127.0.0.1:6379/5") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/5",
    }
    assert cache_from_url("locmem://") == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
    }
    assert cache_from_url("dummy://") == {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    assert cache_from_url("db://") == cache_from_url("")


@pytest.mark.django_db
def test_cache_table_created_by_migrate():
    assert "turnout_cache" in connection.introspection.table_names()


def test_check_refuses_a_per_process_cache_in_production(tmp_path):
    env = production_env(CACHE_URL="locmem://", DATABASE_URL=f"sqlite:///{tmp_path / 'db'}")

    result = manage("check", env=env)

    assert result.returncode == 1
    assert (
        "?: (turnout.E001) CACHE_URL is a cache of each process (locmem://): every web process "
        "would count rate limits on its own."
    ) in result.stderr


def test_check_accepts_a_per_process_cache_while_debugging(tmp_path):
    env = production_env(
        CACHE_URL="locmem://", DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db'}"
    )

    result = manage("check", env=env)

    assert (result.returncode, result.stderr) == (0, "")


LIMIT = 4
EVENT = """
from datetime import timedelta
from django.utils import timezone
from events.models import Event, Organiser
organiser = Organiser.objects.create(name="Shared", slug="shared")
start = timezone.now() + timedelta(days=7)
Event.objects.create(title="Shared", slug="shared", organiser=organiser, status="published",
                     starts_at=start, ends_at=start + timedelta(hours=2), capacity=100)
"""


def start_server(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    """One gunicorn process on a port of the system's choosing; returns it and its URL."""
    output = log.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--worker-class", "gthread",
         "--workers", "1", "--threads", "4", "--bind", "127.0.0.1:0"],
        cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
        if found:
            url = found.group(1)
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310
                    return server, url
            except OSError:
                pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError(log.read_text())
        time.sleep(0.2)


@pytest.fixture(params=["", REDIS_URL], ids=["default-cache", "redis"])
def two_servers(request, tmp_path):
    """Two web processes of one installation (one SQLite file), each with its own memory."""
    cache_url = request.param
    if cache_url.startswith("redis://"):
        redis.Redis.from_url(cache_url).flushdb()
    database = tmp_path / "shared.sqlite3"
    env = production_env(
        DATABASE_URL=f"sqlite:///{database}",
        HTTPS_ONLY="0",
        CACHE_URL=cache_url,
        REGISTRATIONS_PER_ADDRESS_PER_HOUR=str(LIMIT),
        LOG_LEVEL="WARNING",
    )
    setup = (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"])
    for args in (*setup, ["shell", "-c", EVENT]):
        result = manage(*args, env=env)
        assert result.returncode == 0, result.stderr
    servers = []
    try:
        for number in range(2):
            servers.append(start_server(env, tmp_path / f"server{number}.log"))
        yield [url for _server, url in servers], database
    finally:
        for server, _url in servers:
            server.terminate()
            server.wait(timeout=30)
        if cache_url.startswith("redis://"):
            redis.Redis.from_url(cache_url).flushdb()


def test_registration_limit_per_address_holds_across_processes(two_servers):
    urls, database = two_servers
    requests = [
        (
            f"{urls[index % 2]}/events/shared/register/",
            {"name": f"Person {index}", "email": f"p{index}@example.org", "privacy_consent": "on"},
        )
        for index in range(5 * LIMIT)
    ]

    codes = burst(requests, concurrency=8)

    with sqlite3.connect(database) as db:
        (registered,) = db.execute("SELECT COUNT(*) FROM registrations_registration").fetchone()
    assert sorted(codes) == [302] * LIMIT + [429] * (4 * LIMIT)
    assert registered == LIMIT


def test_lost_link_limit_per_email_address_holds_across_processes(two_servers):
    urls, database = two_servers

    codes = [
        post(f"{urls[index % 2]}/registration/lost/", {"email": "ana@example.org"})
        for index in range(8)
    ]

    with sqlite3.connect(database) as db:
        (queued,) = db.execute(
            "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE task_path LIKE ?",
            ["%send_personal_links"],
        ).fetchone()
    assert codes == [302] * 8
    assert queued == 3
