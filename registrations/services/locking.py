"""The event's lock, and what is read only under it (the lock order is in the package's
docstring)."""

from django.db import connection

from events.models import Event

from ..models import Registration


def locked_event(event: Event) -> Event:
    """The event's row, locked until the caller's transaction ends.

    Only the event's row is locked; its organiser comes along for the emails.
    """
    # A lock outside a transaction would end with the query: the caller must hold one.
    assert connection.in_atomic_block, "the event's lock is taken inside a transaction"
    return (
        Event.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=event.pk)
    )


def confirmed_count(event: Event) -> int:
    """Confirmed places of ``event``: exact only while its lock is held."""
    return Registration.objects.filter(event=event).counts()["confirmed"]
