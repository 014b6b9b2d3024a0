"""Log lines carry no email address and no personal-link token, whatever wrote them.

Turnout's own code logs ids, not people; this catches what other code writes, such as
Django's "Forbidden (CSRF cookie not set.): <path>" with a personal link's path, or a mail
server's error naming the recipient.
"""

import logging
import re

EMAIL_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
PERSONAL_PATH = re.compile(r"(/registration/)[A-Za-z0-9_-]{20,64}")


def redact(text: str) -> str:
    text = PERSONAL_PATH.sub(r"\1[token]", text)
    return EMAIL_ADDRESS.sub("[email address]", text)


class RedactPersonalData(logging.Filter):
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
