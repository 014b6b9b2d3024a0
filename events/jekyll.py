"""Import the event pages of a Jekyll website: YAML front matter, then a Markdown body.

The pages were written by hand over years, so the front matter comes in several shapes
(``date`` or ``dates``, ``project`` or ``projects``, a string or a list, keys given twice).
Reading a page never raises anything but ``PageError``, whose message says what is wrong.
"""

import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import frontmatter
import markdown as markdown_lib
import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Event, Organiser, Topic

PAGE_SUFFIXES = {".md", ".markdown"}
EXCERPT_SEPARATOR = "<!--more-->"
DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december",
        ],
        start=1,
    )
}  # fmt: skip
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

# Countries where the organisation meets that have one timezone; elsewhere the organiser's
# timezone is used and the event is flagged for review.
COUNTRY_TIMEZONES = {
    "austria": "Europe/Vienna",
    "belgium": "Europe/Brussels",
    "denmark": "Europe/Copenhagen",
    "england": "Europe/London",
    "france": "Europe/Paris",
    "germany": "Europe/Berlin",
    "ireland": "Europe/Dublin",
    "italy": "Europe/Rome",
    "kenya": "Africa/Nairobi",
    "netherlands": "Europe/Amsterdam",
    "the netherlands": "Europe/Amsterdam",
    "northern ireland": "Europe/London",
    "portugal": "Europe/Lisbon",
    "scotland": "Europe/London",
    "spain": "Europe/Madrid",
    "sweden": "Europe/Stockholm",
    "switzerland": "Europe/Zurich",
    "uk": "Europe/London",
    "united kingdom": "Europe/London",
    "wales": "Europe/London",
}

# Where registrations live today. Eventbrite and lu.ma pages exist only to take sign-ups;
# a Google Form can be a survey too, so it counts only when its line speaks of registering.
REGISTRATION_SERVICES = [
    ("Google Forms", re.compile(r"^https?://(docs\.google\.com/forms/|forms\.gle/)"), True),
    ("Eventbrite", re.compile(r"^https?://([\w-]+\.)*eventbrite\.[a-z.]+/"), False),
    ("lu.ma", re.compile(r"^https?://(www\.)?(lu\.ma|luma\.com)/"), False),
]
REGISTRATION_WORDS = re.compile(r"regist|sign[ -]?up|book|ticket|rsvp", re.IGNORECASE)
URL = re.compile(r"https?://[^\s)<>\"'\]]+")


class PageError(Exception):
    """A page that cannot be imported; the message says why, for the person running the import."""


@dataclass
class RegistrationLink:
    service: str
    url: str


@dataclass
class Page:
    """What an event page says, before it meets the database."""

    source_file: str
    source_hash: str
    slug: str
    title: str
    summary: str
    description: str
    first_day: date
    last_day: date
    start_time: time | None = None
    end_time: time | None = None
    timezone: str = ""
    venue_name: str = ""
    venue_address: str = ""
    map_url: str = ""
    image: str = ""
    category: str = ""
    contact_name: str = ""
    website_url: str = ""
    external_registration_url: str = ""
    projects: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    featured: bool = False
    has_writeup: bool = False
    registration_links: list[RegistrationLink] = field(default_factory=list)
    review_notes: list[str] = field(default_factory=list)

    def times(self, default_timezone: str) -> tuple[str, datetime, datetime]:
        """The timezone, start and end; a page without a time is an all-day event."""
        tz_name = self.timezone or default_timezone
        tz = ZoneInfo(tz_name)
        if self.start_time is None or self.end_time is None:
            starts = datetime.combine(self.first_day, time(0), tzinfo=tz)
            ends = datetime.combine(self.last_day + timedelta(days=1), time(0), tzinfo=tz)
        else:
            starts = datetime.combine(self.first_day, self.start_time, tzinfo=tz)
            ends = datetime.combine(self.last_day, self.end_time, tzinfo=tz)
        return tz_name, starts, ends


def page_files(paths: list[str]) -> list[Path]:
    """The event pages named on the command line: files as given, folders' Markdown files."""
    files = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in PAGE_SUFFIXES))
        else:
            files.append(path)
    return files


def read_page(path: Path) -> Page:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except FileNotFoundError as error:
        raise PageError(_("the file does not exist")) from error
    except OSError as error:
        raise PageError(_("the file cannot be read (%(error)s)") % {"error": error}) from error
    except UnicodeDecodeError as error:
        raise PageError(_("the file is not UTF-8 text")) from error
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as error:
        raise PageError(
            _("the front matter is not valid YAML: %(problem)s") % {"problem": _yaml_problem(error)}
        ) from error
    except ValueError as error:
        # YAML reads 2025-02-30 as a date, and fails to make one.
        raise PageError(
            _("the front matter has a value that cannot be read: %(problem)s") % {"problem": error}
        ) from error
    return parse_page(
        metadata=post.metadata,
        body=post.content,
        file_name=path.name,
        source_hash=hashlib.sha256(raw).hexdigest(),
    )


def _yaml_problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return problem
    return _("%(problem)s, line %(line)d") % {"problem": problem, "line": mark.line + 1}


def parse_page(*, metadata: dict, body: str, file_name: str, source_hash: str) -> Page:
    if not isinstance(metadata, dict):
        raise PageError(_("the front matter is not a list of fields"))
    if isinstance(metadata.get("title"), list | dict):
        raise PageError(_("its title is a list, not a line of text"))
    title = _text(metadata.get("title"))
    if not title:
        raise PageError(_("it has no title"))
    first_day, last_day = _days(metadata)
    summary, description = _split_excerpt(body)
    page = Page(
        source_file=file_name,
        source_hash=source_hash,
        slug=_slug(file_name, title),
        title=title,
        summary=summary,
        description=description,
        first_day=first_day,
        last_day=last_day,
        image=_text(metadata.get("image")),
        category=_text(metadata.get("category")),
        contact_name=_text(metadata.get("author")),
        projects=_names(metadata.get("projects", metadata.get("project"))),
        topics=_names(metadata.get("topics")),
        featured=metadata.get("featured") is True,
        has_writeup=metadata.get("writeup") is True,
    )
    _read_link(page, _text(metadata.get("link")))
    _read_when_where(page, body)
    _read_registration_links(page, body)
    return page


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _names(value) -> list[str]:
    """Topics and projects: a list, a comma-separated string or nothing; empty items dropped."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    names = [_text(item) for item in items]
    return list(dict.fromkeys(name for name in names if name))


def _days(metadata: dict) -> tuple[date, date]:
    """``date``, or ``dates`` as one day, a list, or "first, last" of a multi-day event."""
    value = metadata.get("date")
    if value is None:
        value = metadata.get("dates")
    if value is None or value == "" or value == []:
        raise PageError(_("it has no date (neither “date” nor “dates”)"))
    items = value if isinstance(value, list) else [value]
    if len(items) == 1 and isinstance(items[0], str):
        items = items[0].split(",")
    days = [_day(item) for item in items]
    first, last = min(days), max(days)
    return first, last


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError as error:
        raise PageError(
            _("its date “%(value)s” is not a date like 2025-10-06") % {"value": value}
        ) from error


def _slug(file_name: str, title: str) -> str:
    stem = DATE_PREFIX.sub("", Path(file_name).stem)
    return (slugify(stem) or slugify(title))[:180]


def _split_excerpt(body: str) -> tuple[str, str]:
    """The excerpt as plain text for lists and feeds, and the rest of the body as Markdown.

    Without a ``<!--more-->`` marker the excerpt is the first paragraph, as Jekyll does it.
    """
    body = body.strip()
    if EXCERPT_SEPARATOR in body:
        excerpt, _marker, rest = body.partition(EXCERPT_SEPARATOR)
    else:
        excerpt, _blank, rest = body.partition("\n\n")
    return _plain_text(excerpt), rest.strip()


def _plain_text(markdown_text: str) -> str:
    rendered = markdown_lib.markdown(markdown_text)
    return re.sub(r"\s+", " ", html.unescape(strip_tags(rendered))).strip()


def _registration_service(url: str, context: str | None) -> str | None:
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


def _is_web_address(url: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return len(url) <= 500


def _read_link(page: Page, link: str) -> None:
    if not link:
        return
    if not _is_web_address(link):
        page.review_notes.append(
            _("The link “%(link)s” is not a web address, so it was left out.") % {"link": link}
        )
        return
    service = _registration_service(link, context=None)
    if service:
        page.external_registration_url = link
        page.registration_links.append(RegistrationLink(service=service, url=link))
    else:
        page.website_url = link


def _read_registration_links(page: Page, body: str) -> None:
    for line in body.splitlines():
        for found in URL.findall(line):
            # A link at the end of a sentence is followed by its full stop.
            url = found.rstrip(".,;:!?")
            service = _registration_service(url, context=line)
            if (
                service
                and _is_web_address(url)
                and url not in {link.url for link in page.registration_links}
            ):
                page.registration_links.append(RegistrationLink(service=service, url=url))
    if page.registration_links and not page.external_registration_url:
        page.external_registration_url = page.registration_links[0].url


def _clock(text: str) -> time:
    match = re.fullmatch(
        r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>[ap])?\.?m?\.?", text.strip(), re.I
    )
    if not match:
        raise ValueError(text)
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = (match["half"] or "").lower()
    if half == "p" and hour < 12:
        hour += 12
    elif half == "a" and hour == 12:
        hour = 0
    return time(hour, minute)


def _read_when_where(page: Page, body: str) -> None:
    match = WHEN_WHERE.search(body)
    if match is None:
        page.review_notes.append(
            _("No time and venue found in the text: imported as an all-day event.")
        )
        return
    try:
        month = MONTHS[match["month"].lower()]
        day = date(int(match["year"]), month, int(match["day"]))
        start, end = _clock(match["start"]), _clock(match["end"])
    except (KeyError, ValueError):
        page.review_notes.append(
            _("The time in “%(line)s” could not be read: imported as an all-day event.")
            % {"line": match[0].strip()}
        )
        return
    if day != page.first_day:
        page.review_notes.append(
            _("The text gives the date %(text_day)s but the page's date is %(page_day)s.")
            % {"text_day": day.isoformat(), "page_day": page.first_day.isoformat()}
        )
    if page.first_day == page.last_day and end <= start:
        page.review_notes.append(
            _("The event in the text ends before it starts: imported as an all-day event.")
        )
        return
    page.start_time, page.end_time = start, end
    venue = VENUE_CITY.match(match["venue"].strip())
    venue_name, city = (venue["name"], venue["city"]) if venue else (match["venue"].strip(), "")
    country = (match["country"] or "").strip().rstrip(".")
    page.venue_name = venue_name
    page.venue_address = ", ".join(part for part in (city, country) if part)
    page.map_url = match["map"]
    page.timezone = COUNTRY_TIMEZONES.get(country.lower(), "")
    if not page.timezone:
        page.review_notes.append(
            _("No timezone known for the country “%(country)s”: times read in the organiser's.")
            % {"country": country or "?"}
        )


def unique_slug(slug: str, page: Page) -> str:
    """``slug``, or one made unique with the event's date, then a number."""
    candidates = [slug, f"{slug}-{page.first_day.isoformat()}"]
    candidates += [f"{slug}-{page.first_day.isoformat()}-{n}" for n in range(2, 100)]
    taken = set(Event.objects.filter(slug__in=candidates).values_list("slug", flat=True))
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    raise PageError(_("no free address for the slug “%(slug)s”") % {"slug": slug})


def topics_named(names: list[str]) -> list[Topic]:
    topics = []
    for name in names:
        slug = slugify(name)[:50]
        if not slug:
            continue
        topic = Topic.objects.filter(Q(slug=slug) | Q(name__iexact=name)).first()
        if topic is None:
            topic = Topic.objects.create(name=name[:100], slug=slug)
        topics.append(topic)
    return topics


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@transaction.atomic
def import_page(*, page: Page, organiser: Organiser, publish: bool = False) -> tuple[str, Event]:
    """Create the event of ``page``, or update the event a previous import made from it.

    Registrations are never touched. An unchanged page leaves its event alone, so edits
    organisers made in the admin survive a new import of the same website.
    """
    event = Event.objects.filter(source_file=page.source_file).first()
    if event is None:
        event = Event(
            organiser=organiser,
            slug=unique_slug(page.slug, page),
            status=Event.Status.PUBLISHED if publish else Event.Status.DRAFT,
        )
        outcome = Outcome.CREATED
    elif event.source_hash == page.source_hash:
        if not (publish and event.status == Event.Status.DRAFT):
            return Outcome.UNCHANGED, event
        event.status = Event.Status.PUBLISHED
        event.save(update_fields=["status", "updated_at"])
        return Outcome.UPDATED, event
    else:
        if publish and event.status == Event.Status.DRAFT:
            event.status = Event.Status.PUBLISHED
        outcome = Outcome.UPDATED
    _fill(event, page)
    try:
        event.full_clean()
    except ValidationError as error:
        raise PageError(_describe(error)) from error
    event.save()
    event.topics.set(topics_named(page.topics))
    return outcome, event


def _fill(event: Event, page: Page) -> None:
    keep_times = (
        event.pk is not None
        and page.start_time is None
        and not event.needs_review
        and event.local_starts_at.date() == page.first_day
    )
    if keep_times:
        # An organiser already gave this all-day page its real times; keep them.
        review_notes = []
    else:
        event.timezone, event.starts_at, event.ends_at = page.times(event.organiser.timezone)
        review_notes = page.review_notes
    event.title = page.title[:200]
    event.summary = page.summary
    event.description = page.description
    if page.venue_name or not keep_times:
        event.venue_name = page.venue_name[:200]
        event.venue_address = page.venue_address
        event.map_url = page.map_url
    event.image = page.image[:300]
    event.category = page.category[:100]
    event.contact_name = page.contact_name[:200]
    event.website_url = page.website_url
    event.external_registration_url = page.external_registration_url
    event.projects = "\n".join(page.projects)
    event.featured = page.featured
    event.has_writeup = page.has_writeup
    event.needs_review = bool(review_notes)
    event.review_notes = "\n".join(review_notes)
    event.source_file = page.source_file
    event.source_hash = page.source_hash


def _describe(error: ValidationError) -> str:
    if not hasattr(error, "message_dict"):
        return "; ".join(error.messages)
    return "; ".join(
        f"{_field_label(name)}: {' '.join(messages)}"
        for name, messages in error.message_dict.items()
    )


def _field_label(name: str) -> str:
    if name == "__all__":
        return _("event")
    return str(Event._meta.get_field(name).verbose_name)
