"""The clock times a page writes: "2pm", "1:30 - 4:30pm", "20.00-21.30", "14h30", "noon".

Pure text reading for `stated_times`, no database.
"""

import re
from dataclasses import dataclass
from datetime import time

from django.utils.translation import gettext as _

# A clock time. A bare hour ("1") counts only as one end of a range whose other end is a clock
# time ("1 - 3pm"); prices, decimals, dates and parts of addresses are not clock times.
CLOCK = re.compile(
    r"(?<![\w.:/£$€#,])(?<![\d][.,])"
    r"(?:(?P<hour>\d{1,2})(?:(?:[:.]|h(?=\d))(?P<minute>\d{2}))?(?:\s*(?P<half>[ap])\.?m\b\.?)?"
    r"(?:\s*(?P<noon_after>noon|midday))?|(?P<noon>noon|midday))"
    r"(?![\d:/%]|\.\d|[^\W\d_])",
    re.IGNORECASE,
)
RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|until|till|and)\s*", re.IGNORECASE)
BETWEEN = re.compile(r"\bbetween\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Clock:
    hour: int
    minute: int
    half: str  # "a", "p", or "" when the text says neither
    text: str
    # A clock time on its own ("2pm", "14:00", "noon"), not a bare number ("2").
    definite: bool


@dataclass(frozen=True)
class StatedClock:
    """One time the text states: a range, or a single time (`end` None); where it is."""

    start: Clock
    end: Clock | None
    position: int
    stop: int

    @property
    def text(self) -> str:
        return f"{self.start.text}–{self.end.text}" if self.end else self.start.text


def stated_clocks(text: str) -> list[StatedClock]:
    """The times in `text`, in order."""
    tokens = [token for token in map(_clock, CLOCK.finditer(text)) if token is not None]
    found = []
    index = 0
    while index < len(tokens):
        start, start_match = tokens[index]
        if index + 1 < len(tokens):
            end, end_match = tokens[index + 1]
            joined = text[start_match.end() : end_match.start()]
            # "between 2 and 4pm" is a range; "2pm and 4pm" is two times.
            joins = joined.strip().lower() != "and" or BETWEEN.search(text[: start_match.start()])
            if RANGE_JOIN.fullmatch(joined) and joins and (start.definite or end.definite):
                found.append(StatedClock(start, end, start_match.start(), end_match.end()))
                index += 2
                continue
        if start.definite:
            found.append(StatedClock(start, None, start_match.start(), start_match.end()))
        index += 1
    return found


def clock_times(stated: StatedClock, reasons: list[str]) -> tuple[time, time | None]:
    """The 24-hour start and end; a side without am/pm takes it from the other side."""
    start, end = stated.start, stated.end
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


def _clock(match: re.Match) -> tuple[Clock, re.Match] | None:
    if match["noon"]:
        return Clock(12, 0, "p", match[0], True), match
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = (match["half"] or "").lower()
    if match["noon_after"]:
        if hour != 12:
            return None
        half = "p"
    if minute > 59 or hour > 24 or (half and not 1 <= hour <= 12):
        return None
    definite = bool(half) or match["minute"] is not None
    return Clock(hour, minute, half, match[0].strip(), definite), match


def _hour(clock: Clock) -> int:
    if clock.half == "p" and clock.hour < 12:
        return clock.hour + 12
    if clock.half == "a" and clock.hour == 12:
        return 0
    return clock.hour
