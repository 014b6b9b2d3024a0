"""The background tasks, and queueing them. Each task is a thin wrapper: the work is in
``delivery.py`` (sending) and ``emails.py`` (writing). Other modules import this one only to
queue a task; this one imports neither services nor views."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django_tasks import task
from django_tasks_db.models import DBTaskResult, get_date_max

from . import changes, delivery, emails
from .models import OutboundEmail


@task()
def deliver_email(email_id: int) -> str:
    delivery.record_worker_run()
    return delivery.deliver(email_id, retry=enqueue_delivery if _stores_tasks() else None)


@task()
def send_personal_links(request_id: int) -> None:
    # Looked up by the worker, so the form answers in the same time whatever the address.
    # Given the id of a ``LinkRequest``, never the address: task rows are kept after they run.
    with transaction.atomic():
        email = emails.queue_personal_links(request_id=request_id)
        if email is not None:
            enqueue_delivery(email)


@task()
def announce_event_change(event_id: int, kind: str, details: dict) -> int:
    """Store the emails about a change of an event, after the change is saved and the event's
    lock is gone; each is written when it is sent. Given ids and what the organisers wrote,
    never an attendee's address."""
    with transaction.atomic():
        stored = changes.queue_event_change_emails(event_id=event_id, kind=kind, details=details)
        enqueue_delivery(*stored)
    return len(stored)


def enqueue_announcement(*, event_id: int, kind: str, details: dict) -> None:
    """Queue telling the attendees about a change, in the caller's transaction (as
    ``enqueue_delivery``)."""
    if _stores_tasks():
        announce_event_change.enqueue(event_id, kind, details)
    else:
        transaction.on_commit(lambda: announce_event_change.enqueue(event_id, kind, details))


def runs_of(task, ids: Iterable[int] | None = None) -> QuerySet[DBTaskResult]:
    """The stored runs of ``task``, queued or finished; with ``ids``, those run for one of them.

    Deleting the rows a task was about deletes these too: a failed run keeps its error, which
    may quote what the row held.
    """
    runs = DBTaskResult.objects.filter(task_path=task.module_path)
    if ids is None:
        return runs
    return runs.filter(args_kwargs__args__0__in=list(ids))


def _stores_tasks() -> bool:
    # The database backend can hold a task until later; the immediate one runs it at once.
    return deliver_email.get_backend().supports_defer


def enqueue_delivery(
    *stored: OutboundEmail, run_after: datetime | None = None, written=None
) -> None:
    """Queue sending each stored email.

    With the database backend the task row joins the caller's transaction: it commits with
    the registration change or not at all; with ``written`` (``services.together.Writes``), it is
    inserted with the change's other rows. The immediate backend would send before the change
    is committed, so it waits for the commit.
    """
    stores_tasks = _stores_tasks()
    for email in stored:
        if not stores_tasks:
            transaction.on_commit(lambda pk=email.pk: deliver_email.enqueue(pk))
        elif written is not None and run_after is None:
            written.insert(delivery_row(email))
        else:
            (deliver_email.using(run_after=run_after) if run_after else deliver_email).enqueue(
                email.pk
            )


def delivery_row(email: OutboundEmail) -> DBTaskResult:
    """The database backend's row of ``deliver_email(email.pk)``, not saved: what its ``enqueue``
    writes (``tests/registrations/test_together.py`` compares the two)."""
    backend = deliver_email.get_backend()
    return DBTaskResult(
        id=backend._get_id(),
        args_kwargs={"args": [email.pk], "kwargs": {}},
        priority=deliver_email.priority,
        task_path=deliver_email.module_path,
        queue_name=deliver_email.queue_name,
        # What the backend stores for "as soon as possible" (its models' pre_save handler).
        run_after=get_date_max(),
        backend_name=backend.alias,
    )


def requeue_stalled(now: datetime | None = None) -> int:
    """Queue again the emails whose task was lost (``delivery.requeue_stalled``)."""
    return delivery.requeue_stalled(enqueue=enqueue_delivery, now=now)
