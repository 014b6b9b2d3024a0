"""Personal links are bearer secrets: no log line may hold one."""

import logging
import re

# /registration/<token>, with a token of the form that the personal pages accept.
PERSONAL_LINK = re.compile(r"/registration/([A-Za-z0-9_-]{20,64})")


def redact_personal_links(text: str) -> str:
    """``text`` with the token of each personal link in it replaced, wherever it appears
    (a query string or a Referer may repeat it)."""
    for token in set(PERSONAL_LINK.findall(text)):
        text = text.replace(token, "[redacted]")
    return text


class RedactPersonalLinks(logging.Filter):
    """Replace the token of every personal link in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_personal_links(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
