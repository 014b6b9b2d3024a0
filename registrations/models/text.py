"""What a registration's text must be, and how the check-in search compares it."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def folded(*parts: str) -> str:
    """Text as the check-in search compares it: without accents and case ("García" and
    "GARCIA" are "garcia", "Müller" is "muller"), the same on PostgreSQL and SQLite."""
    decomposed = unicodedata.normalize("NFKD", " ".join(parts))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


# What mail programs and browsers turn into a link: a scheme, "www.", or a domain such as
# example.com (a dot between a letter and two or more letters). The ideographic full stop
# counts as a dot, as it does in domain names.
LINK_IN_TEXT = re.compile(
    r"[a-z][a-z0-9+.-]*://|\bwww[.\u3002]|\w[.\u3002][^\W\d_]{2,}(?![\w-])", re.IGNORECASE
)


def validate_name(value: str) -> None:
    """A person's name is text: no markup, and nothing an email program would make a link of.

    Anyone can register any address, so a name with a link in it would have Turnout send the
    organisation's email with someone else's link in it.
    """
    text = unicodedata.normalize("NFKC", value)  # full-width ＜ and ．are < and . here
    if "<" in text or ">" in text:
        raise ValidationError(
            _("Please write your name without the characters < and >."), code="markup_in_name"
        )
    if LINK_IN_TEXT.search(text):
        raise ValidationError(
            _(
                "Please write just your name, without a web address. If a dot in your name "
                "joins two words, put a space after it."
            ),
            code="link_in_name",
        )
