"""Who may see and change what in the admin: organisers act only on their organisations' events."""

from django.contrib import admin

from .models import Event, Membership

MANAGER_ROLES = [Membership.Role.MANAGER]


def is_member(user) -> bool:
    return user.is_active and user.is_staff and (user.is_superuser or user.memberships.exists())


def can_manage(user) -> bool:
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.memberships.filter(role__in=MANAGER_ROLES).exists())
    )


class OrganiserScopedAdmin(admin.ModelAdmin):
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
