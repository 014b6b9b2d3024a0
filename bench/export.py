"""How the attendee CSV export compares with PostgreSQL's own COPY of the same rows.

    .venv/bin/python bench/export.py [--runs 5] [--rebuild]

Creates (once) a PostgreSQL database ``turnout_bench_export`` with two events: 10,000 and
50,000 registrations, each answering 5 questions. Then, in one run, it times:

- the export through the real admin view and its streaming response (Django's test client,
  logged in as a superuser, reading the whole streamed body), several times;
- ``COPY (SELECT …) TO STDOUT WITH CSV`` of the same columns, rows and order via psycopg;

and prints the median of each, their ratio, the time to the first byte and to the first rows,
and the peak Python memory (tracemalloc) while exporting 10,000 and 50,000 rows.

Set BENCH_DATABASE_URL to use another server (the database name is replaced), and
BENCH_EXPORT_DATABASE to name the database.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_EXPORT_DATABASE", "turnout_bench_export")
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SIZES = {"bench-10k": 10_000, "bench-50k": 50_000}


def database_url(name: str) -> str:
    parts = urlsplit(SERVER)
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(name: str = DATABASE) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def set_up_django(name: str = DATABASE) -> None:
    """Django on the benchmark's own database, migrated, as a production process runs it."""
    os.environ["DATABASE_URL"] = database_url(name)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DEBUG"] = "0"  # no query log growing with the rows
    os.environ["HTTPS_ONLY"] = "0"
    os.environ["EMAIL_TO_CONSOLE"] = "1"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(rebuild: bool) -> dict:
    """The benchmark events, created once: {slug: event}."""
    from datetime import timedelta

    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from events.models import Event, Organiser
    from registrations.models import Answer, Question, Registration

    if rebuild:
        Answer.objects.filter(registration__event__slug__in=SIZES).delete()
        Registration.objects.filter(event__slug__in=SIZES).delete()
        Event.objects.filter(slug__in=SIZES).delete()
    User.objects.filter(username="bench").exists() or User.objects.create_superuser(
        "bench", "bench@example.org", "bench-password"
    )
    organiser, _created = Organiser.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    events = {}
    for slug, size in SIZES.items():
        event = Event.objects.filter(slug=slug).first()
        if event and Registration.objects.filter(event=event).count() == size:
            events[slug] = event
            continue
        print(f"creating {size} registrations with 5 answers each for {slug} …", flush=True)
        start = timezone.now() + timedelta(days=60)
        event = Event.objects.create(
            title=f"Benchmark {slug}",
            slug=slug,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            timezone="Europe/Madrid",
            organiser=organiser,
            status=Event.Status.PUBLISHED,
        )
        kinds = [
            ("Job title", "short_text", ""),
            ("Session", "radio", "Morning\nAfternoon"),
            ("Topics", "checkboxes", "Data\nAI\nProcurement"),
            ("Photos?", "yes_no", ""),
            ("Guests", "number", ""),
        ]
        questions = [
            Question.objects.create(
                event=event, label=label, kind=kind, options=options, position=i
            )
            for i, (label, kind, options) in enumerate(kinds)
        ]
        values = ["Policy analyst", "Morning", "Data\nAI", "yes", "2"]
        now = timezone.now()
        for offset in range(0, size, 5000):
            batch = Registration.objects.bulk_create(
                Registration(
                    event=event,
                    name=f"Attendee {number} Ñandú 山田",
                    email=f"attendee{number}@example.org",
                    organisation="=Formula Org" if number % 100 == 0 else "Example Org",
                    role="Researcher",
                    access_needs="Step-free access" if number % 20 == 0 else "",
                    dietary_requirements="Vegetarian" if number % 4 == 0 else "",
                    privacy_consent_at=now,
                    privacy_notice_version="2026-11",
                    checked_in_at=now if number % 3 == 0 else None,
                )
                for number in range(offset, min(offset + 5000, size))
            )
            Answer.objects.bulk_create(
                Answer(registration=registration, question=question, question_label=q, value=v)
                for registration in batch
                for question, q, v in zip(
                    questions, [q.label for q in questions], values, strict=True
                )
            )
        # Spread the registrations over the weeks before the event.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE registrations_registration SET created_at = created_at - "
                "(id %% 40000) * interval '1 minute' WHERE event_id = %s",
                [event.pk],
            )
            cursor.execute("ANALYZE")
        events[slug] = event
    return events


def export_once(client, event) -> tuple[float, float, float, int]:
    """Seconds to the first byte, to the first rows, to the end; bytes sent."""
    started = time.perf_counter()
    response = client.get(f"/admin/events/event/{event.pk}/attendees.csv")
    assert response.status_code == 200, response.status_code
    chunks = iter(response.streaming_content)
    size = len(next(chunks))
    first_byte = time.perf_counter() - started
    size += len(next(chunks))
    first_rows = time.perf_counter() - started
    for chunk in chunks:
        size += len(chunk)
    response.close()
    return first_byte, first_rows, time.perf_counter() - started, size


def copy_sql(event) -> str:
    """The same columns, rows and order as the export, made by PostgreSQL alone."""
    from registrations.models import Question

    questions = list(Question.objects.filter(event=event).for_export())
    answers = ",\n".join(
        f"coalesce(replace(max(a.value) FILTER (WHERE a.question_id = {q.pk}), E'\\n', '; '), '')"
        for q in questions
    )
    tz = event.timezone

    def local(column):
        return f"coalesce(to_char(r.{column} AT TIME ZONE '{tz}', 'YYYY-MM-DD HH24:MI'), '')"

    return f"""
        COPY (
            SELECT r.name, r.email, r.organisation, r.role, r.access_needs,
                   r.dietary_requirements, {answers}, r.status, {local("created_at")},
                   {local("cancelled_at")}, {local("checked_in_at")},
                   {local("privacy_consent_at")}, r.privacy_notice_version
            FROM registrations_registration r
            LEFT JOIN registrations_answer a ON a.registration_id = r.id
            WHERE r.event_id = {event.pk}
            GROUP BY r.id
            ORDER BY r.created_at, r.id
        ) TO STDOUT WITH (FORMAT csv, HEADER)
    """


def copy_once(sql: str) -> tuple[float, int]:
    from django.db import connection

    started = time.perf_counter()
    size = 0
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for data in copy:
            size += len(data)
    return time.perf_counter() - started, size


def peak_memory(client, event) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    export_once(client, event)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="create the data again")
    arguments = parser.parse_args()

    ensure_database()
    set_up_django()
    from django.contrib.auth.models import User
    from django.test import Client

    events = build(arguments.rebuild)
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    big = events["bench-50k"]

    export_once(client, big)  # warm up caches on both sides
    copy_once(copy_sql(big))
    exports, copies = [], []
    for _run in range(arguments.runs):
        exports.append(export_once(client, big))
        copies.append(copy_once(copy_sql(big)))

    export_median = statistics.median(total for _fb, _fr, total, _size in exports)
    copy_median = statistics.median(seconds for seconds, _size in copies)
    print(f"rows: {SIZES['bench-50k']} registrations × 5 answered questions, {arguments.runs} runs")
    print(f"export (admin view, streamed CSV): median {export_median:.3f} s, "
          f"{exports[0][3] / 1e6:.1f} MB")  # fmt: skip
    print(f"PostgreSQL COPY TO STDOUT:         median {copy_median:.3f} s, "
          f"{copies[0][1] / 1e6:.1f} MB")  # fmt: skip
    print(f"ratio export / COPY: {export_median / copy_median:.2f} (goal <= 1.5)")
    for slug in SIZES:
        event = events[slug]
        first_byte, first_rows, total, _size = export_once(client, event)
        peak = peak_memory(client, event)
        print(
            f"{SIZES[slug]:>6} rows: first byte {first_byte * 1000:.1f} ms, first rows "
            f"{first_rows * 1000:.0f} ms, whole {total:.3f} s, peak Python memory "
            f"{peak / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
