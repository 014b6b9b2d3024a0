"""The confirmed and waiting counts of each event, kept: a place is decided in constant time."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event

ONLINE = Event.AttendanceMode.ONLINE.value


class PlaceCounts(models.Model):
    """How many registrations of an event are confirmed and on the waiting list, and how many
    of those attend online.

    Counting the registrations under the event's lock made every registration of a big event
    slower the more it had. These counts are changed only by the services, under the event's
    lock, in the transaction of the change they count (``services.locking.count_change``), so
    they are as exact as ``Registration.objects.counts()``, which stays the real count
    (``manage.py check_counts`` compares the two). The row appears with the event's first
    registration: an event without one has none, and its counts are nought.

    ``confirmed`` and ``waitlisted`` count everyone, whichever way they attend, as every
    reader of the totals expects; the online counts are part of them, so that the places of
    each mode of a hybrid event are known without a second row (``mode_counts``).
    """

    event = models.OneToOneField(
        Event,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="place_counts",
        verbose_name=_("event"),
    )
    confirmed = models.PositiveIntegerField(_("confirmed"), default=0)
    waitlisted = models.PositiveIntegerField(_("on the waiting list"), default=0)
    confirmed_online = models.PositiveIntegerField(_("confirmed online"), default=0)
    waitlisted_online = models.PositiveIntegerField(_("on the online waiting list"), default=0)

    class Meta:
        verbose_name = _("place counts")
        verbose_name_plural = _("place counts")

    def __str__(self):
        return f"{self.event_id}: {self.confirmed} confirmed, {self.waitlisted} waitlisted"

    def as_counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in KEPT}


# What ``as_counts()`` answers: the totals, then the part of them online.
KEPT = ["confirmed", "waitlisted", "confirmed_online", "waitlisted_online"]
NO_PLACES_TAKEN = dict.fromkeys(KEPT, 0)


def mode_counts(event: Event, counts: dict[str, int], attendance: str = "") -> dict[str, int]:
    """The confirmed and waiting counts of the places ``attendance`` takes at ``event``, from
    its ``counts`` (``as_counts()``): at a hybrid event, those online or those in person; at
    any other, everyone."""
    if not event.is_hybrid:
        return {"confirmed": counts["confirmed"], "waitlisted": counts["waitlisted"]}
    online = {"confirmed": counts["confirmed_online"], "waitlisted": counts["waitlisted_online"]}
    if event.has_online_places(attendance):
        return online
    return {name: counts[name] - online[name] for name in online}


def mode_count_columns(event: Event, attendance: str = "") -> dict[str, str]:
    """``mode_counts`` in SQL: the expression of each count over the columns of a row of
    ``PlaceCounts``."""
    if not event.is_hybrid:
        return {"confirmed": "confirmed", "waitlisted": "waitlisted"}
    if event.has_online_places(attendance):
        return {"confirmed": "confirmed_online", "waitlisted": "waitlisted_online"}
    return {name: f"{name} - {name}_online" for name in ("confirmed", "waitlisted")}
