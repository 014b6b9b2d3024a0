"""An event's registration settings, asked on the event's own form: a field of the event form
each, rather than an inline, so the event form posts no extra management form."""

from django import forms
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from registrations.forms.fields import DietsField
from registrations.models import RegistrationSettings

REMINDER_FIELDS = ["reminder_hours_before"]
FORM_FIELDS = [
    "organisation_asked",
    "role_asked",
    "access_needs_asked",
    "dietary_requirements_asked",
    "dietary_options",
]
SETTINGS_FIELDS = [*REMINDER_FIELDS, *FORM_FIELDS]

SETTINGS_FIELDSETS = [
    (
        _("Registration form"),
        {
            "fields": FORM_FIELDS,
            "description": _(
                "How the form asks each detail besides the name and email address, which it "
                "always requires; the dietary options are counted on the catering page."
            ),
        },
    ),
    (_("Reminders"), {"fields": REMINDER_FIELDS}),
]


def settings_field(name: str) -> forms.Field:
    """The form field of the settings' model field ``name``, never required (a form posted
    without it keeps the default)."""
    model_field = RegistrationSettings._meta.get_field(name)
    if name == "dietary_options":
        field = DietsField(
            always=(), label=model_field.verbose_name, help_text=model_field.help_text
        )
    else:
        field = model_field.formfield()
    field.required = False
    return field


def initial_settings(event) -> dict:
    """What the event form shows of the event's settings (the defaults for a new event)."""
    current = RegistrationSettings.for_event(event) if event.pk else RegistrationSettings()
    return {name: getattr(current, name) for name in SETTINGS_FIELDS}


def changed_settings(form: forms.Form) -> dict:
    """The settings the organiser changed on the form; saving only these keeps an event
    without changes free of a settings row of its own."""
    changed = {
        name: form.cleaned_data[name] for name in SETTINGS_FIELDS if name in form.changed_data
    }
    # A choice left out of the post is no choice: the event keeps how it asks the field.
    return {
        name: value for name, value in changed.items() if value != "" or not name.endswith("_asked")
    }


class RegistrationSettingsFields(forms.Form):
    """The settings' fields, for the event's admin form to inherit, showing the event's own."""

    reminder_hours_before = settings_field("reminder_hours_before")
    organisation_asked = settings_field("organisation_asked")
    role_asked = settings_field("role_asked")
    access_needs_asked = settings_field("access_needs_asked")
    dietary_requirements_asked = settings_field("dietary_requirements_asked")
    dietary_options = settings_field("dietary_options")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in initial_settings(self.instance).items():
            self.initial.setdefault(name, value)
        # What "empty" means here, in hours, so organisers can see when reminders go out.
        reminder = self.fields["reminder_hours_before"]
        reminder.help_text = format_html(
            "{} {}",
            reminder.help_text,
            _("The site's default is %(hours)g hours.") % {"hours": settings.REMINDER_HOURS_BEFORE},
        )
