"""Who holds a place: registering, holds awaiting a confirmed address, cancelling,
and moving people up from the waiting list."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Event

from .. import emails, tasks
from ..availability import refusal_message
from ..models import OutboundEmail, Question, Registration
from ..models.counts import mode_counts
from . import locking, together
from .details import answer_rows
from .errors import AlreadyRegistered, RegistrationRefused

State = Event.RegistrationState
Status = Registration.Status


def register(
    *,
    event: Event,
    name: str,
    email: str,
    organisation: str = "",
    role: str = "",
    access_needs: str = "",
    dietary_options: str = "",
    dietary_requirements: str = "",
    submission_key: str = "",
    answers: dict[Question, str] | None = None,
    language: str = "",
    attendance: str = "",
    now: datetime | None = None,
) -> Registration:
    """Give ``email`` a place, or a place on the waiting list, if the event allows it now.

    At a hybrid event, ``attendance`` (in person or online, in person if not given) is the
    mode whose places and waiting list the registration takes; any other event's mode is
    its registrations' own.

    ``answers`` are the event's questions with their answers as stored text. When the event
    confirms email addresses, the place is only held until the attendee confirms their
    address through the link emailed to them (``confirm_email``). ``language`` is the one the
    attendee registered in (the site's default if not given): their emails are written in it.

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
    registration = new_registration(
        event=event,
        name=name,
        email=email,
        organisation=organisation,
        role=role,
        access_needs=access_needs,
        dietary_options=dietary_options,
        dietary_requirements=dietary_requirements,
        privacy_consent_at=now,
        submission_key=submission_key,
        hold_expires_at=hold_expires_at,
        language=language or settings.LANGUAGE_CODE,
        attendance=attendance_at(event, attendance),
    )
    try:
        refusal = None
        if not _placed_before_lock(registration, now=now, answers=answers or {}):
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


def new_registration(**fields) -> Registration:
    """A registration with the current privacy notice, its input checked without queries:
    the event exists, and uniqueness is the database's to enforce."""
    registration = Registration(privacy_notice_version=settings.PRIVACY_NOTICE_VERSION, **fields)
    registration.full_clean(exclude=["event"], validate_unique=False, validate_constraints=False)
    return registration


def attendance_at(event: Event, chosen: str = "") -> str:
    """How someone attends ``event``: at a hybrid event as they chose (``chosen``), in person
    if they did not say; at any other, as the event is held."""
    if event.attendance_mode == Event.AttendanceMode.ONLINE:
        return Registration.Attendance.ONLINE
    if event.is_hybrid and chosen:
        return chosen
    return Registration.Attendance.IN_PERSON


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
    # Where statements are sent together, the rows written below go in one round trip after
    # the lock's: the registration and its email take their ids with the lock.
    event = locking.locked_event(
        registration.event, holds_expired_by=now, new_ids=(Registration, OutboundEmail)
    )
    release_holds_under_lock(event, now=now)
    attendance = registration.attendance
    state = event.registration_state(
        **locking.taken(event, attendance), now=now, attendance=attendance
    )
    if state not in (State.OPEN, State.WAITLIST):
        return RegistrationRefused(refusal_message(event, state, now, attendance), code=state)
    written = together.Writes()
    _write_place(written, registration, event, state=state, ids=event.new_ids, answers=answers)
    # The commit goes with the writes: the lock is released as soon as they are done.
    written.send(ending=True)
    return None


def _write_place(
    written: together.Writes,
    registration: Registration,
    event: Event,
    *,
    state: str,
    ids: list,
    answers: dict[Question, str],
    rest_if_inserted: bool = False,
) -> None:
    """Add to ``written`` the rows of ``registration`` with the place ``state`` gives at
    ``event`` (open: confirmed; waiting list: waitlisted): the registration, the counts' change,
    its answers, its email and the email's task, ``ids`` being the registration's and its
    email's. With ``rest_if_inserted``, each row after the registration is written only if the
    registration was (its insert is on a condition of ``written``)."""
    registration.event = event
    registration.status = Status.CONFIRMED if state == State.OPEN else Status.WAITLISTED
    registration.pk, email_id = ids
    written.insert(registration)  # a second registration of the address fails here
    if rest_if_inserted:
        table = Registration._meta.db_table
        written.when((f"EXISTS (SELECT 1 FROM {table} WHERE id = %s)", [registration.pk]))  # noqa: S608
    locking.count_change(event, added=[registration.place], written=written)
    answered = answer_rows(registration, answers)
    if answered:
        written.insert(*answered)
    # For a hold, the email asks to confirm the address; the confirmation comes after that.
    email = emails.registration_email(registration)
    email.pk = email_id
    written.insert(email)
    tasks.enqueue_delivery(email, written=written)


def _placed_before_lock(
    registration: Registration, *, now: datetime, answers: dict[Question, str]
) -> bool:
    """Where the event was read with its counts before its lock (``locking.seen``), decide the
    place from them and send the lock with the writes in one message, each write made on
    condition that the decision still stands under the lock (``locking.decided_before_lock``).
    The lock is then held while PostgreSQL runs the message, not while this process waits for
    a core to read the counts. Returns whether the registration was written: if not, nothing
    of the attempt is left, and the place is decided under the lock (``_claim_place``).
    """
    # What was seen is used once: its ids are for one registration.
    seen = registration.event.__dict__.pop("seen", None)
    if seen is None or seen.counts is None:  # the first registration creates the counts' row
        return False
    attendance = registration.attendance
    counts = mode_counts(seen.event, seen.counts, attendance)
    state = seen.event.registration_state(**counts, now=now, attendance=attendance)
    if state not in (State.OPEN, State.WAITLIST):
        return False  # refused as it was read: whether it still is, the lock decides
    try:
        _write_with_lock(registration, seen, state=state, now=now, answers=answers)
    except _NotDecided:
        return False
    return True


class _NotDecided(Exception):
    """The place decided before the event's lock did not stand under it: nothing was written."""


@transaction.atomic
def _write_with_lock(
    registration: Registration,
    seen: locking.Seen,
    *,
    state: str,
    now: datetime,
    answers: dict[Question, str],
) -> None:
    event = locking.with_seen_counts(seen)
    attendance = registration.attendance
    lock, still_decided = locking.decided_before_lock(seen, state, attendance=attendance, now=now)
    written = together.Writes()
    written.execute(*lock)
    written.when(still_decided)
    _write_place(
        written,
        registration,
        event,
        state=state,
        ids=seen.new_ids,
        answers=answers,
        rest_if_inserted=True,
    )
    _locked, inserted, *_rest = written.send(ending=True)
    if not inserted:
        registration._state.adding = True
        # Leaving the block by an exception forgets what this process kept for the commit
        # (the email's delivery, with the immediate backend): the database has none of it.
        raise _NotDecided


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


def release_holds_under_lock(event: Event, *, now: datetime) -> tuple[int, list[Registration]]:
    """Delete the registrations of ``event`` whose holders did not confirm their email address
    in time, and give the places they free to the waiting list. Returns how many were
    released, and who moved up.

    Deleted, not cancelled: the address may be someone else's, and nothing is kept of a
    person who never confirmed it. The caller holds the event's lock.
    """
    assert connection.in_atomic_block
    if not getattr(locking.kept_counts(event, holds_expired_by=now), "holds_expired", True):
        return 0, []
    # Locked before they are deleted: one confirmed at this moment is left alone.
    expired = {
        pk: (status, attendance)
        for pk, status, attendance in Registration.objects.filter(event=event)
        .hold_expired(now)
        .select_for_update()
        .values_list("pk", "status", "attendance")
    }
    if not expired:
        return 0, []
    Registration.objects.filter(pk__in=expired).delete()
    locking.count_change(event, removed=expired.values())
    return len(expired), promote_waitlisted(event, now=now)


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
    return release_holds_under_lock(locking.locked_event(event), now=now)


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


def promote_waitlisted(
    event: Event, *, now: datetime, attendance: str | None = None
) -> list[Registration]:
    """Move people up from the waiting list into free places, first come first served: of
    the places ``attendance`` takes (``locking.taken``), or of every mode when not given.

    The caller holds the event lock.
    """
    if attendance is not None:
        modes = [attendance]
    elif event.is_hybrid:
        modes = list(Registration.Attendance)
    else:
        modes = [""]
    return [promoted for mode in modes for promoted in _promote_into(event, mode, now=now)]


def _promote_into(event: Event, attendance: str, *, now: datetime) -> list[Registration]:
    capacity = event.capacity_for(attendance)
    if capacity is None:
        free = None
    else:
        free = capacity - locking.confirmed_count(event, attendance)
        if free <= 0:
            return []
    if event.status != Event.Status.PUBLISHED or event.is_past(now):
        return []
    waiting = Registration.objects.filter(event=event).waitlist_order()
    if event.is_hybrid:  # each mode has a waiting list of its own
        waiting = waiting.filter(attendance=attendance)
    promoted = list(waiting if free is None else waiting[:free])
    for registration in promoted:
        moved_up = (Status.CONFIRMED, registration.attendance)
        locking.count_change(event, added=[moved_up], removed=[registration.place])
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
    event = locking.locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.CANCELLED:
        return []
    had_place = registration.status == Status.CONFIRMED
    held = registration.is_on_hold
    locking.count_change(event, removed=[registration.place])
    registration.status = Status.CANCELLED
    registration.cancelled_at = now
    # The forms limit a reason; a longer one is a mistake of the caller, refused rather than cut.
    limit = Registration._meta.get_field("cancellation_reason").max_length
    if len(reason) > limit:
        raise ValueError(f"A cancellation reason has at most {limit} characters.")
    registration.cancellation_reason = reason
    registration.hold_expires_at = None
    registration.save(
        update_fields=[
            "status", "cancelled_at", "cancellation_reason", "hold_expires_at", "updated_at",
        ]
    )  # fmt: skip
    if not held:  # nothing more is sent to an address nobody confirmed
        tasks.enqueue_delivery(emails.queue_cancellation_email(registration, had_place=had_place))
    return promote_waitlisted(event, now=now, attendance=registration.attendance)


@transaction.atomic
def promote(*, registration: Registration, allow_over_capacity: bool = False) -> Registration:
    """Give a place to someone on the waiting list, chosen by an organiser.

    A full event goes over capacity only when the organiser says so explicitly.
    """
    event = locking.locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.WAITLISTED:
        raise RegistrationRefused(
            _("%(name)s is not on the waiting list.") % {"name": registration.name},
            code="not_waitlisted",
        )
    if locking.places_all_taken(event, registration.attendance) and not allow_over_capacity:
        raise RegistrationRefused(
            _("The event is full: a place for %(name)s would put it over capacity.")
            % {"name": registration.name},
            code="over_capacity",
        )
    moved_up = (Status.CONFIRMED, registration.attendance)
    locking.count_change(event, added=[moved_up], removed=[registration.place])
    registration.status = Status.CONFIRMED
    registration.save(update_fields=["status", "updated_at"])
    if not registration.is_on_hold:
        tasks.enqueue_delivery(emails.queue_promotion_email(registration))
    return registration


@transaction.atomic
def delete(*, registration: Registration, now: datetime | None = None) -> list[Registration]:
    """Delete a registration (and what Django deletes with it), as a superuser may from the
    admin; the place it held goes to the waiting list. Returns who moved up."""
    event = locking.locked_event(registration.event)
    registration = Registration.objects.select_for_update().filter(pk=registration.pk).first()
    if registration is None:
        return []
    registration.delete()
    locking.count_change(event, removed=[registration.place])
    return promote_waitlisted(event, now=now or timezone.now(), attendance=registration.attendance)


@transaction.atomic
def fill_free_places(*, event: Event, now: datetime | None = None) -> list[Registration]:
    """Promote waiting people into places freed by a change of capacity."""
    return promote_waitlisted(locking.locked_event(event), now=now or timezone.now())
