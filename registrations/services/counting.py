"""Checking the kept counts of places against a real count, and repairing them."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from events.models import Event

from . import locking


@dataclass(frozen=True)
class CountDifference:
    """An event whose kept counts are not what its registrations count."""

    event: Event
    kept: dict[str, int]
    counted: dict[str, int]


def count_differences() -> list[CountDifference]:
    """Every event whose kept counts differ from a real count of its registrations.

    Changes nothing and takes no lock: both are read by one query, so from one snapshot, in
    which each committed change of registrations came with its change of the counts.
    """
    events = (
        Event.objects.annotate(
            counted_confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
            counted_waitlisted=Count("registrations", filter=Q(registrations__status="waitlisted")),
            kept_confirmed=Coalesce("place_counts__confirmed", 0),
            kept_waitlisted=Coalesce("place_counts__waitlisted", 0),
        )
        .exclude(
            Q(counted_confirmed=Coalesce("place_counts__confirmed", 0))
            & Q(counted_waitlisted=Coalesce("place_counts__waitlisted", 0))
        )
        .order_by("pk")
    )
    return [
        CountDifference(
            event=event,
            kept={"confirmed": event.kept_confirmed, "waitlisted": event.kept_waitlisted},
            counted={"confirmed": event.counted_confirmed, "waitlisted": event.counted_waitlisted},
        )
        for event in events
    ]


@transaction.atomic
def fix_counts(*, event: Event) -> CountDifference:
    """Count the registrations of ``event`` under its lock and keep what was counted."""
    locked = locking.locked_event(event)
    kept, counted = locking.recount(locked)
    return CountDifference(event=locked, kept=kept, counted=counted)
