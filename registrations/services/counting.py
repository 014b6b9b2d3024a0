"""Checking the kept counts of places against a real count, and repairing them."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from events.models import Event

from ..models.counts import KEPT, ONLINE
from . import locking


@dataclass(frozen=True)
class CountDifference:
    """An event whose kept counts are not what its registrations count."""

    event: Event
    kept: dict[str, int]
    counted: dict[str, int]


def count_differences() -> list[CountDifference]:
    """Every event whose kept counts differ from a real count of its registrations, online
    places included.

    Changes nothing and takes no lock: both are read by one query, so from one snapshot, in
    which each committed change of registrations came with its change of the counts.
    """
    counted = {
        f"counted_{name}": Count(
            "registrations",
            filter=Q(registrations__status=name.removesuffix("_online"))
            & (Q(registrations__attendance=ONLINE) if name.endswith("_online") else Q()),
        )
        for name in KEPT
    }
    kept = {f"kept_{name}": Coalesce(f"place_counts__{name}", 0) for name in KEPT}
    same = Q()
    for name in KEPT:
        same &= Q(**{f"counted_{name}": F(f"kept_{name}")})
    events = Event.objects.annotate(**counted, **kept).exclude(same).order_by("pk")
    return [
        CountDifference(
            event=event,
            kept={name: getattr(event, f"kept_{name}") for name in KEPT},
            counted={name: getattr(event, f"counted_{name}") for name in KEPT},
        )
        for event in events
    ]


@transaction.atomic
def fix_counts(*, event: Event) -> CountDifference:
    """Count the registrations of ``event`` under its lock and keep what was counted."""
    locked = locking.locked_event(event)
    kept, counted = locking.recount(locked)
    return CountDifference(event=locked, kept=kept, counted=counted)
