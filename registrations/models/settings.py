"""How an event takes registrations, where that differs from the site's defaults."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event

from .diets import OFFERABLE_DIETS, diet_list, validate_diets


class Asked(models.TextChoices):
    """How the registration form asks one of its core fields."""

    OPTIONAL = "optional", _("Asked, optional")
    REQUIRED = "required", _("Required")
    HIDDEN = "hidden", _("Not asked")


# The core fields an event can ask, require or leave out; name and email are always required.
ASKED_FIELDS = ["organisation", "role", "access_needs", "dietary_requirements"]

# The longest reminder time an organiser can set: a reminder a month ahead is a newsletter.
MAX_REMINDER_HOURS = 24 * 30


class RegistrationSettings(models.Model):
    """One event's choices about its registrations. An event without a row has the defaults
    (``for_event`` gives them), so events made before these existed need no data."""

    event = models.OneToOneField(
        Event,
        on_delete=models.CASCADE,
        related_name="registration_settings",
        verbose_name=_("event"),
    )
    reminder_hours_before = models.PositiveIntegerField(
        _("reminder (hours before the start)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_REMINDER_HOURS)],
        help_text=_(
            "When confirmed attendees get a reminder; 0 sends none. Empty: the site's "
            "default. People who register later are reminded 2 hours before the start if "
            "they registered more than 4 hours before it."
        ),
    )

    organisation_asked = models.CharField(
        _("organisation"), max_length=10, choices=Asked.choices, default=Asked.OPTIONAL
    )
    role_asked = models.CharField(
        _("role"), max_length=10, choices=Asked.choices, default=Asked.OPTIONAL
    )
    access_needs_asked = models.CharField(
        _("access needs"), max_length=10, choices=Asked.choices, default=Asked.OPTIONAL
    )
    dietary_requirements_asked = models.CharField(
        _("dietary requirements"),
        max_length=10,
        choices=Asked.choices,
        default=Asked.OPTIONAL,
        help_text=_("Required: everyone chooses at least one option, “none” included."),
    )
    dietary_options = models.CharField(
        _("dietary options offered"),
        max_length=200,
        blank=True,
        default=",".join(OFFERABLE_DIETS),
        validators=[validate_diets],
        help_text=_("“No dietary requirements” and “Other” (with their own words) always are."),
    )

    class Meta:
        verbose_name = _("registration settings")
        verbose_name_plural = _("registration settings")

    def __str__(self):
        return str(_("Registration settings"))

    @classmethod
    def for_event(cls, event: Event) -> "RegistrationSettings":
        """The event's settings, or the defaults (unsaved) if it has none of its own."""
        try:
            return event.registration_settings
        except cls.DoesNotExist:
            return cls(event=event)

    @property
    def reminder_hours(self) -> float:
        """Hours before the start that reminders go out; 0 for none."""
        if self.reminder_hours_before is None:
            return settings.REMINDER_HOURS_BEFORE
        return self.reminder_hours_before

    def asked(self, field: str) -> str:
        """How the form asks the core ``field`` (one of ``ASKED_FIELDS``)."""
        return getattr(self, f"{field}_asked")

    @property
    def offered_diets(self) -> list[str]:
        return diet_list(self.dietary_options)
