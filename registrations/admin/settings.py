"""An event's registration settings, asked on the event's own form: a field of the event form
each, rather than an inline, so the event form posts no extra management form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registrations.models import RegistrationSettings

SETTINGS_FIELDS = ["reminder_hours_before"]

SETTINGS_FIELDSET = (
    _("Reminders"),
    {"fields": SETTINGS_FIELDS},
)


def settings_field(name: str) -> forms.Field:
    """The form field of the settings' model field ``name``, never required."""
    field = RegistrationSettings._meta.get_field(name).formfield()
    field.required = False
    return field


def initial_settings(event) -> dict:
    """What the event form shows of the event's settings (the defaults for a new event)."""
    current = RegistrationSettings.for_event(event) if event.pk else RegistrationSettings()
    return {name: getattr(current, name) for name in SETTINGS_FIELDS}


def changed_settings(form: forms.Form) -> dict:
    """The settings the organiser changed on the form; saving only these keeps an event
    without changes free of a settings row of its own."""
    return {name: form.cleaned_data[name] for name in SETTINGS_FIELDS if name in form.changed_data}
