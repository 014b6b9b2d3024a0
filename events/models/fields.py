import functools
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


@functools.cache
def timezone_names() -> frozenset[str]:
    """The IANA names of the installed tz database. Python reads them from disk on every call
    of ``available_timezones()``; they do not change while the process runs."""
    return frozenset(zoneinfo.available_timezones())


def timezone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(timezone_names())]


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(_("%(value)s is not a known timezone."), params={"value": value})


class TimezoneField(models.CharField):
    """An IANA timezone name. The list to choose from follows the installed tz database,
    so it is given to the form, not stored in migrations."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_timezone)

    def formfield(self, **kwargs):
        # A list, whatever text widget the admin suggests for a CharField.
        return forms.TypedChoiceField(
            choices=timezone_choices,
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
            initial=self.get_default(),
        )
