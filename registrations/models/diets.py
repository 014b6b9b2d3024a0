"""The dietary options attendees choose from, stored as codes separated by commas."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Diet(models.TextChoices):
    """The dietary options an event can offer; "none" and "other" (with text) always are."""

    VEGETARIAN = "vegetarian", _("Vegetarian")
    VEGAN = "vegan", _("Vegan")
    GLUTEN_FREE = "gluten_free", _("Gluten-free")
    HALAL = "halal", _("Halal")
    KOSHER = "kosher", _("Kosher")
    NONE = "none", _("No dietary requirements")
    OTHER = "other", _("Other")


# The options an event chooses from; each event offers all of them unless it says otherwise.
OFFERABLE_DIETS = [Diet.VEGETARIAN, Diet.VEGAN, Diet.GLUTEN_FREE, Diet.HALAL, Diet.KOSHER]


def diet_list(stored: str) -> list[str]:
    """The diets a comma-separated ``dietary_options`` value holds."""
    return [code for code in stored.split(",") if code]


def validate_diets(value: str) -> None:
    unknown = set(diet_list(value)) - set(Diet.values)
    if unknown:
        raise ValidationError(
            _("Unknown dietary option: %(options)s"),
            params={"options": ", ".join(sorted(unknown))},
            code="unknown_diet",
        )


def chosen_diets(options: str, words: str) -> list[str]:
    """What someone asked for, as codes: their options, and "other" for words given without
    it (every answer from before the options existed is words)."""
    chosen = diet_list(options)
    if words.strip() and Diet.OTHER not in chosen:
        chosen.append(Diet.OTHER)
    return chosen
