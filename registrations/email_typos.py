"""Likely typos in the domain of an email address ("gmial.com"), and the address meant.

A suggestion only: people are asked, never corrected without their say, since any domain
may be real. Only domains one keystroke away from a widely used mail provider are
suggested, so a company's or university's own domain is left alone.
"""

# Mail providers that many attendees use, the most used first: a typo close to two of them
# is taken for the first. Providers one keystroke apart from another (mail.com, gmail.com)
# are both listed, so that neither is "corrected" to the other.
MAIL_DOMAINS = (
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "yahoo.com",
    "icloud.com",
    "live.com",
    "googlemail.com",
    "hotmail.es",
    "hotmail.co.uk",
    "hotmail.fr",
    "outlook.es",
    "yahoo.es",
    "yahoo.co.uk",
    "yahoo.fr",
    "ymail.com",
    "msn.com",
    "me.com",
    "mac.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "gmx.com",
    "gmx.de",
    "gmx.es",
    "mail.com",
    "web.de",
    "orange.fr",
    "telefonica.net",
    "movistar.es",
    "euskaltel.net",
    "zoho.com",
)


def suggested_address(email: str) -> str:
    """The address ``email`` was probably meant to be, or "" when it looks as intended."""
    local, at, domain = email.rpartition("@")
    domain = domain.lower()
    if not at or not local or domain in MAIL_DOMAINS:
        return ""
    for known in MAIL_DOMAINS:
        if _one_edit_apart(domain, known):
            return f"{local}@{known}"
    return ""


def _one_edit_apart(typed: str, known: str) -> bool:
    """Whether one letter added, left out, changed, or two neighbours swapped, make ``known``."""
    if abs(len(typed) - len(known)) > 1:
        return False
    # The common beginning and end leave the part that differs.
    start = 0
    while start < min(len(typed), len(known)) and typed[start] == known[start]:
        start += 1
    end = 0
    while end < min(len(typed), len(known)) - start and typed[-1 - end] == known[-1 - end]:
        end += 1
    typed_rest = typed[start : len(typed) - end]
    known_rest = known[start : len(known) - end]
    if len(typed_rest) <= 1 and len(known_rest) <= 1:
        return True  # one letter added, left out or changed
    return len(typed_rest) == len(known_rest) == 2 and typed_rest == known_rest[::-1]
