"""Registrations under load, measured against ceilings taken in the same run.

Starts gunicorn (gthread workers) on a fresh PostgreSQL database and measures:

1. a burst of 200 registrations for 50 places: correctness (exactly 50 confirmed,
   150 waitlisted, no errors) and time;
2. sustained registrations on one event at 32 connections (wrk): registrations per second
   and p50/p99 latency, against pgbench running the same lock + duplicate check + count +
   insert transactions on the same database, and against a bare Django view on the same
   server;
3. event page requests per second against the bare view.

With ``--compare REV [REV ...]``, the app as it was at each git revision runs beside today's,
on a database of its own, and each round measures them back to back: the figures of two versions
of the registration path in one run (docs/performance.md compares the two lock orders so).

Usage: .venv/bin/python bench/registrations.py [--duration 30] [--page-duration 10] [--compare REV]
Needs wrk and pgbench on the PATH (`make bench` installs wrk).
"""

import argparse
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.registrations.burst import burst, registration_form  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/turnout_bench"

CREATE_EVENTS = """
import json
from datetime import timedelta
from django.utils import timezone
from events.models import Event, Organiser
from registrations import services
organiser = Organiser.objects.create(name="Bench", slug="bench")
start = timezone.now() + timedelta(days=30)
def event(slug, capacity):
    return Event.objects.create(
        title=slug.title(), slug=slug, organiser=organiser, status="published",
        starts_at=start, ends_at=start + timedelta(hours=2), capacity=capacity,
        venue_name="NH Canciller Ayala Vitoria", timezone="Europe/Madrid",
        description="A **Markdown** description with [a link](https://example.org).\\n\\n" * 5,
    )
# Each round registers for events of its own, so that every round starts from the same counts.
events = [("burst", 50), ("page", 40)]
for number in range(ROUNDS):
    events += [(f"{name}-{number}", None) for name in ("sustained", "reference")]
ids = {slug: event(slug, capacity).pk for slug, capacity in events}
page = Event.objects.get(slug="page")
for i in range(30):
    services.register(event=page, name=f"P {i}", email=f"p{i}@example.org")
print(json.dumps(ids))
"""

# The statements of a registration (registrations.services.register), for pgbench: lock the
# event, read its kept counts, insert the registration, its email and the email's task, and
# keep the counts.
STATEMENTS = {
    "lock": """SELECT id, capacity, status FROM events_event WHERE id = {event} FOR UPDATE;""",
    "count": """SELECT confirmed, waitlisted, confirmed_online, waitlisted_online FROM registrations_placecounts WHERE event_id = {event};""",
    "keep": """UPDATE registrations_placecounts SET confirmed = confirmed + 1 WHERE event_id = {event};""",
    "insert": """INSERT INTO registrations_registration (event_id, name, email, organisation, role, access_needs, dietary_options, dietary_requirements, privacy_consent_at, privacy_notice_version, status, token, created_at, updated_at, cancelled_at, cancellation_reason, checked_in_at, submission_key, organiser_note, search_text, language, attendance) VALUES ({event}, 'Bench Person', 'p' || :n || '-' || :client_id || '@pgbench.example', '', '', '', '', '', now(), '2026-11', 'confirmed', md5(random()::text) || md5(:n::text || :client_id::text), now(), now(), NULL, '', NULL, 'k' || :n, '', 'bench person p' || :n || '-' || :client_id || '@pgbench.example', 'en', 'in_person') RETURNING id AS registration_id \\gset
INSERT INTO registrations_outboundemail (kind, key, event_id, registration_id, recipient_name, recipient, reply_to, subject, body_text, body_html, calendar, compose_later, details, message_id, status, attempts, next_attempt_at, claimed_until, last_error, created_at, sent_at) VALUES ('confirmation', 'confirmation:' || :registration_id, {event}, :registration_id, 'Bench Person', 'p' || :n || '-' || :client_id || '@pgbench.example', '', 'Your place is confirmed: Pgbench', '', '', '', true, '{{}}'::jsonb, '<' || md5(random()::text) || '@localhost>', 'queued', 0, now(), NULL, '', now(), NULL) RETURNING id AS email_id \\gset
INSERT INTO django_tasks_database_dbtaskresult (id, status, enqueued_at, started_at, finished_at, args_kwargs, priority, task_path, worker_ids, queue_name, backend_name, run_after, return_value, exception_class_path, traceback) VALUES (gen_random_uuid(), 'READY', now(), NULL, NULL, ('{{"args": [' || :email_id || '], "kwargs": {{}}}}')::jsonb, 0, 'registrations.tasks.deliver_email', '[]'::jsonb, 'default', 'default', '9999-01-01 00:00:00+00:00', NULL, '', '');""",
}
# The ceiling the goal is set against: lock, read the counts, insert, keep the counts, in one
# transaction.
REFERENCE_ORDER = ["lock", "count", "insert", "keep"]


def pgbench_script(order: list[str], event_id: int) -> str:
    body = "\n".join(STATEMENTS[step] for step in order).format(event=event_id)
    return f"\\set n random(1, 2000000000)\nBEGIN;\n{body}\nCOMMIT;\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command, env=None, cwd=ROOT, **kwargs) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=env, check=True, capture_output=True, text=True, **kwargs
    )
    return result.stdout


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)


def wrk(url: str, *, seconds: int, connections: int, script: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
        command += ["--", f"r{time.monotonic_ns()}"]
    output = run(command)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)

    def latency(percentile):
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


TICKS = os.sysconf("SC_CLK_TCK")


def processor_seconds(pids) -> float:
    """The processor time (user and system) the processes ``pids`` have used so far."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def processes(*, parent: int) -> list[int]:
    """The processes whose parent is ``parent``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(pid))
    return found


def machine_busy_seconds() -> float:
    """Processor time the whole machine has spent busy (not idle, not waiting for disks)."""
    with open("/proc/stat") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / TICKS


def children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured_processor(measure, *, app: "App | None" = None):
    """Run ``measure()``, returning its result and the processor time it took: the whole
    machine's busy time and busy cores, the load's own program's (wrk or pgbench) and, with
    ``app``, the app's processes' and the rest of the machine's: PostgreSQL's, nearly all of
    it. The rest is what is left of the machine's time, not PostgreSQL's processes' own: the
    app's connections end and start again during a measurement (``CONN_MAX_AGE``), and a
    process that ended takes its time with it."""
    app_pids = [app.server.pid, *processes(parent=app.server.pid)] if app else []
    before = (machine_busy_seconds(), time.monotonic(), children_seconds(),
              processor_seconds(app_pids))  # fmt: skip
    result = measure()
    after = (machine_busy_seconds(), time.monotonic(), children_seconds(),
             processor_seconds(app_pids))  # fmt: skip
    busy, elapsed, load, app_seconds = (
        later - earlier for later, earlier in zip(after, before, strict=True)
    )
    spent = {"machine": busy, "load": load, "busy_cores": busy / elapsed}
    if app:
        spent.update(app=app_seconds, postgres=busy - app_seconds - load)
    return result, spent


def pgbench(database: str, script_text: str, *, seconds: int, clients: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(script_text)
    try:
        output = run(
            ["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(seconds),
             "-f", script.name, database]
        )  # fmt: skip
    finally:
        os.unlink(script.name)
    return {
        "tps": float(re.search(r"tps = ([\d.]+)", output).group(1)),
        "transactions": int(re.search(r"transactions actually processed: (\d+)", output).group(1)),
    }


def psql(database: str, sql: str) -> str:
    return run(["psql", database, "-Atc", sql]).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument(
        "--duration", type=int, default=30, help="seconds of sustained registrations"
    )
    parser.add_argument(
        "--page-duration", type=int, default=10, help="seconds per page measurement"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each measurement")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--workers", type=int, help="gunicorn processes (default: config/gunicorn.py's)"
    )
    parser.add_argument(
        "--threads", type=int, help="threads per gunicorn process (default: config/gunicorn.py's)"
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=0,
        help="registrations per address and hour (0: not counted); a high one counts every "
        "registration in the shared cache, as production does, without refusing any",
    )
    parser.add_argument(
        "--compare",
        metavar="REV",
        nargs="+",
        default=[],
        help="also measure the app at these git revisions, in the same rounds",
    )
    args = parser.parse_args()
    for tool in ("wrk", "pgbench", "psql"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed: apt-get install wrk postgresql-client")

    apps = {"today": start_app(ROOT, args.database, args)}
    reference = ", ".join(
        f"({event_id}, 0, 0, 0, 0)"
        for slug, event_id in apps["today"].ids.items()
        if "reference" in slug
    )
    psql(
        args.database,
        f"INSERT INTO registrations_placecounts "
        f"(event_id, confirmed, waitlisted, confirmed_online, waitlisted_online) VALUES {reference}",
    )
    try:
        for number, revision in enumerate(args.compare, 1):
            source = Path(tempfile.mkdtemp(prefix="turnout-bench-"))
            archive = subprocess.run(
                ["git", "archive", revision], cwd=ROOT, check=True, capture_output=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
            apps[revision] = start_app(source, f"{args.database}_{number}", args)
        for name, app in apps.items():
            print(f"{name}: ", end="")
            report_burst(measure_burst(app))
        rounds = [measure_round(args, apps, number) for number in range(args.rounds)]
    finally:
        for app in apps.values():
            app.server.terminate()
            app.server.wait(timeout=30)
    report(args, rounds)


@dataclass
class App:
    """One version of the app, serving its own database."""

    database: str
    url: str
    ids: dict
    server: subprocess.Popen


def start_app(root: Path, database: str, args) -> App:
    name = database.rsplit("/", 1)[1]
    server_url = database.rsplit("/", 1)[0]
    psql(f"{server_url}/postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f"{server_url}/postgres", f'CREATE DATABASE "{name}"')
    env = app_env(root, database, rate_limit=getattr(args, "rate_limit", 0))
    python = [sys.executable, "manage.py"]
    run([*python, "migrate", "--no-input", "-v0"], env=env, cwd=root)
    run([*python, "collectstatic", "--no-input", "-v0"], env=env, cwd=root)
    create_events = f"ROUNDS = {args.rounds}\n{CREATE_EVENTS}"
    output = run([*python, "shell", "-c", create_events], env=env, cwd=root)
    ids = json.loads(output.strip().splitlines()[-1])

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    counts = [
        *(["--workers", str(args.workers)] if args.workers else []),
        *(["--threads", str(args.threads)] if args.threads else []),
    ]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.py",
         *counts, "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=root, env=env,
    )  # fmt: skip
    wait_until_up(url, server)
    return App(database=database, url=url, ids=ids, server=server)


def app_env(root: Path, database: str, *, rate_limit: int = 0) -> dict[str, str]:
    """The environment the app runs with on ``database``, from the code at ``root``."""
    return {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key-bench-only",
        "DEBUG": "0",
        "HTTPS_ONLY": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "EMAIL_TO_CONSOLE": "1",
        # The benchmark sends every registration from one address: by default none is
        # counted; with --rate-limit each is, under a limit too high to refuse any.
        "REGISTRATIONS_PER_ADDRESS_PER_HOUR": str(rate_limit),
        # Each version imports its own code, not the installed checkout's.
        "PYTHONPATH": str(root),
    }


def measure_burst(app: App) -> dict:
    register_url = f"{app.url}/events/burst/register/"
    started = time.perf_counter()
    codes = burst([(register_url, registration_form(i)) for i in range(200)], concurrency=32)
    seconds = time.perf_counter() - started
    counts = psql(
        app.database,
        "SELECT status || '=' || COUNT(*) FROM registrations_registration "
        f"WHERE event_id = {app.ids['burst']} GROUP BY status ORDER BY status",
    )
    return {
        "seconds": seconds,
        "counts": counts.replace("\n", ", "),
        "errors": sum(code != 302 for code in codes),
        "correct": counts == "confirmed=50\nwaitlisted=150" and set(codes) == {302},
    }


def measure_round(args, apps: dict[str, App], number: int) -> dict:
    """One of each measurement, back to back, so that each ratio compares like with like."""
    register = {}
    for name, app in apps.items():
        register[name], processor = measured_processor(
            lambda app=app: wrk(
                f"{app.url}/events/sustained-{number}/register/",
                seconds=args.duration,
                connections=args.connections,
                script=str(ROOT / "bench" / "register.lua"),
            ),
            app=app,
        )
        register[name]["saved"] = registration_rows(app.database, app.ids[f"sustained-{number}"])
        register[name]["processor"] = per_unit(processor, register[name]["requests"])
    today = apps["today"]
    page = {"seconds": args.page_duration, "connections": args.connections}
    reference, processor = measured_processor(
        lambda: pgbench(
            today.database,
            pgbench_script(REFERENCE_ORDER, today.ids[f"reference-{number}"]),
            seconds=args.duration,
            clients=args.connections,
        )
    )
    return {
        "register": register,
        "pgbench_tps": reference["tps"],
        "pgbench_processor": per_unit(processor, reference["transactions"]),
        "bare": wrk(f"{today.url}/bench/bare/", **page),
        "page": {name: wrk(f"{app.url}/events/page/", **page) for name, app in apps.items()},
    }


def per_unit(processor: dict, units: int) -> dict:
    """Processor milliseconds per request or transaction, and the machine's busy cores."""
    return {
        part: value if part == "busy_cores" else 1000 * value / units
        for part, value in processor.items()
    }


def describe_processor(processor: dict, load: str) -> str:
    parts = [f"{load} {processor['load']:.1f}"]
    if "app" in processor:
        parts[:0] = [
            f"app {processor['app']:.1f}",
            f"PostgreSQL and the rest {processor['postgres']:.1f}",
        ]
    return (
        f"{processor['machine']:.1f} ms ({', '.join(parts)}); machine busy "
        f"{processor['busy_cores']:.2f} of {os.cpu_count()} cores"
    )


def registration_rows(database: str, event_id: int) -> int:
    sql = f"SELECT COUNT(*) FROM registrations_registration WHERE event_id = {event_id}"
    return int(psql(database, sql))


def report_burst(burst_result: dict) -> None:
    print(f"burst: 200 registrations for 50 places in {burst_result['seconds']:.2f} s: "
          f"{burst_result['counts']}, errors {burst_result['errors']}, "
          f"{'correct' if burst_result['correct'] else 'WRONG'}", flush=True)  # fmt: skip


def report(args, rounds: list[dict]) -> None:
    for number, result in enumerate(rounds, 1):
        bare = result["bare"]
        print(f"round {number}:")
        for name, register in result["register"].items():
            print(f"  registrations ({name}): {register['rps']:.0f}/s at {args.connections} "
                  f"connections, p50 {register['p50_ms']:.1f} ms, p99 {register['p99_ms']:.1f} ms, "
                  f"non-302 {register['errors']}, {register['requests']} requests, "
                  f"{register['saved']} saved {register['socket_errors']}")  # fmt: skip
            print(f"    processor per registration ({name}): "
                  f"{describe_processor(register['processor'], 'wrk')}")  # fmt: skip
        print(
            f"  pgbench, lock + read counts + insert + keep counts: {result['pgbench_tps']:.0f}/s"
        )
        print(f"    processor per transaction: "
              f"{describe_processor(result['pgbench_processor'], 'pgbench')}")  # fmt: skip
        print(f"  bare Django view: {bare['rps']:.0f}/s")
        for name, page in result["page"].items():
            print(f"  event page ({name}): {page['rps']:.0f}/s, "
                  f"p50 {page['p50_ms']:.1f} ms, p99 {page['p99_ms']:.1f} ms")  # fmt: skip

    def median(value):
        return statistics.median(value(r) for r in rounds)

    print(f"median of {len(rounds)} rounds:")
    for name in rounds[0]["register"]:
        runs = [r["register"][name] for r in rounds]
        rps = statistics.median(run["rps"] for run in runs)
        p50 = statistics.median(run["p50_ms"] for run in runs)
        p99 = statistics.median(run["p99_ms"] for run in runs)
        ceiling = statistics.median(
            run["rps"] / r["pgbench_tps"] for run, r in zip(runs, rounds, strict=True)
        )
        print(f"  registrations/s ({name}): {rps:.0f}, p50 {p50:.1f} ms, p99 {p99:.1f} ms; "
              f"ratio to the pgbench ceiling: {ceiling:.2f}")  # fmt: skip
        processor = {
            part: statistics.median(run["processor"][part] for run in runs)
            for part in runs[0]["processor"]
        }
        print(f"    processor per registration ({name}): {describe_processor(processor, 'wrk')}")
    reference_ms = median(lambda r: r["pgbench_processor"]["machine"])
    half = median(lambda r: r["pgbench_tps"]) / 2
    print(f"  processor per pgbench transaction: {reference_ms:.1f} ms; half the ceiling "
          f"({half:.0f}/s) on {os.cpu_count()} cores leaves at most "
          f"{1000 * os.cpu_count() / half:.1f} ms per registration")  # fmt: skip
    for revision in args.compare:
        ratio = median(lambda r: r["register"]["today"]["rps"] / r["register"][revision]["rps"])  # noqa: B023
        print(f"  ratio registrations/s today / at {revision}: {ratio:.2f}")
    print("  goal: registrations / pgbench ceiling >= 0.50, p99 <= 250 ms")
    for name in rounds[0]["page"]:
        page_ratio = median(lambda r: r["page"][name]["rps"] / r["bare"]["rps"])  # noqa: B023
        print(f"  ratio event page / bare view ({name}): {page_ratio:.2f} (goal >= 0.30)")


if __name__ == "__main__":
    main()
