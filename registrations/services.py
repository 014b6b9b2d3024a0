"""Every write to registrations goes through here.

Each function that can change who holds a place locks the event row first and reads the
counts only after the lock is taken, so concurrent requests queue up instead of
overbooking. On SQLite the whole database is locked by the immediate transaction instead.

Locks are taken in one order everywhere, so that no two transactions ever wait for each
other in a circle (PostgreSQL would end one of them with "deadlock detected"):

1. the event's row (``_locked_event``);
2. then registrations of that event: the rows it locks or changes, and the rows it inserts,
   whose addresses take entries in the unique index of active addresses — a second
   transaction writing the same address waits for that entry.

A function that writes registrations takes the event's lock before it writes any of them,
registering included: inserting first would hold the address's index entry while waiting
for the event, and someone holding the event and writing that address would wait back.
Only a function that changes one registration's row and waits for nothing after it
(check-in, confirming an email address) may lock that row without the event.

Events can ask people to confirm their email address: a registration then holds its place,
or its place in the queue, until ``hold_expires_at``. Whoever counts the places to register
someone first releases the expired holds under the event's lock, and
``release_expired_holds`` (``manage.py release_unconfirmed``) does it for every event.
"""

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Cast, Lower
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Event

from . import emails, tasks
from .models import (
    Answer,
    LinkRequest,
    OutboundEmail,
    Question,
    Registration,
    new_token,
    registration_counts,
)

State = Event.RegistrationState
Status = Registration.Status


class RegistrationError(Exception):
    """A registration change that was refused, with a message fit for the person who asked."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class RegistrationRefused(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    def __init__(self):
        super().__init__(
            format_html(
                _(
                    "This email address is already registered for this event. Use the personal "
                    'link from your registration to see or change it. <a href="{}">Lost your '
                    "link?</a>"
                ),
                reverse("registrations:lost_link"),
            ),
            code="duplicate",
        )


def refusal_message(event: Event, state: str, now: datetime | None = None) -> str:
    """Why nobody can register for ``event`` in ``state``; shown on the event page and the form."""
    now = now or timezone.now()
    if state == State.CANCELLED:
        return _("This event was cancelled.")
    if state == State.EXTERNAL:
        return _("Registration for this event is handled on another site.")
    if state == State.NOT_YET_OPEN:
        opens = timezone.localtime(event.registration_opens_at, event.tzinfo)
        return _("Registration is not open yet. It opens on %(date)s.") % {
            "date": formats.date_format(opens, "DATETIME_FORMAT")
        }
    if state == State.FULL:
        return _("This event is full.")
    if event.status != Event.Status.PUBLISHED:
        return _("This event is not open for registration.")
    if event.starts_at <= now:
        return _("This event has already started, so registration is closed.")
    return _("Registration for this event is closed.")


def _locked_event(event: Event) -> Event:
    # Only the event's row is locked; its organiser comes along for the emails.
    return (
        Event.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=event.pk)
    )


def register(
    *,
    event: Event,
    name: str,
    email: str,
    organisation: str = "",
    role: str = "",
    access_needs: str = "",
    dietary_requirements: str = "",
    submission_key: str = "",
    answers: dict[Question, str] | None = None,
    now: datetime | None = None,
) -> Registration:
    """Give ``email`` a place, or a place on the waiting list, if the event allows it now.

    ``answers`` are the event's questions with their answers as stored text. When the event
    confirms email addresses, the place is only held until the attendee confirms their
    address through the link emailed to them (``confirm_email``).

    A second registration of the address raises ``AlreadyRegistered``. When the event confirms
    email addresses, the registration's own address is emailed its link first, so that the
    person who asked can be answered as if the address were new.
    """
    now = now or timezone.now()
    hold_expires_at = None
    if event.confirm_email_addresses:
        hold_expires_at = now + timedelta(minutes=settings.UNCONFIRMED_HOLD_MINUTES)
    # Input is checked before the lock is taken, so that the lock is held only for counting
    # and writing; a second registration of the address is refused by the unique index.
    registration = _new_registration(
        event=event,
        name=name,
        email=email,
        organisation=organisation,
        role=role,
        access_needs=access_needs,
        dietary_requirements=dietary_requirements,
        privacy_consent_at=now,
        submission_key=submission_key,
        hold_expires_at=hold_expires_at,
    )
    try:
        refusal = _claim_place(registration, now=now, answers=answers or {})
    except IntegrityError:
        existing = active_registration_for(event, registration.email)
        if existing is None:
            raise
        refusal = None
    else:
        if refusal is None:
            return registration
        # Who already has a registration is told so, rather than why registering is closed.
        existing = active_registration_for(event, registration.email)
        if existing is None:
            raise refusal
    if submission_key and existing.submission_key == submission_key:
        # The same form sent twice (a double click, a reload): the first one counts.
        return existing
    if event.confirm_email_addresses:
        existing.event = event
        _email_link_to_holder(existing)
        if refusal is not None:
            raise refusal  # as anyone else is told
    raise AlreadyRegistered()


def _new_registration(**fields) -> Registration:
    """A registration with the current privacy notice, its input checked without queries:
    the event exists, and uniqueness is the database's to enforce."""
    registration = Registration(privacy_notice_version=settings.PRIVACY_NOTICE_VERSION, **fields)
    registration.full_clean(exclude=["event"], validate_unique=False, validate_constraints=False)
    return registration


def active_registration_for(event: Event, email: str) -> Registration | None:
    """The active registration of ``email`` for ``event``, found through the unique index."""
    return (
        Registration.objects.active()
        .alias(email_lower=Lower("email"))
        .filter(event=event, email_lower=email.lower())
        .first()
    )


@transaction.atomic
def _claim_place(
    registration: Registration, *, now: datetime, answers: dict[Question, str]
) -> RegistrationRefused | None:
    """Under the event's lock, free the places of expired holds and count the places; then
    save the registration with the status the count gives, its answers and its email.

    Returns why the event takes no registration now instead of raising it, so that the
    holds released meanwhile stay released.
    """
    event = _locked_event(registration.event)
    _release_expired_holds(event, now=now)
    counts = registration_counts(event)
    state = event.registration_state(
        confirmed=counts["confirmed"], waitlisted=counts["waitlisted"], now=now
    )
    if state not in (State.OPEN, State.WAITLIST):
        return RegistrationRefused(refusal_message(event, state, now), code=state)
    registration.event = event
    registration.status = Status.CONFIRMED if state == State.OPEN else Status.WAITLISTED
    registration.save(force_insert=True)  # a second registration of the address fails here
    _store_answers(registration, {question: value for question, value in answers.items() if value})
    # For a hold, the email asks to confirm the address; the confirmation comes after that.
    tasks.enqueue_delivery(emails.queue_registration_email(registration))
    return None


# Emails telling someone their address is registered already, per registration and hour: the
# form must not become a way to fill a mailbox.
ALREADY_REGISTERED_EMAILS_PER_HOUR = 3


@transaction.atomic
def _email_link_to_holder(registration: Registration) -> None:
    """Send a registration's own address its link, when someone registers that address again."""
    recent = registration.outbound_emails.filter(
        kind=emails.Kind.ALREADY_REGISTERED, created_at__gte=timezone.now() - timedelta(hours=1)
    )
    if recent.count() < ALREADY_REGISTERED_EMAILS_PER_HOUR:
        tasks.enqueue_delivery(emails.queue_already_registered_email(registration))


def _release_expired_holds(event: Event, *, now: datetime) -> tuple[int, list[Registration]]:
    """Delete the registrations of ``event`` whose holders did not confirm their email address
    in time, and give the places they free to the waiting list. Returns how many were
    released, and who moved up.

    Deleted, not cancelled: the address may be someone else's, and nothing is kept of a
    person who never confirmed it. The caller holds the event's lock.
    """
    assert connection.in_atomic_block
    # Locked before they are deleted: one confirmed at this moment is left alone.
    expired = list(
        Registration.objects.filter(event=event)
        .hold_expired(now)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    if not expired:
        return 0, []
    Registration.objects.filter(pk__in=expired).delete()
    return len(expired), _promote_waitlisted(event, now=now)


def release_expired_holds(*, now: datetime | None = None) -> tuple[int, int]:
    """Free the places held for people who did not confirm their email address in time, in
    every event, each under its own lock. Returns how many holds were released and how many
    people moved up. Safe to run often, and twice at the same time."""
    now = now or timezone.now()
    events = Event.objects.filter(pk__in=Registration.objects.hold_expired(now).values("event"))
    released = promoted = 0
    for event in events:
        count, moved_up = _release_holds_of(event, now=now)
        released += count
        promoted += len(moved_up)
    return released, promoted


@transaction.atomic
def _release_holds_of(event: Event, *, now: datetime) -> tuple[int, list[Registration]]:
    return _release_expired_holds(_locked_event(event), now=now)


HOLD_EXPIRED_MESSAGE = gettext_lazy(
    "This registration was not confirmed in time, so its place was given up. You can register "
    "again if there is room."
)


@transaction.atomic
def confirm_email(*, registration: Registration, now: datetime | None = None) -> Registration:
    """The attendee confirmed their address through the emailed link: the held place (or
    place in the queue) is theirs, and they get the email anyone registering gets."""
    now = now or timezone.now()
    # This registration's row only: nothing else is waited for after it (see the lock order).
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "event__organiser")
        .filter(pk=registration.pk)
        .first()
    )
    if registration is None or (registration.is_on_hold and registration.hold_expires_at <= now):
        raise RegistrationRefused(HOLD_EXPIRED_MESSAGE, code="expired")
    if registration.is_on_hold and registration.event.status == Event.Status.CANCELLED:
        # Nothing to confirm a place for; the address is not written to again.
        raise RegistrationRefused(_("This event was cancelled."), code="cancelled")
    if registration.is_on_hold:
        registration.hold_expires_at = None
        registration.email_confirmed_at = now
        registration.save(update_fields=["hold_expires_at", "email_confirmed_at", "updated_at"])
        tasks.enqueue_delivery(emails.queue_registration_email(registration))
    return registration


def _store_answers(registration: Registration, answers: dict[Question, str]) -> None:
    """Keep each answer with the question's wording; an empty answer removes the stored one."""
    given = {question: value for question, value in answers.items() if value != ""}
    emptied = [question.pk for question, value in answers.items() if value == ""]
    if emptied:
        Answer.objects.filter(registration=registration, question__in=emptied).delete()
    if not given:
        return
    Answer.objects.bulk_create(
        [
            Answer(
                registration=registration,
                question=question,
                question_label=question.label,
                value=value,
            )
            for question, value in given.items()
        ],
        update_conflicts=True,
        unique_fields=["registration", "question"],
        update_fields=["question_label", "value", "updated_at"],
    )


@transaction.atomic
def update_details(
    *, registration: Registration, answers: dict[Question, str] | None = None, **fields: str
) -> Registration:
    """Change an attendee's own details and answers; the email stays unique within the event."""
    allowed = {"name", "email", "organisation", "role", "access_needs", "dietary_requirements"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Cannot update {', '.join(sorted(unknown))}")
    # The event first, as everywhere: a new address takes an entry in the unique index.
    _locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    for field, value in fields.items():
        setattr(registration, field, value)
    registration.full_clean(exclude=["event"], validate_unique=False, validate_constraints=False)
    try:
        # An address another active registration of the event uses is refused by the index.
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:
        raise AlreadyRegistered() from error
    if answers:
        _store_answers(registration, answers)
    return registration


def _promote_waitlisted(event: Event, *, now: datetime) -> list[Registration]:
    """Move people up from the waiting list into free places, first come first served.

    The caller holds the event lock.
    """
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - registration_counts(event)["confirmed"]
        if free <= 0:
            return []
    if event.status != Event.Status.PUBLISHED or event.is_past(now):
        return []
    waiting = Registration.objects.filter(event=event).waitlist_order()
    promoted = list(waiting if free is None else waiting[:free])
    for registration in promoted:
        registration.status = Status.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        # A held place is told about once the address is confirmed, not before.
        if not registration.is_on_hold:
            tasks.enqueue_delivery(emails.queue_promotion_email(registration))
    return promoted


@transaction.atomic
def cancel(
    *, registration: Registration, reason: str = "", now: datetime | None = None
) -> list[Registration]:
    """Cancel a place and give it to the first person waiting. Returns who was promoted."""
    now = now or timezone.now()
    event = _locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.CANCELLED:
        return []
    had_place = registration.status == Status.CONFIRMED
    held = registration.is_on_hold
    registration.status = Status.CANCELLED
    registration.cancelled_at = now
    registration.cancellation_reason = reason[:500]
    registration.hold_expires_at = None
    registration.save(
        update_fields=[
            "status", "cancelled_at", "cancellation_reason", "hold_expires_at", "updated_at",
        ]
    )  # fmt: skip
    if not held:  # nothing more is sent to an address nobody confirmed
        tasks.enqueue_delivery(emails.queue_cancellation_email(registration, had_place=had_place))
    return _promote_waitlisted(event, now=now)


@transaction.atomic
def promote(*, registration: Registration, allow_over_capacity: bool = False) -> Registration:
    """Give a place to someone on the waiting list, chosen by an organiser.

    A full event goes over capacity only when the organiser says so explicitly.
    """
    event = _locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.WAITLISTED:
        raise RegistrationRefused(
            _("%(name)s is not on the waiting list.") % {"name": registration.name},
            code="not_waitlisted",
        )
    full = event.capacity is not None and registration_counts(event)["confirmed"] >= event.capacity
    if full and not allow_over_capacity:
        raise RegistrationRefused(
            _("The event is full: a place for %(name)s would put it over capacity.")
            % {"name": registration.name},
            code="over_capacity",
        )
    registration.status = Status.CONFIRMED
    registration.save(update_fields=["status", "updated_at"])
    if not registration.is_on_hold:
        tasks.enqueue_delivery(emails.queue_promotion_email(registration))
    return registration


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
    event = _locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    theirs = list(
        Registration.objects.filter(event=event)
        .alias(email_lower=Lower("email"))
        .filter(email_lower=registration.email.lower())
        .values_list("pk", flat=True)
    )
    _delete(_traces(Registration.objects.filter(pk__in=theirs)))
    requests = LinkRequest.objects.filter(email__iexact=registration.email)
    tasks.runs_of(tasks.send_personal_links, requests.values_list("pk", flat=True)).delete()
    requests.delete()
    Registration.objects.filter(pk__in=theirs).delete()
    return _promote_waitlisted(event, now=now)


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
    "name",
    "email",
    "organisation",
    "role",
    "access_needs",
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
        event = _locked_event(event)
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


@transaction.atomic
def fill_free_places(*, event: Event, now: datetime | None = None) -> list[Registration]:
    """Promote waiting people into places freed by a change of capacity."""
    return _promote_waitlisted(_locked_event(event), now=now or timezone.now())


@transaction.atomic
def remove_question(*, question: Question, now: datetime | None = None) -> None:
    """Delete a question nobody answered; archive one with answers, which stay in exports."""
    if question.answers.exists():
        question.archived_at = now or timezone.now()
        question.save(update_fields=["archived_at"])
    else:
        question.delete()


@transaction.atomic
def check_in(*, registration: Registration, now: datetime | None = None) -> Registration:
    """Mark a confirmed attendee as arrived. A second tap keeps the first arrival time."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.CANCELLED:
        raise RegistrationRefused(
            _("%(name)s cancelled this registration, so there is no place to check in to.")
            % {"name": registration.name},
            code="cancelled",
        )
    if registration.status == Status.WAITLISTED:
        raise RegistrationRefused(
            _(
                "%(name)s is on the waiting list and has no place. Give them a place from the "
                "registrations first, if there is room."
            )
            % {"name": registration.name},
            code="waitlisted",
        )
    if registration.checked_in_at is None:
        registration.checked_in_at = now or timezone.now()
        # The organisers see the person at the door: a place held for them is theirs now.
        registration.hold_expires_at = None
        registration.save(update_fields=["checked_in_at", "hold_expires_at", "updated_at"])
    return registration


@transaction.atomic
def undo_check_in(*, registration: Registration) -> Registration:
    """Take back a check-in made by mistake."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.checked_in_at is not None:
        registration.checked_in_at = None
        registration.save(update_fields=["checked_in_at", "updated_at"])
    return registration


def register_walk_in(
    *,
    event: Event,
    name: str,
    email: str,
    organisation: str = "",
    allow_over_capacity: bool = False,
    now: datetime | None = None,
) -> Registration:
    """Register someone who turns up at the door and check them in at once.

    The registration window does not apply at the door; capacity does, unless the organiser
    lets the person in over capacity.
    """
    now = now or timezone.now()
    registration = _new_registration(
        event=event,
        name=name,
        email=email,
        organisation=organisation,
        privacy_consent_at=now,
        status=Status.CONFIRMED,
        checked_in_at=now,
    )
    duplicate = RegistrationRefused(
        _("This email address is already registered for this event: find the person in the list."),
        code="duplicate",
    )
    try:
        return _admit_walk_in(
            registration, allow_over_capacity=allow_over_capacity, refusal=duplicate, now=now
        )
    except IntegrityError as error:
        raise duplicate from error


@transaction.atomic
def _admit_walk_in(
    registration: Registration,
    *,
    allow_over_capacity: bool,
    refusal: RegistrationRefused,
    now: datetime,
) -> Registration:
    event = _locked_event(registration.event)
    _release_expired_holds(event, now=now)
    if event.status == Event.Status.CANCELLED:
        raise RegistrationRefused(_("This event was cancelled."), code="cancelled")
    if active_registration_for(event, registration.email) is not None:
        raise refusal
    confirmed = registration_counts(event)["confirmed"]
    if not allow_over_capacity and event.capacity is not None and confirmed >= event.capacity:
        raise RegistrationRefused(
            _(
                "The event is full: all %(capacity)d places are taken. Tick “Let them in over "
                "capacity” to register this person anyway."
            )
            % {"capacity": event.capacity},
            code="full",
        )
    registration.event = event
    registration.save(force_insert=True)
    # Their personal link and calendar invitation, as for anyone who registers.
    tasks.enqueue_delivery(emails.queue_registration_email(registration))
    return registration
