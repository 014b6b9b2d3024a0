"""Organisers, their members, topics and events.

The models live in one module per subject; everything is importable from ``events.models``,
where migrations also find ``TimezoneField``.
"""

from .events import Event
from .fields import TimezoneField, timezone_choices, timezone_names, validate_timezone
from .organisers import Membership, Organiser, OrganiserQuerySet, Topic
from .querysets import EventQuerySet
from .words import LANGUAGE_CODES, TRANSLATED_FIELDS, translation_field_names

__all__ = [
    "Event",
    "LANGUAGE_CODES",
    "TRANSLATED_FIELDS",
    "translation_field_names",
    "EventQuerySet",
    "Membership",
    "Organiser",
    "OrganiserQuerySet",
    "Topic",
    "TimezoneField",
    "timezone_choices",
    "timezone_names",
    "validate_timezone",
]
