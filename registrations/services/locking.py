"""The event's lock, and what is read and changed only under it: the kept counts of its places
(the lock order is in the package's docstring)."""

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from django.db import connection

from events.models import Event

from ..models import PlaceCounts, Registration
from ..models.counts import KEPT, ONLINE, mode_counts


def locked_event(event: Event) -> Event:
    """The event's row, locked until the caller's transaction ends.

    Only the event's row is locked; its organiser comes along for the emails. Its kept counts
    (``kept_counts``) are read by a query of their own once the lock is taken: joined to this
    one, they would be read as they were when it started, before the transaction that held
    the lock committed its change of them.
    """
    # A lock outside a transaction would end with the query: the caller must hold one.
    assert connection.in_atomic_block, "the event's lock is taken inside a transaction"
    return (
        Event.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=event.pk)
    )


def kept_counts(event: Event, *, holds_expired_by: datetime | None = None) -> PlaceCounts:
    """The confirmed and waiting counts of ``event`` (from ``locked_event``), exact while its
    lock is held: read once, after the lock is taken, then kept with the event.

    With ``holds_expired_by``, the same query tells whether a place is held past that time
    (``holds_expired``): registering asks on every registration, and the answer is nearly
    always no. An event without a registration yet has no row of counts: it gets one, not
    saved until ``count_change`` changes it.
    """
    if not type(event).place_counts.related.is_cached(event):
        event.place_counts = _read_counts(event, holds_expired_by)
    return event.place_counts


def _read_counts(event: Event, holds_expired_by: datetime | None) -> PlaceCounts:
    """The query of ``kept_counts``, written out: it runs on every registration while the
    event's lock is held, where building it with the ORM took longer than answering it."""
    expired, params = "FALSE", [event.pk]
    if holds_expired_by is not None:
        # Answered by the partial index of holds.
        expired = (
            f"EXISTS (SELECT 1 FROM {Registration._meta.db_table} "  # noqa: S608 - our own names
            "WHERE event_id = %s AND hold_expires_at <= %s)"
        )
        held = connection.ops.adapt_datetimefield_value(holds_expired_by)
        params = [event.pk, held, event.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(KEPT)}, {expired} "  # noqa: S608 - our own names
            f"FROM {PlaceCounts._meta.db_table} WHERE event_id = %s",
            params,
        )
        row = cursor.fetchone()
    if row is None:
        counts = PlaceCounts(event=event)
        counts.holds_expired = False  # nobody registered: nobody holds a place
        return counts
    *kept, holds_expired = row
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
    event: Event, *, added: Iterable[tuple[str, str]] = (), removed: Iterable[tuple[str, str]] = ()
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
    if counts._state.adding:
        counts.save(force_insert=True)
    elif changed:
        # Written out, as it is read: this too runs while the lock is held.
        names = sorted(changed)
        with connection.cursor() as cursor:
            cursor.execute(
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
