"""The event's lock, and what is read and changed only under it: the kept counts of its places
(the lock order is in the package's docstring)."""

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection

from events.models import Event, rows

from ..models import PlaceCounts, Registration
from ..models.counts import KEPT, ONLINE, mode_counts
from . import together


def locked_event(
    event: Event, *, holds_expired_by: datetime | None = None, new_ids: Sequence[type] = ()
) -> Event:
    """The event's row, read again and locked until the caller's transaction ends, with its kept
    counts (``kept_counts``; with ``holds_expired_by``, whether a place is held past that time).
    With ``new_ids`` (models), an id for a new row of each, taken in the same round trip where
    statements are sent together (``together.new_ids``), is the event's ``new_ids``: None each
    elsewhere.

    Only the event's row is locked. The counts are read by a statement of their own, sent with
    the lock's (``together.read_together``): joined to it, they would be read as they were when it
    started, before the transaction that held the lock committed its change of them. The event's
    organiser, for the emails, is the one ``event`` came with, if it came with one.
    """
    # A lock outside a transaction would end with the query: the caller must hold one.
    assert connection.in_atomic_block, "the event's lock is taken inside a transaction"
    statements = [_lock_statement(event.pk), _counts_statement(event.pk, holds_expired_by)]
    taking_ids = together.new_ids(*new_ids) if new_ids else None
    event_rows, counts_rows, *ids_rows = together.read_together(
        [*statements, taking_ids] if taking_ids else statements
    )
    if not event_rows:
        raise Event.DoesNotExist("The event was deleted.")
    locked = rows.instance(Event, event_rows[0])
    if Event.organiser.is_cached(event) and event.organiser_id == locked.organiser_id:
        locked.organiser = event.organiser
    locked.place_counts = _counts_from_row(locked, counts_rows, holds_expired_by)
    locked.new_ids = list(ids_rows[0][0]) if ids_rows else [None] * len(new_ids)
    return locked


def kept_counts(event: Event, *, holds_expired_by: datetime | None = None) -> PlaceCounts:
    """The confirmed and waiting counts of ``event`` (from ``locked_event``), exact while its
    lock is held: read with the lock, then kept with the event.

    With ``holds_expired_by``, the same query tells whether a place is held past that time
    (``holds_expired``): registering asks on every registration, and the answer is nearly
    always no. An event without a registration yet has no row of counts: it gets one, not
    saved until ``count_change`` changes it.
    """
    if not type(event).place_counts.related.is_cached(event):
        [found] = together.read_together([_counts_statement(event.pk, holds_expired_by)])
        event.place_counts = _counts_from_row(event, found, holds_expired_by)
    return event.place_counts


def _lock_statement(event_id: int) -> together.Statement:
    # Written out, as the counts' query is: both run on every registration while the event's
    # lock is held, where building them with the ORM took longer than answering them.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    table = Event._meta.db_table
    return (
        f"SELECT {rows.columns(Event, table)} FROM {table} WHERE id = %s{lock}",  # noqa: S608
        [event_id],
    )


def _counts_statement(event_id: int, holds_expired_by: datetime | None) -> together.Statement:
    expired, params = "FALSE", [event_id]
    if holds_expired_by is not None:
        # Answered by the partial index of holds.
        expired = (
            f"EXISTS (SELECT 1 FROM {Registration._meta.db_table} "  # noqa: S608 - our own names
            "WHERE event_id = %s AND hold_expires_at <= %s)"
        )
        held = connection.ops.adapt_datetimefield_value(holds_expired_by)
        params = [event_id, held, event_id]
    return (
        f"SELECT {', '.join(KEPT)}, {expired} "  # noqa: S608 - our own names
        f"FROM {PlaceCounts._meta.db_table} WHERE event_id = %s",
        params,
    )


def _counts_from_row(
    event: Event, found: list[tuple], holds_expired_by: datetime | None
) -> PlaceCounts:
    if not found:
        counts = PlaceCounts(event=event)
        counts.holds_expired = False  # nobody registered: nobody holds a place
        return counts
    *kept, holds_expired = found[0]
    counts = PlaceCounts.from_db(connection.alias, ["event_id", *KEPT], [event.pk, *kept])
    if holds_expired_by is not None:
        counts.holds_expired = bool(holds_expired)
    return counts


def confirmed_count(event: Event, attendance: str = "") -> int:
    """Confirmed places of ``event`` that ``attendance`` takes (``mode_counts``): exact only
    while its lock is held."""
    return taken(event, attendance)["confirmed"]


def places_all_taken(event: Event, attendance: str = "") -> bool:
    """Whether every place ``attendance`` takes at ``event`` is confirmed (never, without a
    capacity): exact only while its lock is held."""
    capacity = event.capacity_for(attendance)
    return capacity is not None and confirmed_count(event, attendance) >= capacity


def taken(event: Event, attendance: str = "") -> dict[str, int]:
    """The confirmed and waiting counts of the places ``attendance`` takes at ``event``: at a
    hybrid event, those of that mode; at any other, everyone's. Exact while the lock is held."""
    return mode_counts(event, kept_counts(event).as_counts(), attendance)


def count_change(
    event: Event,
    *,
    added: Iterable[tuple[str, str]] = (),
    removed: Iterable[tuple[str, str]] = (),
    written: together.Writes | None = None,
) -> None:
    """Keep the counts of ``event`` (locked by this transaction) up to date with registrations
    of the places (``Registration.place``: status and attendance) ``added`` (new, or moved
    into a status or mode) and ``removed`` (deleted, or moved out of it). Cancelled
    registrations are not kept."""
    assert connection.in_atomic_block, "the counts change with what they count"
    change = Counter(added)
    change.subtract(removed)
    counts = kept_counts(event)
    changed = set()
    for (status, attendance), number in change.items():
        if number and status in COUNTED:
            names = [status, f"{status}_online"] if attendance == ONLINE else [status]
            for name in names:
                setattr(counts, name, getattr(counts, name) + number)
                changed.add(name)
    written = written or together.Writes(together=False)
    if counts._state.adding:
        written.insert(counts)
    elif changed:
        # Written out, as it is read: this too runs while the lock is held.
        names = sorted(changed)
        written.execute(
            f"UPDATE {PlaceCounts._meta.db_table} SET "  # noqa: S608 - our own names
            + ", ".join(f"{name} = %s" for name in names)
            + " WHERE event_id = %s",
            [*(getattr(counts, name) for name in names), counts.pk],
        )


# The statuses whose registrations are kept in counts.
COUNTED = {Registration.Status.CONFIRMED, Registration.Status.WAITLISTED}


def recount(event: Event) -> tuple[dict[str, int], dict[str, int]]:
    """Count the registrations of ``event`` (locked by this transaction) and set its kept
    counts to what was counted. Returns the counts kept before, and the counts counted."""
    assert connection.in_atomic_block, "the counts are repaired under the event's lock"
    counts = kept_counts(event)
    kept = counts.as_counts()
    registrations = Registration.objects.filter(event=event)
    real = registrations.counts()
    online = registrations.filter(attendance=ONLINE).counts()
    counted = {
        "confirmed": real["confirmed"],
        "waitlisted": real["waitlisted"],
        "confirmed_online": online["confirmed"],
        "waitlisted_online": online["waitlisted"],
    }
    if counted != kept or counts._state.adding:
        for name, value in counted.items():
            setattr(counts, name, value)
        counts.save()
    return kept, counted
