"""The event admin with many registrations, and registering while an organiser changes the event.

    .venv/bin/python bench/admin.py [--runs 5] [--seconds 5] [--processes 2] [--rebuild]

Creates (once) a PostgreSQL database ``turnout_bench_admin`` with two events of 10 and 5,000
confirmed registrations. Then, in one run, it times:

- the event's admin page (GET) and its save (POST of the unchanged form with a new title),
  through the real admin views (Django's test client, logged in as a superuser), with 5,000
  registrations against 10: the medians and their ratio;
- registrations per second into the 5,000 event by ``--processes`` processes calling
  ``services.register`` for ``--seconds``, without and then with an organiser saving a change
  of the event's time through the admin over and over (telling the attendees, so that each
  save queues the change emails): the two rates and their ratio.

Set BENCH_DATABASE_URL to use another server; the database name is replaced.
"""

import argparse
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE = "turnout_bench_admin"
SIZES = {"bench-admin-10": 10, "bench-admin-5000": 5_000}

sys.path.insert(0, str(BASE_DIR))
# The same database and Django set-up as the export benchmark, on a database of its own.
from bench.export import ensure_database, set_up_django  # noqa: E402


def build(rebuild: bool) -> dict:
    """The benchmark events, created once: {slug: event}."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.utils import timezone

    from events.models import Event, Organiser
    from registrations.models import Registration

    if rebuild:
        Registration.objects.filter(event__slug__in=SIZES).delete()
        Event.objects.filter(slug__in=SIZES).delete()
    User.objects.filter(username="bench").exists() or User.objects.create_superuser(
        "bench", "bench@example.org", "bench-only-password"
    )
    organiser, _created = Organiser.objects.get_or_create(
        slug="bench-admin", defaults={"name": "Bench", "timezone": "Europe/Madrid"}
    )
    starts = timezone.now().replace(second=0, microsecond=0) + timedelta(days=60)
    events = {}
    for slug, size in SIZES.items():
        event, created = Event.objects.get_or_create(
            slug=slug,
            defaults={
                "title": slug,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "timezone": "Europe/Madrid",
                "organiser": organiser,
                "status": Event.Status.PUBLISHED,
                "capacity": None,
            },
        )
        if created:
            registrations = []
            for number in range(size):
                registration = Registration(
                    event=event,
                    name=f"Persona Número {number}",
                    email=f"person{number}@{slug}.example.org",
                    organisation="Ayuntamiento",
                    privacy_consent_at=timezone.now(),
                    privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
                    status=Registration.Status.CONFIRMED,
                )
                registrations.append(registration)
            Registration.objects.bulk_create(registrations, batch_size=1000)
        events[slug] = event
    return events


def form_data(event, **changes) -> dict:
    """What the event's admin form posts back unchanged, with ``changes`` (no questions)."""
    from django.contrib import admin
    from django.contrib.admin.utils import flatten_fieldsets
    from django.contrib.auth.models import User
    from django.test import RequestFactory
    from django.utils import timezone

    request = RequestFactory().get("/")
    request.user = User.objects.get(username="bench")
    model_admin = admin.site.get_model_admin(type(event))
    fields = flatten_fieldsets(model_admin.get_fieldsets(request, event))
    form = model_admin.get_form(request, event, change=True, fields=fields)(instance=event)
    data = {
        key: value
        for key, value in form.initial.items()
        if key in form.fields
        and value is not None
        and key not in ("co_organisers", "topics", "starts_at", "ends_at")
    }
    for name in ("starts_at", "ends_at"):
        local = timezone.localtime(getattr(event, name), event.tzinfo)
        data[f"{name}_0"] = local.strftime("%Y-%m-%d")
        data[f"{name}_1"] = local.strftime("%H:%M")
    data["organiser"] = event.organiser_id
    data["questions-TOTAL_FORMS"] = data["questions-INITIAL_FORMS"] = 0
    return data | changes


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def page_and_save(client, event, runs: int) -> tuple[float, float]:
    """Median seconds of the event's admin page and of saving it (a new title)."""
    url = f"/admin/events/event/{event.pk}/change/"

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def save(run):
        def post():
            response = client.post(url, data | {"title": f"{event.slug} {run}"})
            assert response.status_code == 302, response.status_code

        return post

    get()  # warm up
    data = form_data(event)
    pages = [timed(get) for _run in range(runs)]
    saves = [timed(save(run)) for run in range(runs)]
    return statistics.median(pages), statistics.median(saves)


def register_for(event, seconds: float, workers: int, prefix: str) -> int:
    """How many registrations ``workers`` processes make in ``seconds``."""
    from django.db import connections

    connections.close_all()  # each process opens its own
    context = multiprocessing.get_context("fork")
    made = context.Value("i", 0)
    deadline = time.monotonic() + seconds

    def work(index):
        from registrations import services

        number = 0
        while time.monotonic() < deadline:
            services.register(
                event=event,
                name="Bench Person",
                email=f"{prefix}-{index}-{number}@example.org",
            )
            number += 1
        with made.get_lock():
            made.value += number

    processes = [context.Process(target=work, args=(index,)) for index in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return made.value


def changing_time(event, stop, saves) -> None:
    """An organiser saving a change of the event's time, telling the attendees, until
    ``stop``; appends the seconds of each save to ``saves``."""
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="bench"))
    url = f"/admin/events/event/{event.pk}/change/"
    data = form_data(event)
    times = [("10:00", "12:00"), ("11:00", "13:00")]
    data["ends_at_0"] = data["starts_at_0"]
    count = 0
    while not stop.is_set():
        starts, ends = times[count % 2]
        change = {"starts_at_1": starts, "ends_at_1": ends, "_tell_attendees": "1"}
        started = time.perf_counter()
        response = client.post(url, data | change)
        assert response.status_code == 302, response.status_code
        saves.put(time.perf_counter() - started)
        count += 1


def registering_while_changing(event, changed, arguments, prefix) -> tuple[int, list[float]]:
    """Registrations made into ``event`` while an organiser saves ``changed`` over and over,
    and the seconds of each save."""
    context = multiprocessing.get_context("fork")
    stop, queue = context.Event(), context.Queue()
    organiser = context.Process(target=changing_time, args=(changed, stop, queue))
    organiser.start()
    made = register_for(event, arguments.seconds, arguments.processes, prefix)
    stop.set()
    organiser.join()
    saves = []
    while not queue.empty():
        saves.append(queue.get())
    return made, saves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true", help="create the data again")
    arguments = parser.parse_args()

    ensure_database(DATABASE)
    set_up_django(DATABASE)
    from django.contrib.auth.models import User
    from django.test import Client

    from registrations.models import Registration

    events = build(arguments.rebuild)
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    small, big = events["bench-admin-10"], events["bench-admin-5000"]

    small_page, small_save = page_and_save(client, small, arguments.runs)
    big_page, big_save = page_and_save(client, big, arguments.runs)
    print(f"event admin page, median of {arguments.runs}:")
    print(f"  10 registrations:    page {small_page:.3f} s, save {small_save:.3f} s")
    print(f"  5,000 registrations: page {big_page:.3f} s, save {big_save:.3f} s")
    print(f"  ratio 5,000 / 10: page {big_page / small_page:.2f}, save {big_save / small_save:.2f}")

    run = str(int(time.time()))
    alone = register_for(big, arguments.seconds, arguments.processes, f"alone-{run}")
    same, same_saves = registering_while_changing(big, big, arguments, f"during-{run}")
    # The control: the same work for the organiser on another event, which takes no lock
    # the registrations wait for; what differs from the above is the waiting on the lock.
    other, other_saves = registering_while_changing(big, small, arguments, f"control-{run}")
    seconds = arguments.seconds
    print(f"registrations/s into the 5,000 event, {arguments.processes} processes:")
    print(f"  without changes:                          {alone / seconds:.1f}")
    for label, made, saves in (
        ("while an organiser saves its time:        ", same, same_saves),
        ("while an organiser saves another event's: ", other, other_saves),
    ):
        print(
            f"  {label}{made / seconds:.1f} "
            f"({len(saves)} saves, median {statistics.median(saves or [0]):.3f} s)"
        )
    print(f"  ratio while saving its time / without: {same / alone:.2f}")
    print(f"  ratio while saving its time / while saving another event's: {same / other:.2f}")
    # The next run starts from the same 5,000.
    from django.db import connections

    connections.close_all()
    Registration.objects.filter(event=big, email__startswith="alone-").delete()
    Registration.objects.filter(event=big, email__startswith="during-").delete()
    Registration.objects.filter(event=big, email__startswith="control-").delete()


if __name__ == "__main__":
    main()
