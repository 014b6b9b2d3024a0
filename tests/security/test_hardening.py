"""Hardened by default: what a production installation does without anyone choosing it."""

import io
import logging
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from django.core.cache.backends import db
from django.db import connection, connections

from config.cache import DatabaseCache
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
        if name
        not in {"CACHE_URL", "EMAIL_HOST", "HTTPS_ONLY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
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
    return server, wait_for(server, log)


def wait_for(server: subprocess.Popen, log: Path) -> str:
    """The URL of a starting gunicorn, once it answers; its log says where it listens."""
    deadline = time.monotonic() + 30
    while True:
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
        if found:
            url = found.group(1)
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310
                    return url
            except OSError:
                pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError(log.read_text())
        time.sleep(0.2)


@pytest.fixture(scope="module", params=["", REDIS_URL], ids=["default-cache", "redis"])
def two_servers(request, tmp_path_factory):
    """Two web processes of one installation (one SQLite file), each with its own memory;
    started once for the tests of each cache, which count different limits."""
    cache_url = request.param
    tmp_path = tmp_path_factory.mktemp("two-servers")
    if cache_url.startswith("redis://"):
        redis.Redis.from_url(cache_url).flushdb()
    database = tmp_path / "shared.sqlite3"
    env = production_env(
        DATABASE_URL=f"sqlite:///{database}",
        HTTPS_ONLY="0",
        CACHE_URL=cache_url,
        # Its own static files: another test run on the machine may be collecting its own.
        STATIC_ROOT=str(tmp_path / "static"),
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


# Email in production


def test_check_refuses_printing_email_to_the_console_in_production(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db'}")
    del env["EMAIL_TO_CONSOLE"]

    result = manage("check", env=env)

    assert result.returncode == 1
    assert (
        "?: (turnout.E002) EMAIL_HOST is not set: the worker would print every email, "
        "personal links included, to its output and mark it sent."
    ) in result.stderr


@pytest.mark.parametrize(
    "choice",
    [{"EMAIL_TO_CONSOLE": "1"}, {"EMAIL_HOST": "smtp.example.org"}, {"DEBUG": "1"}],
    ids=["console-chosen", "smtp", "debug"],
)
def test_check_accepts_email_sent_or_printed_by_choice(tmp_path, choice):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db'}")
    del env["EMAIL_TO_CONSOLE"]
    env.update(choice)

    result = manage("check", env=env)

    assert (result.returncode, result.stderr) == (0, "")


# HTTPS


def hsts_header(tmp_path, **overrides: str) -> str:
    """The Strict-Transport-Security header that production sends over HTTPS."""
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db'}", **overrides)
    env["ALLOWED_HOSTS"] = "testserver"
    show = (
        "from django.test import Client; "
        "print(Client().get('/healthz', secure=True).headers['Strict-Transport-Security'])"
    )
    result = manage("shell", "-v0", "-c", show, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_hsts_leaves_other_subdomains_alone_by_default(tmp_path):
    assert hsts_header(tmp_path) == "max-age=31536000"


def test_hsts_subdomains_and_preload_by_choice(tmp_path):
    header = hsts_header(tmp_path, HSTS_INCLUDE_SUBDOMAINS="1", HSTS_PRELOAD="1")

    assert header == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.parametrize(
    ("choice", "silenced"),
    [({}, 2), ({"HSTS_INCLUDE_SUBDOMAINS": "1", "HSTS_PRELOAD": "1"}, 0)],
    ids=["default", "subdomains-and-preload"],
)
def test_check_deploy_clean_in_production(tmp_path, choice, silenced):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db'}", **choice)

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"System check identified no issues ({silenced} silenced).\n"


# Personal links in logs

TOKEN = "Zq3vN8xK2mP5rT7wY9aB4cD6eF1gH0jL"


@pytest.fixture
def root_log():
    """What the root logger's handlers (as settings configure them) write."""
    output = io.StringIO()
    # The handlers of settings.LOGGING, not those the test run adds.
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if type(handler) is logging.StreamHandler
    ]
    assert handlers
    streams = [handler.setStream(output) for handler in handlers]
    yield output
    for handler, stream in zip(handlers, streams, strict=True):
        handler.setStream(stream)


@pytest.mark.django_db
def test_not_found_warning_does_not_log_the_personal_link(client, root_log):
    response = client.get(f"/registration/{TOKEN}/cancel/?from={TOKEN}")

    assert response.status_code == 404
    assert root_log.getvalue() == "Not Found: /registration/[redacted]/cancel/\n"


def test_log_records_redact_personal_links_in_message_and_arguments(root_log):
    log = logging.getLogger("registrations.views")

    log.warning("Forbidden (CSRF token missing.): %s", f"/registration/{TOKEN}/delete/")
    log.warning(f"Opened https://events.example.org/registration/{TOKEN}/ twice")
    log.warning("Lost link page: %s", "/registration/lost/")

    assert root_log.getvalue().splitlines() == [
        "Forbidden (CSRF token missing.): /registration/[redacted]/delete/",
        "Opened https://events.example.org/registration/[redacted]/ twice",
        "Lost link page: /registration/lost/",
    ]


def test_development_server_log_redacts_personal_links(capsys):
    server_log = logging.getLogger("django.server")
    output = io.StringIO()
    handler = server_log.handlers[0]
    stream = handler.setStream(output)
    try:
        server_log.info('"%s" %s %s', f"GET /registration/{TOKEN}/ HTTP/1.1", "200", "5120")
    finally:
        handler.setStream(stream)

    assert TOKEN not in output.getvalue()
    assert '"GET /registration/[redacted]/ HTTP/1.1" 200 5120' in output.getvalue()


def test_gunicorn_access_log_redacts_personal_links(tmp_path):
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db'}",
        HTTPS_ONLY="0",
        ACCESS_LOG="1",
        # Its own static files, collected here: the pages it answers (its 404 among them)
        # name them, and production's storage refuses a page whose files were not collected.
        STATIC_ROOT=str(tmp_path / "static"),
    )
    for args in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        result = manage(*args, env=env)
        assert result.returncode == 0, result.stderr
    log = tmp_path / "server.log"
    output = log.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py",
         "--workers", "1", "--bind", "127.0.0.1:0"],
        cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        url = wait_for(server, log)
        request = urllib.request.Request(  # noqa: S310 - the test's own server on loopback
            f"{url}/registration/{TOKEN}/?again={TOKEN}",
            headers={"Referer": f"{url}/registration/{TOKEN}/"},
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=10)  # noqa: S310
    finally:
        server.terminate()
        server.wait(timeout=30)
        output.close()

    lines = log.read_text().splitlines()
    assert TOKEN not in log.read_text()
    assert "Not Found: /registration/[redacted]/" in lines
    access = [line for line in lines if '"GET /registration/' in line]
    assert len(access) == 1
    assert '"GET /registration/[redacted]/?again=[redacted] HTTP/1.1" 404' in access[0]
    assert f'"{url}/registration/[redacted]/"' in access[0]


def increments_counted(cache_class) -> int:
    """Six connections increment one key ten times each, all at once; what the cache holds."""
    shared = cache_class("turnout_cache", {})
    # The cache table outlives each test's data: start from nothing.
    shared.clear()
    shared.add("limit:test", 0, timeout=60)
    start = threading.Barrier(6)

    def count(_worker):
        start.wait(timeout=30)
        try:
            for _request in range(10):
                shared.incr("limit:test")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(count, range(6)))
    counted = shared.get("limit:test")
    shared.clear()
    return counted


# SQLite's in-memory test database cannot be shared by threads; the two-process tests above
# cover SQLite, on a file as production has it.
needs_row_locks = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="needs row locks; SQLite: the two-process tests"
)


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_database_cache_increments_from_many_connections_all_count():
    assert increments_counted(DatabaseCache) == 60


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_database_cache_control_django_own_increments_lose_counts():
    assert increments_counted(db.DatabaseCache) < 60
