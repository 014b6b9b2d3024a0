"""An event's places: how many there are in each way of attending, and whether people can
register now, given how many are taken."""

import sys
from datetime import datetime

from django.utils import timezone


class EventPlaces:
    """What ``Event`` says about its places. A hybrid event has two sets of places, each with
    its own capacity and waiting list: ``capacity`` in person, ``online_capacity`` online.
    Any other event has one set, ``capacity``, whatever its mode. ``attendance`` below is one
    of the modes a person attends by, ``"in_person"`` or ``"online"``; "" is the in-person
    places of a hybrid event, and the only places of any other."""

    @property
    def is_hybrid(self) -> bool:
        return self.attendance_mode == self.AttendanceMode.HYBRID

    def has_online_places(self, attendance: str) -> bool:
        """Whether ``attendance`` takes the online places of a hybrid event."""
        return self.is_hybrid and attendance == self.AttendanceMode.ONLINE

    def capacity_for(self, attendance: str = "") -> int | None:
        """The places of ``attendance``: None is no limit."""
        return self.online_capacity if self.has_online_places(attendance) else self.capacity

    def registration_state(
        self,
        *,
        confirmed: int,
        waitlisted: int = 0,
        now: datetime | None = None,
        attendance: str = "",
    ) -> str:
        """Whether people can register now for the places of ``attendance``, given how many
        of them are confirmed and waiting."""
        now = now or timezone.now()
        state = self.RegistrationState
        if self.status == self.Status.CANCELLED:
            return state.CANCELLED
        if self.external_registration_url or self.is_listing:
            # A listing's registration, if any, is the host's.
            return state.EXTERNAL
        if self.status != self.Status.PUBLISHED or now >= self.registration_closes:
            return state.CLOSED
        if self.registration_opens_at and now < self.registration_opens_at:
            return state.NOT_YET_OPEN
        capacity = self.capacity_for(attendance)
        if capacity is not None and confirmed >= capacity:
            if self.waitlist_enabled and (
                self.waitlist_limit is None or waitlisted < self.waitlist_limit
            ):
                return state.WAITLIST
            return state.FULL
        return state.OPEN

    def counts_keeping_state(self, state: str, *, attendance: str = "") -> dict[str, range]:
        """The confirmed and waiting counts of the places of ``attendance`` for which
        ``registration_state`` stays ``state`` (open or waiting list), everything else about the
        event and the time being the same: a place decided from counts read before the event's
        lock stands while the counts under the lock are still within these."""
        capacity = self.capacity_for(attendance)
        unlimited = range(0, sys.maxsize)
        if state == self.RegistrationState.OPEN:
            return {
                "confirmed": unlimited if capacity is None else range(0, capacity),
                "waitlisted": unlimited,
            }
        if state == self.RegistrationState.WAITLIST and capacity is not None:
            limit = self.waitlist_limit
            return {
                "confirmed": range(capacity, sys.maxsize),
                "waitlisted": unlimited if limit is None else range(0, limit),
            }
        raise ValueError(f"No counts decide a place when registering is {state!r}")

    def places_left(self, *, confirmed: int, attendance: str = "") -> int | None:
        capacity = self.capacity_for(attendance)
        if capacity is None:
            return None
        return max(capacity - confirmed, 0)
