"""The registrations app's models, one module per subject; every name is importable from here."""

from .counts import PlaceCounts
from .diets import OFFERABLE_DIETS, Diet, chosen_diets, diet_list
from .emails import LinkRequest, OrganiserMessage, OutboundEmail
from .questions import NONE_OF_THESE_LABEL, YES_NO_LABELS, Answer, Question
from .registrations import (
    CONFIRM_LINK_PLACEHOLDER,
    COUNTED_STATUSES,
    COUNTS,
    LINK_PLACEHOLDER_PATTERN,
    NO_REGISTRATIONS,
    PERSONAL_LINK_PLACEHOLDER,
    Registration,
    RegistrationQuerySet,
    new_token,
)
from .settings import ASKED_FIELDS, MAX_REMINDER_HOURS, Asked, RegistrationSettings
from .text import LINK_IN_TEXT, folded, validate_name

__all__ = [
    "ASKED_FIELDS",
    "OFFERABLE_DIETS",
    "Asked",
    "Diet",
    "chosen_diets",
    "diet_list",
    "CONFIRM_LINK_PLACEHOLDER",
    "COUNTED_STATUSES",
    "COUNTS",
    "LINK_IN_TEXT",
    "LINK_PLACEHOLDER_PATTERN",
    "NO_REGISTRATIONS",
    "PERSONAL_LINK_PLACEHOLDER",
    "NONE_OF_THESE_LABEL",
    "YES_NO_LABELS",
    "Answer",
    "LinkRequest",
    "MAX_REMINDER_HOURS",
    "OrganiserMessage",
    "OutboundEmail",
    "PlaceCounts",
    "Question",
    "Registration",
    "RegistrationQuerySet",
    "RegistrationSettings",
    "folded",
    "new_token",
    "validate_name",
]
