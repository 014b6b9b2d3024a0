"""What the public pages say about places: open, waiting list, full, closed, and why.

``events`` knows nothing of registrations: no module of it imports one of ``registrations``,
not even this one. Its event list, event page and ``status.json`` show an event as it is;
``registrations`` serves the same pages at the same addresses and names (see
``registrations/urls.py``) through subclasses of those views that add what this module says,
in the template context as ``availability``. Registrations' admin extends the event admin the
same way. So the dependency runs one way, and a newcomer finds every rule about places in
``registrations``: this module for what the pages say, ``services`` for what changes.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import Event

from .models import PlaceCounts, Registration
from .models.counts import NO_PLACES_TAKEN, mode_counts

State = Event.RegistrationState
Attendance = Registration.Attendance


def refusal_message(
    event: Event, state: str, now: datetime | None = None, attendance: str = ""
) -> str:
    """Why nobody can register for ``event`` in ``state``; shown on the event page and the form.
    At a hybrid event, ``attendance`` says which places are full."""
    now = now or timezone.now()
    if state == State.CANCELLED:
        return _("This event was cancelled.")
    if state == State.EXTERNAL:
        return _("Registration for this event is handled on another site.")
    if state == State.NOT_YET_OPEN:
        return _("Registration is not open yet. It opens on %(date)s.") % {
            "date": event.local_time_text(event.registration_opens_at)
        }
    if state == State.FULL and event.is_hybrid and attendance:
        if event.has_online_places(attendance):
            return _("The online places are all taken.")
        return _("The places in person are all taken.")
    if state == State.FULL:
        return _("This event is full.")
    if event.status != Event.Status.PUBLISHED:
        return _("This event is not open for registration.")
    if event.is_past(now):
        return _("This event has ended.")
    if event.starts_at <= now:
        return _("This event has already started, so registration is closed.")
    return _("Registration for this event is closed.")


def registration_summary(
    event: Event, counts: dict[str, int] | None = None, now: datetime | None = None
) -> dict:
    """What the event page, the form and status.json say about registration; ``counts`` are
    the event's kept counts (``PlaceCounts.as_counts()``), read when not given.

    A hybrid event's ``modes`` say the same of its places in person and online, each with its
    own capacity and waiting list; the event is open while either is, and its ``places_left``
    are those in person, as its ``capacity``. Any other event has no ``modes``.
    """
    now = now or timezone.now()
    if counts is None:
        counts = kept_counts(event)
    modes = []
    if event.is_hybrid:
        modes = [_mode_summary(event, counts, mode, now) for mode in Attendance]
        state = next(
            (wanted for wanted in BEST_FIRST if any(mode["state"] == wanted for mode in modes)),
            modes[0]["state"],
        )
        places_left = modes[0]["places_left"]  # in person, as ``capacity``
    else:
        state = event.registration_state(
            confirmed=counts["confirmed"], waitlisted=counts["waitlisted"], now=now
        )
        places_left = event.places_left(confirmed=counts["confirmed"])
    can_register = state in (State.OPEN, State.WAITLIST)
    return {
        "state": state,
        "can_register": can_register,
        "places_left": places_left,
        "message": ""
        if can_register or state == State.EXTERNAL
        else refusal_message(event, state, now),
        "confirmed": counts["confirmed"],
        "waitlisted": counts["waitlisted"],
        "modes": modes,
    }


# A hybrid event's state is the best of its modes' states.
BEST_FIRST = [State.OPEN, State.WAITLIST]


def _mode_summary(event: Event, counts: dict[str, int], attendance: str, now: datetime) -> dict:
    """The places of one mode of a hybrid event: whether they take registrations, how many
    are left, confirmed and waiting."""
    taken = mode_counts(event, counts, attendance)
    state = event.registration_state(**taken, now=now, attendance=attendance)
    summary = {
        "attendance": attendance,
        "state": state,
        "can_register": state in (State.OPEN, State.WAITLIST),
        "places_left": event.places_left(confirmed=taken["confirmed"], attendance=attendance),
        "message": refusal_message(event, state, now, attendance),
        **taken,
    }
    return {**summary, "text": mode_text(summary)}


def mode_text(mode: dict) -> str:
    """One way of attending a hybrid event with what is left of its places, as the form
    and the event page say it: "In person (3 places left)", "Online (full: waiting list)"."""
    label = Attendance(mode["attendance"]).label
    if mode["state"] == State.OPEN and mode["places_left"] is None:
        return str(label)
    if mode["state"] == State.OPEN:
        return ngettext(
            "%(mode)s (%(count)d place left)",
            "%(mode)s (%(count)d places left)",
            mode["places_left"],
        ) % {"mode": label, "count": mode["places_left"]}
    if mode["state"] == State.WAITLIST:
        return _("%(mode)s (full: waiting list)") % {"mode": label}
    return _("%(mode)s (full)") % {"mode": label}


def summaries(events: list[Event], now: datetime | None = None) -> dict[int, dict]:
    """``registration_summary`` of each of ``events``, their kept counts read in one query."""
    now = now or timezone.now()
    counts = {
        kept.event_id: kept.as_counts() for kept in PlaceCounts.objects.filter(event__in=events)
    }
    return {
        event.pk: registration_summary(event, counts.get(event.pk, NO_PLACES_TAKEN), now)
        for event in events
    }


def kept_counts(event: Event) -> dict[str, int]:
    """The counts kept for ``event`` (one row read, whatever its size, or none when the view
    joined them); an event nobody registered for has none kept."""
    try:
        return event.place_counts.as_counts()
    except PlaceCounts.DoesNotExist:
        return dict(NO_PLACES_TAKEN)


def current_counts(event: Event) -> dict[str, int]:
    """The counts kept for ``event`` now, read without keeping them with the event: a page
    that reads them before a registration is made reads them again after it."""
    counts = PlaceCounts.objects.filter(event=event).first()
    return counts.as_counts() if counts else dict(NO_PLACES_TAKEN)
