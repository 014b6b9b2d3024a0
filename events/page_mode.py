"""Reading whether a website page's event is in person, online or hybrid, from its words.

A plain function on text, for the importer; nothing here touches the database. The site's
pages say it in passing ("On Thursday 18 July 2024, on Zoom, we held…", "In person only",
"an online workshop"), and also talk about things that only sound like it: the Online Safety
Bill, development teams, hybrid working. So a word counts only in the phrases a page uses
to say how people attend, never on its own.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Event

Mode = Event.AttendanceMode

# "Only" settles it, whatever else the page says (such as "online" in a talk's title).
IN_PERSON_ONLY = re.compile(r"\bin[- ]person(?:\s+(?:event|attendance))?\s+only\b", re.I)
ONLINE_ONLY = re.compile(r"\b(?:online|virtual)[- ]only\b|\bonly\s+online\b", re.I)

# Both ways to attend, said in one breath.
BOTH = re.compile(
    r"\bhybrid\s+(?:event|meeting|session|workshop|format|conference|seminar|panel)\b"
    r"|\((?:hybrid)\)|\bhybrid\s*[:|]"
    r"|\bin[- ]person\s+(?:and|or|&)\s+(?:online|virtually|on\s+zoom|via\s+zoom)\b"
    r"|\b(?:online|virtually)\s+(?:and|or|&)\s+in[- ]person\b",
    re.I,
)

CALL_SERVICES = [
    # Zoom the service, capitalised; "zoom in" is not a meeting.
    re.compile(r"\bZoom\b|\bzoom\.us/"),
    re.compile(r"\b(?:Microsoft|MS)\s+Teams\b|\b(?:on|via|over|using|in)\s+Teams\b"),
    re.compile(r"\bteams\.microsoft\.com/|\bteams\.live\.com/"),
    re.compile(r"\bGoogle\s+Meet\b|\bmeet\.google\.com/", re.I),
    re.compile(r"\b(?:Jitsi|Webex|Crowdcast|StreamYard)\b", re.I),
]
EVENT_NOUNS = (
    r"(?:event|workshop|session|meeting|meet-?up|seminar|conference|panel|discussion"
    r"|roundtable|round-table|call|talk|launch|briefing|gathering|course|training|forum"
    r"|lecture|symposium|summit)s?"
)
ONLINE_WORDS = re.compile(
    rf"\bwebinars?\b|\bonline\s+{EVENT_NOUNS}\b|\bvirtual\s+{EVENT_NOUNS}\b"
    r"|\b(?:held|meet|meets|meeting|join\s+us|joining|takes?\s+place|taking\s+place|hosted"
    r"|happens|happening|be|is|are|was|were|streamed|live)\s+online\b"
    r"|(?:^|[,(|:])\s*online\s*(?=[,)|.]|$)"
    r"|\blivestream(?:ed)?\b|\blive[- ]stream(?:ed)?\b",
    re.I | re.M,
)
# "Face-to-face" alone is often a topic ("rights to face-to-face engagement").
IN_PERSON_WORDS = re.compile(
    r"\bin[- ]person\b|\b(?:meet|meeting|held|join\s+us)\s+face[- ]to[- ]face\b", re.I
)


@dataclass(frozen=True)
class PageMode:
    """What a page says about attending: the mode, the words that said it (for the import
    report), and why it needs an organiser's look, if it does."""

    mode: str
    evidence: tuple[str, ...] = ()
    review: str = ""

    @property
    def stated(self) -> bool:
        """Whether the page said anything; if not, the mode is the default, in person."""
        return bool(self.evidence)


def _found(patterns, text: str) -> list[str]:
    return [
        " ".join(match.group().split()) for pattern in patterns for match in pattern.finditer(text)
    ]


def read_mode(text: str, *, venue: str = "") -> PageMode:
    """The attendance mode a page's ``text`` implies; ``venue`` is the venue read from the
    page, if any (a place to go to means in person)."""
    if found := _found([IN_PERSON_ONLY], text):
        return PageMode(Mode.IN_PERSON, tuple(found))
    if found := _found([ONLINE_ONLY], text):
        return PageMode(Mode.ONLINE, tuple(found))
    if found := _found([BOTH], text):
        return PageMode(Mode.HYBRID, tuple(found))
    online = _found([*CALL_SERVICES, ONLINE_WORDS], text)
    in_person = _found([IN_PERSON_WORDS], text)
    if venue:
        in_person.append(venue)
    if online and in_person:
        # "At the Town Hall … the talks will be on Zoom" may be two ways in, or a venue that
        # only hosts the speakers: an organiser knows.
        return PageMode(
            Mode.HYBRID,
            tuple(online + in_person),
            _("The page mentions both a place (%(place)s) and attending online (%(online)s).")
            % {"place": in_person[0], "online": online[0]},
        )
    if online:
        return PageMode(Mode.ONLINE, tuple(online))
    if in_person:
        return PageMode(Mode.IN_PERSON, tuple(in_person))
    return PageMode(Mode.IN_PERSON)
