"""The event admin's form and columns as registrations extends them: capacity never below the
places taken, counts the list sorts by, the registration section's fieldsets."""

from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import format_html
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


def count_column(name: str, **only):
    """``counts()[name]`` of each event (of its registrations that match ``only``, such as
    ``attendance="online"``), as a column the list can be sorted by."""
    per_event = (
        Registration.objects.filter(event=OuterRef("pk"), **only)
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


def places_text(confirmed: int, capacity: int | None):
    """Confirmed places against a capacity, "12 / 20", marked when over it."""
    if capacity is None:
        return f"{confirmed} / ∞"
    if confirmed > capacity:
        return format_html(
            '{} / {} <strong class="errornote">{}</strong>', confirmed, capacity, _("over capacity")
        )
    return f"{confirmed} / {capacity}"


def online_overview(event):
    """A hybrid event's online places, apart from those in person the overview counts."""
    online = event.online_capacity
    return format_html(
        "<br>{}",
        _(
            "Of these, online: %(confirmed)d confirmed · %(waiting)d waiting · online places "
            "%(places)s. In person: capacity %(capacity)s."
        )
        % {
            "confirmed": event.confirmed_online_count,
            "waiting": event.waitlisted_online_count,
            "places": "∞" if online is None else online,
            "capacity": "∞" if event.capacity is None else event.capacity,
        },
    )
