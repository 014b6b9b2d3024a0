"""Where the time of one registration goes: the register POST run in this process through
Django's whole stack (middleware included), with the queries it makes; the median time of a
registration and the part of it this process spent on a core (without the profiler), then the
same number of registrations under cProfile.

    .venv/bin/python bench/profile_register.py [--requests 300] [--top 25]

Uses the PostgreSQL database of BENCH_PROFILE_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/turnout_bench_profile), migrated and given one event.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/turnout_bench_profile"


def ensure_database(url: str) -> None:
    """Creates the benchmark's database on its server the first time."""
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="a pstats sort key: tottime …")
    args = parser.parse_args()
    database = os.environ.get("BENCH_PROFILE_DATABASE_URL", DEFAULT_DATABASE)
    ensure_database(database)
    os.environ.update(
        DATABASE_URL=database,
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY="bench-only-secret-key-bench-only-secret-key-bench-only",  # noqa: S106
        DEBUG="0",
        HTTPS_ONLY="0",
        ALLOWED_HOSTS="testserver",
        EMAIL_TO_CONSOLE="1",
        REGISTRATIONS_PER_ADDRESS_PER_HOUR="0",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from events.models import Event, Organiser

    call_command("migrate", "--no-input", verbosity=0)
    organiser, _created = Organiser.objects.get_or_create(slug="profile", name="Profile")
    start = timezone.now() + timedelta(days=30)
    slug = f"profile-{time.time_ns()}"
    Event.objects.create(
        title="Profile", slug=slug, organiser=organiser, status="published", starts_at=start,
        ends_at=start + timedelta(hours=2), venue_name="Venue", timezone="Europe/Madrid",
    )  # fmt: skip
    client = Client(enforce_csrf_checks=True)
    csrf = "profileprofileprofileprofilepr12"
    client.cookies["csrftoken"] = csrf
    url = f"/events/{slug}/register/"

    def post(number):
        # Encoded as a browser sends the form, and as bench/register.lua does.
        form = {
            "csrfmiddlewaretoken": csrf,
            "name": "Bench Person",
            "email": f"p{number}-{slug}@bench.example",
            "privacy_consent": "on",
            "submission_key": f"k{number}",
        }
        response = client.post(
            url, urlencode(form), content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 302, response.status_code

    post(0)
    with CaptureQueriesContext(connection) as queries:
        post(1)
    print(f"queries of one registration: {len(queries)}")
    for query in queries.captured_queries:
        print(f"  {query['sql'][:160]}")
    print("response cookies:", sorted(client.cookies.keys()))

    wall, cpu = [], []
    for number in range(2 + args.requests, 2 + 2 * args.requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        post(number)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(
        f"{args.requests} registrations without the profiler: median "
        f"{statistics.median(wall) * 1000:.2f} ms, of which {statistics.median(cpu) * 1000:.2f} ms "
        "of this process's CPU"
    )

    times = []
    profile = cProfile.Profile()
    for number in range(2, 2 + args.requests):
        started = time.perf_counter()
        profile.enable()
        post(number)
        profile.disable()
        times.append(time.perf_counter() - started)
    print(
        f"{args.requests} registrations under the profiler: median {statistics.median(times) * 1000:.2f} ms"
    )
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
