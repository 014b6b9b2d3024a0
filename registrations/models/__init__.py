"""The registrations app's models, one module per subject; every name is importable from here."""

from .emails import LinkRequest, OrganiserMessage, OutboundEmail
from .questions import NONE_OF_THESE_LABEL, YES_NO_LABELS, Answer, Question
from .registrations import (
    CONFIRM_LINK_PLACEHOLDER,
    COUNTED_STATUSES,
    COUNTS,
    LINK_IN_TEXT,
    LINK_PLACEHOLDER_PATTERN,
    NO_REGISTRATIONS,
    PERSONAL_LINK_PLACEHOLDER,
    Registration,
    RegistrationQuerySet,
    folded,
    new_token,
    validate_name,
)
from .settings import MAX_REMINDER_HOURS, RegistrationSettings

__all__ = [
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
    "Question",
    "Registration",
    "RegistrationQuerySet",
    "RegistrationSettings",
    "folded",
    "new_token",
    "validate_name",
]
