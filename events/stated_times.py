"""Read the time an event page states in its own words.

"**When:** Tuesday 15 October 2024, 1:30 - 4:30pm.", "15:30 - 16:30 UK time, Monday 26th
February 2024 on Zoom", "📅 May 22 | 20.00-21.30 UTC": the clock times are found here, the
date is read by `dateparser`, and the timezone comes from the words next to the time (a zone
name, else a place, else the organiser's). What cannot be read without a person's judgement
is still read as well as it can be and comes back with the reason to check it.

No database here: the importer calls `stated_time_in_page` with a page's date and text.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import dateparser
from django.utils.translation import gettext as _

from .stated_clocks import StatedClock, clock_times, stated_clocks
from .stated_zones import ZoneWord, places_in, zone_words_in

# "on a Wednesday", "every Tuesday", "monthly": the time of a series, not of this date.
SERIES = re.compile(
    r"\b(?:on an?|every|each)\s+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|week|month)\b"
    r"|\b(?:weekly|fortnightly|monthly)\b",
    re.IGNORECASE,
)

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAY_BEFORE = re.compile(rf"\b(?P<weekday>{'|'.join(WEEKDAYS)}),?\s+(?:the\s+)?$", re.IGNORECASE)
ORDINAL = r"(?:st|nd|rd|th)?"
YEAR = r"(?:,?\s+(?P<year>\d{4}))?(?!\d)"
DAY_FIRST = re.compile(
    rf"(?<![\d:.])(?P<day>\d{{1,2}}){ORDINAL}(?:\s+of)?\s+(?P<month>[A-Za-z]{{3,9}})\.?{YEAR}"
)
# "10th and 11th February": the first day of a pair written before the month they share.
DAY_BEFORE = re.compile(rf"(?<![\d:.])(?P<day>\d{{1,2}}){ORDINAL}\s*(?:and|&|-|–|to)\s*$")
MONTH_FIRST = re.compile(
    rf"\b(?P<month>[A-Za-z]{{3,9}})\.?\s+(?P<day>\d{{1,2}}){ORDINAL}(?![\d:.]\d){YEAR}"
)
# "11/02/2025", "11.02.25": day first, as the organisation writes dates.
NUMERIC = re.compile(
    r"(?<![\d/.])(?P<day>\d{1,2})(?P<mark>[/.])(?P<month>\d{1,2})(?P=mark)"
    r"(?P<year>\d{4}|\d{2})(?![\d/]|\.\d)"
)
DATEPARSER_SETTINGS = {
    "PARSERS": ["absolute-time"],
    "REQUIRE_PARTS": ["day", "month"],
    "DATE_ORDER": "DMY",
}

MARKDOWN_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\([^)]*\)")
HTML_TAG = re.compile(r"<[^>]+>")
WEB_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+|\b\w+://\S+")
# Embedded posts and players: their dates and times are when someone posted, not the event.
EMBED = re.compile(r"<(?P<tag>blockquote|script|iframe)\b.*?</(?P=tag)>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class StatedTime:
    """When the text says the event is: start and end are timezone-aware, end may be None
    ("at 2pm"); `zone` is the IANA name of the event's clock; `review_reason` says what a
    person should check, or is None when the text is clear."""

    start: datetime | None
    end: datetime | None
    zone: str
    review_reason: str | None = None


def read_stated_time(
    text: str, *, page_date: date | None, default_tz: str, context: str = ""
) -> StatedTime | None:
    """The time `text` states, or None if it states no clock time.

    `page_date` fills in what the text leaves out (the year, or the whole date); `context` is
    the text around it, searched for a place when `text` names neither zone nor place.
    """
    text = plain_text(text)
    times = stated_clocks(text)
    if not times:
        return None
    reasons = []
    day = _stated_day(text, page_date, reasons)
    distinct = list({stated.text: stated for stated in times}.values())
    words = zone_words_in(text)
    if len(distinct) > 1 and day is not None and _same_moment(text, distinct, day):
        # "14:00 CET / 13:00 GMT": one time, written for two clocks; the first is the event's.
        words = zone_words_in(text[distinct[0].stop : distinct[1].position])
    elif len(distinct) > 1:
        reasons.append(
            _("The text states more than one time (%(times)s): the first was read.")
            % {"times": ", ".join(f"“{stated.text}”" for stated in distinct)}
        )
    zone, zone_word = _stated_zone(words, text, context, default_tz, day, reasons)
    if day is None:
        reasons.append(_("No date is given in the text or the page."))
        return StatedTime(None, None, zone, " ".join(reasons))
    start_at, end_at = clock_times(times[0], reasons)
    tz = ZoneInfo(zone)
    start = datetime.combine(day, start_at, tzinfo=tz)
    end = None
    if end_at is not None:
        end = datetime.combine(day, end_at, tzinfo=tz)
        if end <= start and end_at.hour < 6:
            end += timedelta(days=1)  # "22:00 - 01:00" goes on past midnight
        elif end <= start:
            reasons.append(_("The time in the text ends before it starts: the end was left out."))
            end = None
    if zone_word is not None:
        _check_offset(zone_word, start, reasons)
    if SERIES.search(text):
        reasons.append(
            _("The time is stated for a series (“%(words)s”), not for this date.")
            % {"words": SERIES.search(text)[0]}
        )
    return StatedTime(
        start.astimezone(UTC),
        end.astimezone(UTC) if end else None,
        zone,
        " ".join(reasons) or None,
    )


def stated_time_in_page(*, page_date: date, body: str, default_tz: str) -> StatedTime | None:
    """The time an event page's Markdown body states for the page's date, or None.

    The line that states a time range is read (a single time, "at 2pm", if no line has a
    range); a few lines either side are its context, where the place is often named
    ("**Where:** Central Paris" above "**When:** …").
    """
    lines = [plain_text(line) for line in EMBED.sub(" ", body).splitlines()]
    with_times = [(number, stated_clocks(line)) for number, line in enumerate(lines)]
    with_times = [(number, times) for number, times in with_times if times]
    if not with_times:
        return None
    with_range = [(number, times) for number, times in with_times if any(t.end for t in times)]
    number = (with_range or with_times)[0][0]
    context = "\n".join(lines[max(0, number - 2) : number + 3])
    stated = read_stated_time(
        lines[number], page_date=page_date, default_tz=default_tz, context=context
    )
    read_here = {clock.text for clock in stated_clocks(lines[number])}
    differing = [
        n for n, times in with_range if n != number and {t.text for t in times if t.end} - read_here
    ]
    if stated is not None and differing:
        reason = _("Another line of the page states a different time: “%(line)s”.") % {
            "line": lines[differing[0]].strip()
        }
        reasons = " ".join(filter(None, [stated.review_reason, reason]))
        stated = StatedTime(stated.start, stated.end, stated.zone, reasons)
    return stated


def plain_text(markdown_text: str) -> str:
    """The words of a line of Markdown: links' text kept, web addresses and tags dropped."""
    text = MARKDOWN_LINK.sub(lambda match: match["text"], markdown_text)
    text = HTML_TAG.sub(" ", text)
    text = WEB_ADDRESS.sub(" ", text)
    return text.replace("*", "").replace("_", " ")


def _stated_day(text: str, page_date: date | None, reasons: list[str]) -> date | None:
    """The date the text states, checked against its weekday and the page's date."""
    days = []
    spans = []
    for pattern in (DAY_FIRST, MONTH_FIRST, NUMERIC):
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in spans):
                continue
            day = _read_day(match, page_date)
            if day is None:
                continue
            spans.append(match.span())
            days.append((match.start(), day, match))
            before = DAY_BEFORE.search(text[: match.start()]) if pattern is DAY_FIRST else None
            if before and 1 <= int(before["day"]) < day.day:
                days.append((before.start(), day.replace(day=int(before["day"])), before))
    days.sort(key=lambda found: found[0])
    if not days:
        return page_date
    distinct = list(dict.fromkeys(day for _start, day, _match in days))
    chosen = page_date if page_date in distinct else distinct[0]
    if len(distinct) > 1:
        reasons.append(
            _("The text gives more than one date (%(dates)s): %(date)s was read.")
            % {"dates": ", ".join(d.isoformat() for d in distinct), "date": chosen.isoformat()}
        )
    elif page_date is not None and chosen != page_date:
        reasons.append(
            _("The text gives the date %(text_day)s but the page's date is %(page_day)s.")
            % {"text_day": chosen.isoformat(), "page_day": page_date.isoformat()}
        )
    for _start, day, match in days:
        weekday = WEEKDAY_BEFORE.search(text[: match.start()])
        if weekday and WEEKDAYS.index(weekday["weekday"].lower()) != day.weekday():
            reasons.append(
                _("The text says %(weekday)s, but %(date)s is a %(actual)s.")
                % {
                    "weekday": weekday["weekday"],
                    "date": day.isoformat(),
                    "actual": WEEKDAYS[day.weekday()].capitalize(),
                }
            )
    return chosen


def _read_day(match: re.Match, page_date: date | None) -> date | None:
    year = match["year"]
    base = datetime(page_date.year, 1, 1) if page_date else datetime(2000, 1, 1)
    parsed = dateparser.parse(
        f"{match['day']} {match['month']} {year or base.year}",
        languages=["en"],
        settings={**DATEPARSER_SETTINGS, "RELATIVE_BASE": base},
    )
    if parsed is None:
        return None
    if year:
        return parsed.date()
    if page_date is None:
        return None
    # No year: the one that puts the date nearest the page's ("3 January" on a December page).
    nearby = []
    for candidate_year in (page_date.year - 1, page_date.year, page_date.year + 1):
        try:
            nearby.append(parsed.date().replace(year=candidate_year))
        except ValueError:  # 29 February
            continue
    return min(nearby, key=lambda day: abs(day - page_date))


def _same_moment(text: str, distinct: list[StatedClock], day: date) -> bool:
    """Whether each time is followed by its own zone and all are the same moment."""
    moments = set()
    for index, stated in enumerate(distinct):
        following = distinct[index + 1].position if index + 1 < len(distinct) else len(text)
        words = zone_words_in(text[stated.stop : following])
        if not words:
            return False
        word = words[0]
        clock = timezone(timedelta(hours=word.offset)) if word.offset is not None else None
        start_at, _end_at = clock_times(stated, [])
        moment = datetime.combine(day, start_at, tzinfo=clock or ZoneInfo(word.zone))
        moments.add(moment.astimezone(UTC))
    return len(moments) == 1


def _stated_zone(
    words: list[ZoneWord],
    text: str,
    context: str,
    default_tz: str,
    day: date | None,
    reasons: list[str],
) -> tuple[str, ZoneWord | None]:
    """The event's clock: a zone named in the text, else a place in it or its context."""
    places = places_in(text) or places_in(context)
    zones = list(dict.fromkeys(word.zone for word in words))
    if len(zones) > 1:
        reasons.append(
            _("The text names more than one timezone (%(names)s): the first was read.")
            % {"names": ", ".join(dict.fromkeys(word.words for word in words))}
        )
    place_zones = list(dict.fromkeys(zone for _place, zone in places))
    if not words and len(place_zones) > 1:
        reasons.append(
            _(
                "Places in different timezones are named near the time (%(places)s): "
                "%(place)s was read."
            )
            % {"places": ", ".join(dict.fromkeys(p for p, _z in places)), "place": places[0][0]}
        )
    if words:
        word = words[0]
        # "CEST" next to "Paris": Paris's own clock, as long as it is the one the name means;
        # "UTC+1" on a page from London in summer: London's.
        fixed = word.zone.startswith("Etc/")
        for zone in place_zones + ([default_tz] if fixed else []):
            if day is not None and _same_clock(word, zone, day):
                return zone, word
        return word.zone, word
    if place_zones:
        return place_zones[0], None
    return default_tz, None


def _same_clock(word: ZoneWord, zone: str, day: date) -> bool:
    moment = datetime.combine(day, time(12), tzinfo=ZoneInfo(zone))
    if word.offset is None:
        return zone == word.zone
    return moment.utcoffset() == timedelta(hours=word.offset)


def _check_offset(word: ZoneWord, start: datetime, reasons: list[str]) -> None:
    """Flag a zone name that does not match the season: "GMT" in July, "EST" in June.

    Such pages almost always mean the local clock, so that is what was read."""
    if word.offset is None or start.utcoffset() == timedelta(hours=word.offset):
        return
    reasons.append(
        _(
            "The text says %(name)s, but on that date %(zone)s is at UTC%(offset)s: "
            "read as %(zone)s time."
        )
        % {
            "name": word.words,
            "zone": word.zone,
            "offset": start.strftime("%z")[:3] + ":" + start.strftime("%z")[3:],
        }
    )
