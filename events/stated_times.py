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
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser
from django.utils.translation import gettext as _

from .stated_zones import ZoneWord, places_in, zone_words_in

# A clock time: "2pm", "1:30", "9.00am", "17:15", "12 noon". A bare hour ("1") counts only as
# one end of a range whose other end is a clock time ("1 - 3pm").
CLOCK = re.compile(
    r"(?<![\w.:/£$€#,])(?<![\d][.,])"
    r"(?:(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?(?:\s*(?P<half>[ap])\.?m\b\.?)?"
    r"(?:\s*(?P<noon_after>noon|midday))?|(?P<noon>noon|midday))"
    r"(?![\d:/%]|\.\d|[^\W\d_])",
    re.IGNORECASE,
)
RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|until|till|and)\s*", re.IGNORECASE)
# "on a Wednesday", "every Tuesday", "monthly": the time of a series, not of this date.
SERIES = re.compile(
    r"\b(?:on an?|every|each)\s+(?:[A-Z][a-z]+day|day|week|month)\b|\b(?:weekly|monthly)\b",
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


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int
    half: str  # "a", "p" or "" when the text gives neither
    text: str


def read_stated_time(
    text: str, *, page_date: date | None, default_tz: str, context: str = ""
) -> StatedTime | None:
    """The time `text` states, or None if it states no clock time.

    `page_date` fills in what the text leaves out (the year, or the whole date); `context` is
    the text around it, searched for a place when `text` names neither zone nor place.
    """
    text = plain_text(text)
    times = _stated_clocks(text)
    if not times:
        return None
    reasons = []
    distinct = list(dict.fromkeys((start.text, end.text if end else "") for start, end in times))
    if len(distinct) > 1:
        reasons.append(
            _("The text states more than one time (%(times)s): the first was read.")
            % {"times": ", ".join(f"“{s}–{e}”" if e else f"“{s}”" for s, e in distinct)}
        )
    start_clock, end_clock = times[0]
    day = _stated_day(text, page_date, reasons)
    zone, zone_word = _stated_zone(text, context, default_tz, day, reasons)
    if day is None:
        reasons.append(_("No date is given in the text or the page."))
        return StatedTime(None, None, zone, " ".join(reasons))
    start_at, end_at = _clock_times(start_clock, end_clock, reasons)
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
    with_times = [(number, _stated_clocks(line)) for number, line in enumerate(lines)]
    with_times = [(number, times) for number, times in with_times if times]
    if not with_times:
        return None
    with_range = [(number, times) for number, times in with_times if times[0][1] is not None]
    number = (with_range or with_times)[0][0]
    context = "\n".join(lines[max(0, number - 2) : number + 3])
    stated = read_stated_time(
        lines[number], page_date=page_date, default_tz=default_tz, context=context
    )
    other_ranges = {
        (times[0][0].text, times[0][1].text) for n, times in with_range if n != number
    } - {(times[0].text, times[1].text) for times in _stated_clocks(lines[number]) if times[1]}
    if stated is not None and other_ranges:
        reason = _("Another line of the page states a different time: “%(line)s”.") % {
            "line": lines[next(n for n, _times in with_range if n != number)].strip()
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


def _stated_clocks(text: str) -> list[tuple[_Clock, _Clock | None]]:
    """The times in `text`, in order: ranges as (start, end), single times as (time, None)."""
    tokens = [token for token in map(_clock, CLOCK.finditer(text)) if token is not None]
    found = []
    index = 0
    while index < len(tokens):
        (start, start_match) = tokens[index]
        if index + 1 < len(tokens):
            (end, end_match) = tokens[index + 1]
            joined = text[start_match.end() : end_match.start()]
            between = joined.strip().lower() != "and" or re.search(
                r"\bbetween\s*$", text[: start_match.start()], re.IGNORECASE
            )
            if RANGE_JOIN.fullmatch(joined) and between and (_definite(start) or _definite(end)):
                found.append((start, end))
                index += 2
                continue
        if _definite(start):
            found.append((start, None))
        index += 1
    return found


def _clock(match: re.Match) -> tuple[_Clock, re.Match] | None:
    if match["noon"]:
        return _Clock(12, 0, "p", match[0]), match
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = (match["half"] or "").lower()
    if match["noon_after"]:
        if hour != 12:
            return None
        half = "p"
    if minute > 59 or hour > 24 or (half and not 1 <= hour <= 12):
        return None
    return _Clock(hour, minute, half, match[0].strip()), match


def _definite(clock: _Clock) -> bool:
    """A clock time on its own ("2pm", "14:00"), not a bare number ("2")."""
    return bool(clock.half) or ":" in clock.text or "." in clock.text


def _hour(clock: _Clock) -> int:
    if clock.half == "p" and clock.hour < 12:
        return clock.hour + 12
    if clock.half == "a" and clock.hour == 12:
        return 0
    return clock.hour


def _clock_times(start: _Clock, end: _Clock | None, reasons: list[str]) -> tuple[time, time | None]:
    """The 24-hour start and end; a side without am/pm takes it from the other side."""
    start_hour = _hour(start)
    end_hour = _hour(end) if end else None
    if end and end.half and not start.half and start.hour < 12:
        # "1:30 - 4:30pm" is an afternoon; "11 - 1pm" and "10:00 - 12:30pm" start in the morning.
        afternoon = (start_hour + 12) * 60 + start.minute
        if end.half == "p" and afternoon < end_hour * 60 + end.minute:
            start_hour += 12
    elif end and start.half and not end.half and end_hour < start_hour and end_hour + 12 <= 24:
        end_hour += 12  # "10am - 2"
    if not start.half and not (end and end.half) and 1 <= start.hour <= 7:
        if not start.text.startswith("0") and start.hour <= 6:
            start_hour += 12  # no event of a working organisation starts at 1:30 at night
            if end_hour is not None and end_hour <= 12 and not end.text.startswith("0"):
                end_hour += 12
        elif not start.text.startswith("0"):
            reasons.append(_("“%(time)s” has no am or pm: read as morning.") % {"time": start.text})
    end_at = None
    if end_hour is not None:
        end_at = time(0, end.minute) if end_hour == 24 else time(end_hour, end.minute)
    return time(start_hour % 24, start.minute), end_at


def _stated_day(text: str, page_date: date | None, reasons: list[str]) -> date | None:
    """The date the text states, checked against its weekday and the page's date."""
    days = []
    spans = []
    for pattern in (DAY_FIRST, MONTH_FIRST):
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


def _stated_zone(
    text: str, context: str, default_tz: str, day: date | None, reasons: list[str]
) -> tuple[str, ZoneWord | None]:
    """The event's clock: a zone named in the text, else a place in it or its context."""
    words = zone_words_in(text)
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
        # "CEST" next to "Paris": Paris's own clock, as long as it is the one the name means.
        for zone in place_zones:
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
