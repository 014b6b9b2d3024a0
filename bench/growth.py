"""Whether a registration costs the same in a big event: the same burst into events that
already hold 0, 5,000 and 50,000 registrations, measured in one run.

Starts the app as bench/registrations.py does (gunicorn on a fresh PostgreSQL database), gives
each event its registrations in one INSERT … SELECT generate_series, then sends each event the
same burst of 150 registrations from 32 connections for 50 free places, and checks that
exactly 50 were confirmed and 100 waitlisted. Each round measures the sizes back to back, in
a rotated order; the ratios printed are the medians of the rounds' ratios to the empty event.

Usage: .venv/bin/python bench/growth.py [--rounds 3] [--database URL]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.registrations import app_env, psql, run, start_app  # noqa: E402
from tests.registrations.burst import burst, registration_form  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/turnout_bench_growth"
SIZES = [0, 5_000, 50_000]
BURST = 150
FREE_PLACES = 50

CREATE_GROWTH_EVENTS = """
import json
from datetime import timedelta
from django.db import connection, transaction
from django.utils import timezone
from events.models import Event, Organiser
from registrations.services import locking
from tests.registrations.burst import prefill
organiser = Organiser.objects.get(slug="bench")
start = timezone.now() + timedelta(days=30)
ids = {}
for number in range(ROUNDS):
    for size in SIZES:
        slug = f"growth-{size}-{number}"
        event = Event.objects.create(
            title=slug, slug=slug, organiser=organiser, status="published", starts_at=start,
            ends_at=start + timedelta(hours=2), capacity=size + FREE_PLACES,
            venue_name="NH Canciller Ayala Vitoria", timezone="Europe/Madrid",
        )
        with transaction.atomic(), connection.cursor() as cursor:
            if size:
                prefill(cursor, event.pk, size)
            locking.recount(locking.locked_event(event))
        ids[slug] = event.pk
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE registrations_registration")
print(json.dumps(ids))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_GROWTH_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--workers", type=int, help="gunicorn processes (default: config/gunicorn.py's)"
    )
    parser.add_argument(
        "--threads", type=int, help="threads per gunicorn process (default: config/gunicorn.py's)"
    )
    args = parser.parse_args()

    app = start_app(ROOT, args.database, argparse.Namespace(**{**vars(args), "rounds": 0}))
    try:
        script = f"ROUNDS = {args.rounds}\nSIZES = {SIZES}\nFREE_PLACES = {FREE_PLACES}\n"
        output = run(
            [sys.executable, "manage.py", "shell", "-c", script + CREATE_GROWTH_EVENTS],
            env=app_env(ROOT, args.database),
        )
        ids = json.loads(output.strip().splitlines()[-1])
        rounds = []
        for number in range(args.rounds):
            order = SIZES[number % len(SIZES) :] + SIZES[: number % len(SIZES)]
            seconds = {}
            for size in order:
                seconds[size] = measure(app, args.database, ids[f"growth-{size}-{number}"], size)
            rounds.append(seconds)
            print(f"round {number + 1}: " + ", ".join(
                f"{size:,} registrations: {seconds[size]:.2f} s" for size in SIZES
            ), flush=True)  # fmt: skip
    finally:
        app.server.terminate()
        app.server.wait(timeout=30)
    print(f"median of {len(rounds)} rounds, burst of {BURST} for {FREE_PLACES} places:")
    for size in SIZES:
        median = statistics.median(r[size] for r in rounds)
        ratio = statistics.median(r[size] / r[0] for r in rounds)
        print(f"  event of {size:,} registrations: {median:.2f} s, ratio to empty {ratio:.2f}")
    print("  goal: ratio at 50,000 <= 1.2")


def measure(app, database: str, event_id: int, size: int) -> float:
    slug = psql(database, f"SELECT slug FROM events_event WHERE id = {event_id}")
    url = f"{app.url}/events/{slug}/register/"
    started = time.perf_counter()
    codes = burst([(url, registration_form(i)) for i in range(BURST)], concurrency=32)
    seconds = time.perf_counter() - started
    counts = psql(
        database,
        "SELECT status || '=' || COUNT(*) FROM registrations_registration "
        f"WHERE event_id = {event_id} AND email LIKE '%@example.org' GROUP BY status ORDER BY status",
    )
    expected = f"confirmed={FREE_PLACES}\nwaitlisted={BURST - FREE_PLACES}"
    if counts != expected or set(codes) != {302}:
        raise SystemExit(f"event of {size}: {counts!r}, codes {sorted(set(codes))}: WRONG")
    return seconds


if __name__ == "__main__":
    main()
