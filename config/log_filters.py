"""Log lines carry no email address and no personal-link token, whatever wrote them.

Turnout's own code logs ids, not people; this catches what other code writes, such as
Django's "Forbidden (CSRF cookie not set.): <path>" with a personal link's path, a Referer
or query string that repeats the token, or a mail server's error naming the recipient.
"""

import logging
import re

EMAIL_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# /registration/<token>, with a token of the form that the personal pages accept.
PERSONAL_LINK = re.compile(r"/registration/([A-Za-z0-9_-]{20,64})")


def redact_personal_links(text: str) -> str:
    """``text`` with the token of each personal link in it replaced, wherever it appears."""
    for token in set(PERSONAL_LINK.findall(text)):
        text = text.replace(token, "[redacted]")
    return text


def redact(text: str) -> str:
    """``text`` without personal-link tokens or email addresses."""
    return EMAIL_ADDRESS.sub("[email address]", redact_personal_links(text))


class RedactPersonalData(logging.Filter):
    """Replace tokens and addresses in a record's message, arguments and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: the handler reports it as usual
            return True
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
