"""The registrations app's forms: what attendees fill in, and what organisers do."""

from .fields import DETAIL_FIELDS, no_control_characters, normalise_email, question_field
from .organisers import (
    ExportForm,
    OrganiserMessageForm,
    OrganiserRegistrationForm,
    ReportForm,
    WalkInForm,
)
from .public import AttendeeDetailsForm, LostLinkForm, PersonalDetailsForm, RegistrationForm

__all__ = [
    "DETAIL_FIELDS",
    "AttendeeDetailsForm",
    "ExportForm",
    "LostLinkForm",
    "OrganiserMessageForm",
    "OrganiserRegistrationForm",
    "PersonalDetailsForm",
    "RegistrationForm",
    "ReportForm",
    "WalkInForm",
    "no_control_characters",
    "normalise_email",
    "question_field",
]
