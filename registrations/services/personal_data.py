"""Deleting what is stored about people: on request, and after each event's retention period."""

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast, Lower
from django.utils import timezone

from events.models import Event

from .. import tasks
from ..models import Answer, LinkRequest, OutboundEmail, Registration, new_token
from . import locking
from .places import promote_waitlisted


@transaction.atomic
def erase(*, registration: Registration, now: datetime | None = None) -> list[Registration]:
    """Delete an attendee's registration and all that is stored with it, freeing their place.

    Their earlier, cancelled registrations for the event go too. With them go their answers,
    every email about them (sent or not, the personal-links emails that list them included),
    the task records of those emails, their unanswered requests for links and their admin
    history. No email is queued to them: it would be deleted with the rest. Returns who moved
    up from the waiting list.
    """
    now = now or timezone.now()
    event = locking.locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    theirs = {
        pk: (status, attendance)
        for pk, status, attendance in Registration.objects.filter(event=event)
        .alias(email_lower=Lower("email"))
        .filter(email_lower=registration.email.lower())
        .values_list("pk", "status", "attendance")
    }
    _delete(_traces(Registration.objects.filter(pk__in=theirs)))
    requests = LinkRequest.objects.filter(email__iexact=registration.email)
    tasks.runs_of(tasks.send_personal_links, requests.values_list("pk", flat=True)).delete()
    requests.delete()
    Registration.objects.filter(pk__in=theirs).delete()
    locking.count_change(event, removed=theirs.values())
    return promote_waitlisted(event, now=now)


def _traces(registrations, *, event: Event | None = None) -> dict[str, models.QuerySet]:
    """What is stored about ``registrations`` besides their own rows, in the order to delete
    it: the records of the tasks that send their emails, the emails (with those of ``event``),
    their answers and their admin history."""
    about = Q(registration__in=registrations) | Q(listed_registrations__in=registrations)
    if event is not None:
        about |= Q(event=event)
    email_ids = set(OutboundEmail.objects.filter(about).values_list("pk", flat=True))
    registration_ids = registrations.annotate(text_pk=Cast("pk", models.CharField()))
    return {
        "task_records": tasks.runs_of(tasks.deliver_email, email_ids),
        "emails": OutboundEmail.objects.filter(pk__in=email_ids),
        "answers": Answer.objects.filter(registration__in=registrations),
        "history": LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Registration),
            object_id__in=registration_ids.values("text_pk"),
        ),
    }


def _delete(traces: dict[str, models.QuerySet]) -> None:
    for queryset in traces.values():
        queryset.delete()


@transaction.atomic
def request_personal_links(*, email: str) -> None:
    """Have the worker send ``email`` the personal links of its registrations, if it has any.

    Nothing is looked up here, so the answer takes the same time whatever the address. The
    task is given the id of a short-lived request, deleted once it is answered: the address is
    never a task's argument.
    """
    request = LinkRequest.objects.create(email=email)
    tasks.send_personal_links.enqueue(request.pk)


# A request for links is answered within seconds; one left for a day has lost its task.
LINK_REQUEST_LIFETIME = timedelta(days=1)


# What an anonymised registration keeps: its event, status and times, for statistics.
ANONYMISED_FIELDS = [
    "search_text",
    "name",
    "email",
    "organisation",
    "role",
    "access_needs",
    "dietary_options",
    "dietary_requirements",
    "cancellation_reason",
    "submission_key",
]


@dataclass
class Purged:
    """What deleting the personal data of one event removed, or would remove; without an
    event, what was left of the requests for links."""

    event: Event | None
    registrations: int = 0
    answers: int = 0
    emails: int = 0
    history: int = 0
    task_records: int = 0
    link_requests: int = 0

    def __bool__(self) -> bool:
        """Whether anything was, or would be, deleted or anonymised."""
        return any(getattr(self, field.name) for field in fields(self) if field.name != "event")


def purge_personal_data(*, now: datetime | None = None, dry_run: bool = False) -> list[Purged]:
    """Delete the personal data of the events whose retention period is over; keep counts.

    Their registrations are anonymised: event, status and times stay for statistics, the rest
    is emptied and the personal link stops working. Their answers, emails, the task records of
    those emails and their admin history are deleted; so are requests for links left
    unanswered and the task records of answered ones. What is done is not done again: safe to
    run every hour, and twice at once. With ``dry_run`` nothing changes.
    """
    now = now or timezone.now()
    purged = [
        _purge_event(event, now=now, dry_run=dry_run)
        for event in Event.objects.past_retention(now).order_by("ends_at", "pk")
    ]
    purged.append(_purge_link_requests(now=now, dry_run=dry_run))
    return [report for report in purged if report]


@transaction.atomic
def _purge_event(event: Event, *, now: datetime, dry_run: bool) -> Purged:
    if not dry_run:
        # Waits for registration changes of the event in progress, and for a second purge.
        event = locking.locked_event(event)
    registrations = Registration.objects.filter(event=event)
    traces = _traces(registrations, event=event)
    named = registrations.filter(anonymised_at__isnull=True)
    purged = Purged(
        event=event,
        registrations=named.count(),
        **{name: queryset.count() for name, queryset in traces.items()},
    )
    if not dry_run:
        _delete(traces)
        _anonymise(named, now=now)
    return purged


def _anonymise(registrations, *, now: datetime) -> None:
    anonymised = list(registrations.only("pk"))
    for registration in anonymised:
        for field in ANONYMISED_FIELDS:
            setattr(registration, field, "")
        registration.token = new_token()  # nobody knows it: the old link stops working
        registration.anonymised_at = now
    Registration.objects.bulk_update(
        anonymised, [*ANONYMISED_FIELDS, "token", "anonymised_at"], batch_size=500
    )


@transaction.atomic
def _purge_link_requests(*, now: datetime, dry_run: bool) -> Purged:
    unanswered = LinkRequest.objects.filter(created_at__lt=now - LINK_REQUEST_LIFETIME)
    unanswered_ids = list(unanswered.values_list("pk", flat=True))
    task_records = tasks.runs_of(tasks.send_personal_links, unanswered_ids) | (
        tasks.runs_of(tasks.send_personal_links).finished()
    )
    purged = Purged(
        event=None, link_requests=len(unanswered_ids), task_records=task_records.count()
    )
    if not dry_run:
        task_records.delete()
        LinkRequest.objects.filter(pk__in=unanswered_ids).delete()
    return purged
