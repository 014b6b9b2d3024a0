"""The event admin's form and columns as registrations extends them: capacity never below the
places taken, counts the list sorts by, the registration section's fieldsets."""

from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from events import admin as event_admin
from events.models import Event
from registrations import services
from registrations.models import COUNTS, Registration

from .settings import (
    SETTINGS_FIELDSETS,
    RegistrationSettingsFields,
)


class EventAdminForm(RegistrationSettingsFields, event_admin.EventAdminForm):
    def clean(self):
        cleaned = super().clean()
        # Said next to the field with the input kept; ``services.change_event`` counts again
        # under the event's lock. Only a change of a capacity is checked: an event already
        # over capacity (a walk-in, a place given over capacity) takes any other change.
        if not self.instance.pk:
            return cleaned
        hybrid = cleaned.get("attendance_mode") == Event.AttendanceMode.HYBRID
        registrations = Registration.objects.filter(event=self.instance)
        for field, attendance in services.CAPACITY_FIELDS.items():
            capacity = cleaned.get(field)
            if capacity is None or field not in self.changed_data:
                continue
            counted = registrations
            if hybrid and attendance:  # the online places
                counted = registrations.filter(attendance=attendance)
            elif hybrid:
                counted = registrations.exclude(attendance=Registration.Attendance.ONLINE)
            confirmed = counted.counts()["confirmed"]
            if capacity < confirmed:
                self.add_error(field, services.capacity_below_confirmed(confirmed))
        return cleaned


def count_column(name: str):
    """``counts()[name]`` of each event, as a column the list can be sorted by."""
    per_event = (
        Registration.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(count=COUNTS[name])
        .values("count")
    )
    return Coalesce(Subquery(per_event, output_field=IntegerField()), 0)


def with_overview(fieldsets):
    """Events' fieldsets, with the registrations' overview first in the registration section
    and the latest registrations after it."""
    name, options = event_admin.REGISTRATION_FIELDSET
    overview = (name, {**options, "fields": ["registration_overview", *options["fields"]]})
    latest = (_("Latest registrations"), {"fields": ["latest_registrations"]})
    with_overview = []
    for fieldset in fieldsets:
        if fieldset is event_admin.REGISTRATION_FIELDSET:
            with_overview += [overview, *SETTINGS_FIELDSETS, latest]
        else:
            with_overview.append(fieldset)
    return with_overview
