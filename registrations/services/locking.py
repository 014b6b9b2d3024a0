"""The event's lock, and what is read and changed only under it: the kept counts of its places
(the lock order is in the package's docstring)."""

import copy
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from events.models import Event, rows

from ..models import PlaceCounts, Registration
from ..models.counts import KEPT, ONLINE, mode_count_columns, mode_counts
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


@dataclass
class Seen:
    """An event as it was read before its lock, for deciding a place in the lock's own message
    (``places.register``): its row as stored (not translated), that row's version, its kept
    counts (None where it has no row of counts yet) and ids for a registration and its email."""

    event: Event
    version: str
    counts: dict[str, int] | None
    new_ids: list[int]


# The table of counts, joined to the event's row by ``seen_select``.
_SEEN_COUNTS = "seen_counts"


def seen_select(event_alias: str) -> tuple[str, str]:
    """The columns, after the event's own, and the join that read with an event's row (aliased
    ``event_alias``) what ``seen`` needs; none where statements are not sent together, as
    nothing is then decided before the lock."""
    if not together.sent_together():
        return "", ""
    counts = _SEEN_COUNTS
    columns = [f"{event_alias}.xmin::text", *(f"{counts}.{name}" for name in KEPT)]
    join = (
        f"LEFT JOIN {PlaceCounts._meta.db_table} {counts} ON {counts}.event_id = {event_alias}.id"
    )
    return ", " + ", ".join(columns), join


def seen(event: Event, values: Sequence, new_ids: Sequence[int] | None) -> Seen | None:
    """What was read of ``event`` by the columns of ``seen_select`` (``values``), with the
    ids taken for a registration and its email; None where nothing was read or no ids taken."""
    if not values or not new_ids:
        return None
    version, *counts = values
    kept = None if counts[0] is None else dict(zip(KEPT, counts, strict=True))
    return Seen(event=event, version=version, counts=kept, new_ids=list(new_ids))


def with_seen_counts(seen: Seen) -> Event:
    """A copy of the event ``seen``, with the counts seen as its kept counts (``kept_counts``).
    The writes of a place decided from them change them: on a copy, they stay off the instance
    the caller holds, whatever becomes of the attempt."""
    event = copy.copy(seen.event)
    event.place_counts = _kept_counts_of(event, [seen.counts[name] for name in KEPT])
    return event


def _kept_counts_of(event: Event, values: Sequence[int]) -> PlaceCounts:
    """The saved row of counts of ``event`` whose ``KEPT`` counts are ``values``."""
    return PlaceCounts.from_db(connection.alias, ["event_id", *KEPT], [event.pk, *values])


def decided_before_lock(seen: Seen, state: str, *, attendance: str, now: datetime) -> tuple:
    """The lock of the event ``seen``, and the condition under which a place decided from it
    (``state``, open or waiting list) stands once the lock is taken: the event's row is still
    the version seen, its counts are still within those that decide the same
    (``Event.counts_keeping_state``), and no place is held past ``now`` (releasing one is
    decided under the lock). The condition is checked after the lock is taken, each statement
    seeing what the lock's previous holder committed."""
    event = seen.event
    table = Event._meta.db_table
    columns = mode_count_columns(event, attendance)
    within, params = [], []
    for name, allowed in event.counts_keeping_state(state, attendance=attendance).items():
        within.append(f"{columns[name]} >= %s AND {columns[name]} < %s")
        params += [allowed.start, allowed.stop]
    held = connection.ops.adapt_datetimefield_value(now)
    condition = (
        f"EXISTS (SELECT 1 FROM {table} WHERE id = %s AND xmin = %s::xid) "  # noqa: S608
        f"AND EXISTS (SELECT 1 FROM {PlaceCounts._meta.db_table} "
        f"WHERE event_id = %s AND {' AND '.join(within)}) "
        f"AND NOT EXISTS (SELECT 1 FROM {Registration._meta.db_table} "
        "WHERE event_id = %s AND hold_expires_at <= %s)",
        [event.pk, seen.version, event.pk, *params, event.pk, held],
    )
    return _lock_statement(event.pk), condition


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
    counts = _kept_counts_of(event, kept)
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
    changed = Counter()
    for (status, attendance), number in change.items():
        if number and status in COUNTED:
            names = [status, f"{status}_online"] if attendance == ONLINE else [status]
            for name in names:
                setattr(counts, name, getattr(counts, name) + number)
                changed[name] += number
    written = written or together.Writes(together=False)
    names = sorted(name for name, number in changed.items() if number)
    if counts._state.adding:
        written.insert(counts)
    elif names:
        # Written out, as it is read: this too runs while the lock is held. Each count is
        # changed by the difference, not set: the same under the lock, and right for a place
        # decided from counts read before it (``places.register``).
        written.execute(
            f"UPDATE {PlaceCounts._meta.db_table} SET "  # noqa: S608 - our own names
            + ", ".join(f"{name} = {name} + %s" for name in names)
            + " WHERE event_id = %s",
            [*(changed[name] for name in names), counts.pk],
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
