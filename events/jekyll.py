"""Read the event pages of a Jekyll website: YAML front matter, then a Markdown body.

The pages were written by hand over years, so the front matter comes in several shapes
(``date`` or ``dates``, topics as a string or a list, keys given twice). Only the fields
Turnout uses are read: ``author``, ``project(s)`` and ``writeup`` are the website's own.
Reading a page never raises anything but ``PageError``, whose message says what is wrong.
Reading touches no database: ``events.services.import_page`` turns a ``Page`` into an event.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import frontmatter
import yaml
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import page_mode, page_text, stated_times

PAGE_SUFFIXES = {".md", ".markdown"}
DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
# A page that gives only a start ("at 2pm") is, on this website, a talk, a call or a webinar:
# an hour is what its attendees' calendars would assume too.
DEFAULT_LENGTH = timedelta(hours=1)
# The ``category`` of pages about another organisation's event, in every spelling the
# website uses; "organising" is the organisation's own.
# The event fields a page's time sets, together: one is never changed without the others.
TIMES = "times"
ATTENDANCE = "attendance_mode"
LISTING_CATEGORIES = frozenset(
    {"speaking", "presenting", "participating", "partipating", "attending"}
)


class PageError(Exception):
    """A page that cannot be imported; the message says why, for the person running the import."""


@dataclass(frozen=True)
class ReviewNote:
    """Something a person should check; ``about`` names the event fields it concerns, so that a
    note about fields an organiser has since set in Turnout is dropped with the page's value."""

    about: str
    text: str

    def __str__(self) -> str:
        return self.text


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
    # The clock times the text states, in ``timezone``; ``start_day`` is the day the text
    # gives when it is not the page's own date (then the page is flagged).
    start_time: time | None = None
    end_time: time | None = None
    start_day: date | None = None
    timezone: str = ""
    attendance_mode: str = page_mode.Mode.IN_PERSON
    venue_name: str = ""
    venue_address: str = ""
    map_url: str = ""
    image: str = ""
    category: str = ""
    website_url: str = ""
    external_registration_url: str = ""
    topics: list[str] = field(default_factory=list)
    featured: bool = False
    registration_links: list[RegistrationLink] = field(default_factory=list)
    review_notes: list[ReviewNote] = field(default_factory=list)
    # What the import assumed without it being a doubt worth a review, said in its report.
    notes: list[str] = field(default_factory=list)

    @property
    def is_listing(self) -> bool:
        return self.category.lower() in LISTING_CATEGORIES

    def times(self, default_timezone: str) -> tuple[str, datetime, datetime]:
        """The timezone, start and end; a page without a time is an all-day event."""
        tz_name = self.timezone or default_timezone
        tz = ZoneInfo(tz_name)
        if self.start_time is None:
            starts = datetime.combine(self.first_day, time(0), tzinfo=tz)
            ends = datetime.combine(self.last_day + timedelta(days=1), time(0), tzinfo=tz)
            return tz_name, starts, ends
        day = self.start_day or self.first_day
        starts = datetime.combine(day, self.start_time, tzinfo=tz)
        if self.end_time is None:
            return tz_name, starts, starts + DEFAULT_LENGTH
        ends = datetime.combine(max(day, self.last_day), self.end_time, tzinfo=tz)
        if ends <= starts:
            ends += timedelta(days=1)  # "22:00 - 01:00" goes on past midnight
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


def read_page(path: Path, *, default_tz: str | None = None) -> Page:
    """The page at ``path``; ``default_tz`` is the clock of a time the page states without
    naming a timezone or a place: the lead organiser's, else the site's."""
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
        default_tz=default_tz or settings.TIME_ZONE,
    )


def _yaml_problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return problem
    return _("%(problem)s, line %(line)d") % {"problem": problem, "line": mark.line + 1}


def parse_page(
    *, metadata: dict, body: str, file_name: str, source_hash: str, default_tz: str
) -> Page:
    if not isinstance(metadata, dict):
        raise PageError(_("the front matter is not a list of fields"))
    if isinstance(metadata.get("title"), list | dict):
        raise PageError(_("its title is a list, not a line of text"))
    title = _text(metadata.get("title"))
    if not title:
        raise PageError(_("it has no title"))
    first_day, last_day = _days(metadata)
    summary, description = page_text.split_excerpt(body)
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
        topics=_names(metadata.get("topics")),
        featured=metadata.get("featured") is True,
    )
    _read_link(page, _text(metadata.get("link")))
    _read_where(page, body)
    _read_mode(page, body)
    _read_when(page, body, default_tz)
    _read_registration_links(page, body)
    return page


def _read_mode(page: Page, body: str) -> None:
    """In person, online or hybrid, from what the page says; an event people join online
    needs its join link, which the website never publishes, before it can be published."""
    mode = page_mode.read_mode(body, venue=page.venue_name)
    page.attendance_mode = mode.mode
    if mode.review:
        page.review_notes.append(ReviewNote(ATTENDANCE, mode.review))
    if mode.mode != page_mode.Mode.IN_PERSON and not page.is_listing:
        page.review_notes.append(
            ReviewNote(
                ATTENDANCE,
                _("People attend online: add the join link before publishing (%(words)s).")
                % {"words": ", ".join(mode.evidence)},
            )
        )


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _names(value) -> list[str]:
    """Topics: a list, a comma-separated string or nothing; empty items dropped."""
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


def _read_link(page: Page, link: str) -> None:
    if not link:
        return
    if not page_text.is_web_address(link):
        page.review_notes.append(
            ReviewNote(
                "website_url",
                _("The link “%(link)s” is not a web address, so it was left out.") % {"link": link},
            )
        )
        return
    service = page_text.registration_service(link, context=None)
    if service:
        page.external_registration_url = link
        page.registration_links.append(RegistrationLink(service=service, url=link))
    else:
        page.website_url = link


def _read_registration_links(page: Page, body: str) -> None:
    for service, url in page_text.registration_urls(body):
        if url not in {link.url for link in page.registration_links}:
            page.registration_links.append(RegistrationLink(service=service, url=url))
    if page.registration_links and not page.external_registration_url:
        page.external_registration_url = page.registration_links[0].url


def _read_where(page: Page, body: str) -> None:
    """The venue of the line the website writes under an upcoming event's excerpt."""
    match = page_text.WHEN_WHERE.search(body)
    if match is None:
        return
    venue = page_text.VENUE_CITY.match(match["venue"].strip())
    venue_name, city = (venue["name"], venue["city"]) if venue else (match["venue"].strip(), "")
    country = (match["country"] or "").strip().rstrip(".")
    page.venue_name = venue_name
    page.venue_address = ", ".join(part for part in (city, country) if part)
    page.map_url = match["map"]


def _read_when(page: Page, body: str, default_tz: str) -> None:
    """The time the text states; the timezone it names, or that of a place named near it."""
    stated = stated_times.stated_time_in_page(
        page_date=page.first_day, body=body, default_tz=default_tz
    )
    if stated is None or stated.start is None:
        if stated is not None:
            page.review_notes.append(ReviewNote(TIMES, stated.review_reason))
        if page.first_day == page.last_day and not page.is_listing:
            # One day without a time: the event is surely not all day, and people register for
            # it here; someone should say when. A listing's host page says it.
            note = _("No time found in the text: imported as an all-day event.")
            page.review_notes.append(ReviewNote(TIMES, note))
        return
    tz = ZoneInfo(stated.zone)
    start = stated.start.astimezone(tz)
    page.timezone = stated.zone
    page.start_time = start.time()
    if start.date() != page.first_day:
        page.start_day = start.date()
    if stated.end is not None:
        page.end_time = stated.end.astimezone(tz).time()
    else:
        page.notes.append(_("The text gives no end time: the event was given one hour."))
    if stated.review_reason:
        page.review_notes.append(ReviewNote(TIMES, stated.review_reason))
