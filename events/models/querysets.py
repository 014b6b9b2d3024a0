"""How events are looked up: what the public sees, what is coming, who organises them."""

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .organisers import Membership


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=self.model.Status.PUBLISHED)

    def listed(self):
        """What the public sees: published events and those cancelled after publication."""
        return self.filter(status__in=self.model.LISTED_STATUSES)

    def upcoming(self, now: datetime | None = None):
        """Events not over yet; those the website features first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("-featured", "starts_at")

    def past(self, now: datetime | None = None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")

    def past_retention(self, now: datetime | None = None):
        """Events whose attendees' personal data is due for deletion."""
        now = now or timezone.now()
        # Each event may keep data for its own period; the events that have ended are few
        # enough to check here, which avoids date arithmetic that differs between databases.
        ended = self.filter(ends_at__lt=now).only("pk", "ends_at", "retention_days")
        due = [event.pk for event in ended if event.personal_data_deleted_at <= now]
        return self.filter(pk__in=due)

    def visible_to(self, user):
        """What ``user`` may open on the public site: published and cancelled events, and for
        organisers also the drafts of their own organisations, to preview them."""
        events = self.listed()
        if user.is_authenticated and user.is_staff:
            own = self.model.objects.organised_by_member(user).values("pk")
            events = events | self.filter(pk__in=own)
        return events

    def organised_by_member(self, user, roles=None):
        """Events whose lead or co-organiser has ``user`` as a member; superusers see all."""
        if user.is_superuser:
            return self
        memberships = Membership.objects.filter(user=user)
        if roles:
            memberships = memberships.filter(role__in=roles)
        organiser_ids = memberships.values("organiser_id")
        return self.filter(
            Q(organiser__in=organiser_ids) | Q(co_organisers__in=organiser_ids)
        ).distinct()
