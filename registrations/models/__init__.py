"""The registrations app's models, one module per subject; every name is importable from here."""

from .counts import PlaceCounts
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
    "OrganiserMessage",
    "OutboundEmail",
    "PlaceCounts",
    "Question",
    "Registration",
    "RegistrationQuerySet",
    "folded",
    "new_token",
    "validate_name",
]
