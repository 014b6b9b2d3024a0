"""Reading the organisation's brand from the environment, refusing values that could break
out of where they are used (a colour in a style sheet, an address in an attribute)."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def colour(name: str, value: str) -> str:
    """A colour as ``#rrggbb``, or empty. Anything else could write its own CSS rules."""
    value = value.strip()
    if value and not COLOUR.fullmatch(value):
        raise ImproperlyConfigured(f"{name} must be a colour written #rrggbb, like #1a5276.")
    return value.lower()


def web_address(name: str, value: str) -> str:
    """An http(s) address, or empty."""
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or any(c in value for c in ' "<>'):
        raise ImproperlyConfigured(f"{name} must be a web address, like https://example.org/.")
    return value


def origin(address: str) -> str:
    """The scheme and host of ``address``, as a Content-Security-Policy source."""
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.netloc}"


def readable_text_on(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG contrast ratio)."""
    channels = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    on_white = 1.05 / (luminance + 0.05)
    on_black = (luminance + 0.05) / 0.05
    return "#ffffff" if on_white >= on_black else "#000000"
