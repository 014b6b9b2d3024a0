"""The confirmed and waiting counts of each event, kept: a place is decided in constant time."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event


class PlaceCounts(models.Model):
    """How many registrations of an event are confirmed and on the waiting list.

    Counting the registrations under the event's lock made every registration of a big event
    slower the more it had. These counts are changed only by the services, under the event's
    lock, in the transaction of the change they count (``services.locking.count_change``), so
    they are as exact as ``Registration.objects.counts()``, which stays the real count
    (``manage.py check_counts`` compares the two). The row appears with the event's first
    registration: an event without one has none, and its counts are nought.
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

    class Meta:
        verbose_name = _("place counts")
        verbose_name_plural = _("place counts")

    def __str__(self):
        return f"{self.event_id}: {self.confirmed} confirmed, {self.waitlisted} waitlisted"

    def as_counts(self) -> dict[str, int]:
        return {"confirmed": self.confirmed, "waitlisted": self.waitlisted}
