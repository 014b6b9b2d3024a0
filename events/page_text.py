"""Reading the Markdown body of a website page: its excerpt, its when/where line, its links.

Plain functions on text, shared by the Jekyll import and the demo data; nothing here knows
about the database.
"""

import html
import re

import markdown as markdown_lib
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.html import strip_tags

EXCERPT_SEPARATOR = "<!--more-->"

CLOCK = r"\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?"
DASH = r"\s*[-–—]\s*"
# The line the website writes under the excerpt of an upcoming event, as in
# "6th October 2025 - 10:00am - 12:30pm - [Venue (City)](map link), Spain".
WHEN_WHERE = re.compile(
    rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>[a-z]+)\s+(?P<year>\d{{4}})"
    rf"{DASH}(?P<start>{CLOCK}){DASH}(?P<end>{CLOCK}){DASH}"
    r"\[(?P<venue>[^\]]+)\]\((?P<map>https?://[^)\s]+)\)(?:,\s*(?P<country>[^\n]+?))?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
VENUE_CITY = re.compile(r"^(?P<name>.+?)\s*\((?P<city>[^()]+)\)$")

# Where registrations live today. Eventbrite and lu.ma pages exist only to take sign-ups;
# a Google Form can be a survey too, so it counts only when its line speaks of registering.
REGISTRATION_SERVICES = [
    ("Google Forms", re.compile(r"^https?://(docs\.google\.com/forms/|forms\.gle/)"), True),
    ("Eventbrite", re.compile(r"^https?://([\w-]+\.)*eventbrite\.[a-z.]+/"), False),
    ("lu.ma", re.compile(r"^https?://(www\.)?(lu\.ma|luma\.com)/"), False),
]
REGISTRATION_WORDS = re.compile(r"regist|sign[ -]?up|book|ticket|rsvp", re.IGNORECASE)
URL = re.compile(r"https?://[^\s)<>\"'\]]+")


def split_excerpt(body: str) -> tuple[str, str]:
    """The excerpt as plain text for lists and feeds, and the rest of the body as Markdown.

    Without a ``<!--more-->`` marker the excerpt is the first paragraph, as Jekyll does it.
    """
    body = body.strip()
    if EXCERPT_SEPARATOR in body:
        excerpt, _marker, rest = body.partition(EXCERPT_SEPARATOR)
    else:
        excerpt, _blank, rest = body.partition("\n\n")
    return plain_text(excerpt), rest.strip()


def plain_text(markdown_text: str) -> str:
    rendered = markdown_lib.markdown(markdown_text)
    return re.sub(r"\s+", " ", html.unescape(strip_tags(rendered))).strip()


def without_quotes(markdown_text: str) -> str:
    """The Markdown without its quoted lines, where the website boxes when, where and how
    to register: an event page of Turnout shows those itself."""
    kept = "\n".join(line for line in markdown_text.splitlines() if not line.startswith(">"))
    return re.sub(r"\n{3,}", "\n\n", kept.strip())


def registration_service(url: str, context: str | None) -> str | None:
    """The name of the registration service ``url`` belongs to, if it is a sign-up page.

    ``context`` is the text around a link in the body; a ``link`` field has none, and a form
    given as the event's link is its sign-up.
    """
    for name, pattern, needs_words in REGISTRATION_SERVICES:
        if pattern.match(url):
            if needs_words and context is not None and not REGISTRATION_WORDS.search(context):
                return None
            return name
    return None


def registration_urls(body: str) -> list[tuple[str, str]]:
    """The (service, address) of each sign-up link in ``body``, in order, each once."""
    found = []
    for line in body.splitlines():
        for match in URL.findall(line):
            # A link at the end of a sentence is followed by its full stop.
            url = match.rstrip(".,;:!?")
            service = registration_service(url, context=line)
            if service and is_web_address(url) and url not in {seen for _s, seen in found}:
                found.append((service, url))
    return found


def is_web_address(url: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return len(url) <= 500
