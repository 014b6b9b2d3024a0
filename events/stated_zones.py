"""The timezone names and places that event pages write next to a time.

Pure data and lookups, no database: `stated_times` reads a page's words with them.
"""

import re
from dataclasses import dataclass

LONDON = "Europe/London"
# Central European Time as the EU institutions keep it; any CET city gives the same clock.
CENTRAL_EUROPE = "Europe/Brussels"
NEW_YORK = "America/New_York"
LOS_ANGELES = "America/Los_Angeles"


@dataclass(frozen=True)
class ZoneWord:
    """A timezone as a page names it: "UK time", "CEST", "UTC"."""

    words: str
    zone: str
    # The offset from UTC in hours the name itself means ("BST" is always +1), or None for a
    # region's clock ("UK time"), which follows that region's summer time.
    offset: int | None


ZONE_WORDS = [
    ZoneWord("UTC", "UTC", 0),
    ZoneWord("GMT", LONDON, 0),
    ZoneWord("BST", LONDON, 1),
    ZoneWord("CET", CENTRAL_EUROPE, 1),
    ZoneWord("CEST", CENTRAL_EUROPE, 2),
    ZoneWord("EST", NEW_YORK, -5),
    ZoneWord("EDT", NEW_YORK, -4),
    ZoneWord("ET", NEW_YORK, None),
    ZoneWord("PST", LOS_ANGELES, -8),
    ZoneWord("PDT", LOS_ANGELES, -7),
    ZoneWord("PT", LOS_ANGELES, None),
    ZoneWord("EAT", "Africa/Nairobi", 3),
    ZoneWord("WAT", "Africa/Lagos", 1),
    ZoneWord("SAST", "Africa/Johannesburg", 2),
    ZoneWord("UK time", LONDON, None),
    ZoneWord("British time", LONDON, None),
    ZoneWord("London time", LONDON, None),
    ZoneWord("Central European time", CENTRAL_EUROPE, None),
    ZoneWord("Eastern time", NEW_YORK, None),
    ZoneWord("Pacific time", LOS_ANGELES, None),
]

# Cities and countries the organisation's events are held in or join from, each with the
# timezone of its clock. Countries with more than one timezone (the USA, Canada, Brazil,
# Australia) are left out on purpose: naming them does not say which clock.
PLACES = {
    LONDON: [
        "UK", "United Kingdom", "England", "Scotland", "Wales", "Northern Ireland", "Britain",
        "London", "Brighton", "Cambridge", "Oxford", "Manchester", "Birmingham", "Leeds",
        "Liverpool", "Bristol", "Sheffield", "Newcastle", "Nottingham", "Gloucester",
        "Cheltenham", "Edinburgh", "Glasgow", "Cardiff", "Belfast", "Westminster",
    ],
    "Europe/Dublin": ["Ireland", "Dublin"],
    "Europe/Paris": ["France", "Paris", "Lyon", "Marseille", "Strasbourg"],
    "Europe/Brussels": ["Belgium", "Brussels"],
    "Europe/Madrid": [
        "Spain", "Madrid", "Barcelona", "Valencia", "Seville", "Bilbao", "Vitoria",
        "Vitoria-Gasteiz", "San Sebastián",
    ],
    "Europe/Lisbon": ["Portugal", "Lisbon", "Porto"],
    "Europe/Berlin": ["Germany", "Berlin", "Munich", "Hamburg", "Frankfurt"],
    "Europe/Amsterdam": ["Netherlands", "Amsterdam", "The Hague", "Rotterdam", "Utrecht"],
    "Europe/Zurich": ["Switzerland", "Geneva", "Zurich", "Bern", "Lausanne"],
    "Europe/Rome": ["Italy", "Rome", "Milan", "Florence", "Turin"],
    "Europe/Vienna": ["Austria", "Vienna"],
    "Europe/Copenhagen": ["Denmark", "Copenhagen"],
    "Europe/Stockholm": ["Sweden", "Stockholm"],
    "Europe/Oslo": ["Norway", "Oslo"],
    "Europe/Helsinki": ["Finland", "Helsinki"],
    "Europe/Warsaw": ["Poland", "Warsaw"],
    "Europe/Prague": ["Czechia", "Prague"],
    "Europe/Tallinn": ["Estonia", "Tallinn"],
    "Europe/Athens": ["Greece", "Athens"],
    NEW_YORK: ["New York", "Washington, DC", "Washington DC", "Boston"],
    LOS_ANGELES: ["San Francisco", "Los Angeles", "Seattle"],
    "America/Toronto": ["Toronto", "Ottawa", "Montreal"],
    "America/Mexico_City": ["Mexico City"],
    "America/Bogota": ["Colombia", "Bogotá", "Bogota"],
    "America/Lima": ["Peru", "Lima"],
    "America/Santiago": ["Chile", "Santiago"],
    "America/Argentina/Buenos_Aires": ["Argentina", "Buenos Aires"],
    "America/Sao_Paulo": ["São Paulo", "Sao Paulo", "Rio de Janeiro"],
    "America/Costa_Rica": ["Costa Rica", "San José"],
    "Africa/Nairobi": ["Kenya", "Nairobi"],
    "Africa/Lagos": ["Nigeria", "Lagos", "Abuja"],
    "Africa/Accra": ["Ghana", "Accra"],
    "Africa/Johannesburg": ["South Africa", "Johannesburg", "Cape Town", "Pretoria"],
    "Asia/Kolkata": ["India", "Delhi", "New Delhi", "Mumbai", "Bangalore", "Bengaluru"],
    "Asia/Singapore": ["Singapore"],
    "Asia/Tokyo": ["Japan", "Tokyo"],
    "Asia/Taipei": ["Taiwan", "Taipei"],
    "Australia/Sydney": ["Sydney", "Canberra"],
    "Australia/Melbourne": ["Melbourne"],
    "Pacific/Auckland": ["New Zealand", "Auckland", "Wellington"],
}  # fmt: skip


def _alternatives(names: list[str]) -> str:
    # Longest first, so that "CEST" wins over "CET" and "New Delhi" over "Delhi".
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


ZONE_WORD_BY_NAME = {word.words.lower(): word for word in ZONE_WORDS}
# Abbreviations count only in capitals ("ET" is not "et"); "UK time" in any case; "time"
# after a place ("Paris time") names that place's clock.
PHRASES = _alternatives([word.words for word in ZONE_WORDS if " " in word.words])
ABBREVIATIONS = _alternatives([word.words for word in ZONE_WORDS if " " not in word.words])
ZONE_WORD_PATTERN = re.compile(
    rf"(?<![\w/])(?:(?P<phrase>{PHRASES})|(?-i:(?P<abbreviation>{ABBREVIATIONS})))"
    r"(?![\w/])",
    re.IGNORECASE,
)
ZONE_BY_PLACE = {place: zone for zone, places in PLACES.items() for place in places}
# Place names count with their capital letter only: "reading" and "nice" are not places.
PLACE_PATTERN = re.compile(rf"(?<![\w-])(?:{_alternatives(list(ZONE_BY_PLACE))})(?![\w-])")


# "UTC+2", "GMT-5", "(GMT +1)": a fixed offset, whole hours.
OFFSET_PATTERN = re.compile(
    r"(?<![\w/])(?:UTC|GMT)\s?(?P<sign>[+\-−])\s?(?P<hours>\d{1,2})(?![\d:.])"
)


def zone_words_in(text: str) -> list[ZoneWord]:
    """The timezone names in `text`, in order: "UK time", "GMT", "Paris time", "UTC+2"."""
    found = []
    for match in OFFSET_PATTERN.finditer(text):
        hours = int(match["hours"]) * (1 if match["sign"] == "+" else -1)
        if -12 <= hours <= 14:
            # The tz database names fixed offsets with the sign the other way: Etc/GMT-2 is UTC+2.
            zone = "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
            found.append((match.start(), ZoneWord(match[0], zone, hours)))
    # Blanked out, so that "GMT+1" is not also read as "GMT".
    text = OFFSET_PATTERN.sub(lambda match: " " * len(match[0]), text)
    for match in ZONE_WORD_PATTERN.finditer(text):
        found.append((match.start(), ZONE_WORD_BY_NAME[match[0].lower()]))
    for match in re.finditer(rf"(?P<place>{PLACE_PATTERN.pattern})\s+time\b", text):
        found.append((match.start(), ZoneWord(match[0], ZONE_BY_PLACE[match["place"]], None)))
    return [word for _position, word in sorted(found, key=lambda item: item[0])]


def places_in(text: str) -> list[tuple[str, str]]:
    """The places named in `text` with their timezones, in order: [("Paris", "Europe/Paris")]."""
    return [(match[0], ZONE_BY_PLACE[match[0]]) for match in PLACE_PATTERN.finditer(text)]
