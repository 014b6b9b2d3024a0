"""Who may see and change what in the admin: organisers act only on their organisations' events.

A viewer sees an event and its attendees; a manager changes them. Roles hold per event: a
manager of one organisation who views another organisation's event changes nothing there.
"""

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import BadRequest, ValidationError
from django.db.models.constants import LOOKUP_SEP

from .models import Event, Membership, Organiser

MANAGER_ROLES = [Membership.Role.MANAGER]

# Fields that hold a secret, whatever their model: a filter on one, even `__startswith`, would
# let anyone who can open a list guess it one character at a time.
SECRET_FIELDS = frozenset({"token", "submission_key"})


def is_member(user) -> bool:
    return user.is_active and user.is_staff and (user.is_superuser or user.memberships.exists())


def can_manage(user) -> bool:
    """Whether ``user`` manages any organisation; what they may change is checked per event."""
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.memberships.filter(role__in=MANAGER_ROLES).exists())
    )


def managed_organisers(user):
    if user.is_superuser:
        return Organiser.objects.all()
    return Organiser.objects.filter(
        memberships__user=user, memberships__role__in=MANAGER_ROLES
    ).distinct()


def manages_lead(user, event: Event) -> bool:
    """Whether ``user`` manages the lead of ``event``: only they choose who organises it."""
    if not can_manage(user):
        return False
    return user.is_superuser or managed_organisers(user).filter(pk=event.organiser_id).exists()


class TurnoutModelAdmin(admin.ModelAdmin):
    """What every Turnout admin refuses, whoever asks: a filter on a secret. (A filter the
    database cannot apply is refused by the admin site, for every list.)"""

    def lookup_allowed(self, lookup, value, request=None):
        if SECRET_FIELDS.intersection(lookup.split(LOOKUP_SEP)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def response_action(self, request, queryset):
        # Django filters on the selection as posted and fails only once the action reads it.
        pk = self.opts.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                pk.clean(value, None)
        except ValidationError as error:
            raise BadRequest("A selection that is no object of this list") from error
        return super().response_action(request, queryset)


class OrganiserScopedAdmin(TurnoutModelAdmin):
    """An admin for objects that belong to an event, shown only to that event's organisers.

    ``event_field`` is the lookup from the model to its event ("" for the event itself).
    """

    event_field = "event"

    def _event_lookup(self) -> str:
        return f"{self.event_field}__in" if self.event_field else "pk__in"

    def _scoped(self, queryset, request, roles=None):
        if request.user.is_superuser:
            return queryset
        events = Event.objects.organised_by_member(request.user, roles).values("pk")
        return queryset.filter(**{self._event_lookup(): events})

    def get_queryset(self, request):
        return self._scoped(super().get_queryset(request), request)

    def _in_scope(self, request, obj, roles=None) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        return self._scoped(self.model.objects.filter(pk=obj.pk), request, roles).exists()

    def events_only_viewed(self, request, queryset):
        """The events of ``queryset``'s objects that the user may see but not change."""
        if request.user.is_superuser:
            return Event.objects.none()
        managed = self._scoped(queryset, request, MANAGER_ROLES).values("pk")
        outside = queryset.exclude(pk__in=managed)
        event_ids = outside.values(f"{self.event_field}__pk" if self.event_field else "pk")
        return Event.objects.filter(pk__in=event_ids).order_by("title")

    def has_module_permission(self, request):
        return is_member(request.user)

    def has_view_permission(self, request, obj=None):
        return is_member(request.user) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return can_manage(request.user) and self._in_scope(request, obj, MANAGER_ROLES)

    def has_add_permission(self, request):
        return can_manage(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_manage(request.user) and self._in_scope(request, obj, MANAGER_ROLES)
