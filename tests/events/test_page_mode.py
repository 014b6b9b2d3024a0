from pathlib import Path

import frontmatter
import pytest

from events.page_mode import PageMode, read_mode

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "jekyll-events"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "On Thursday 18 July 2024, on Zoom, we held the first meeting.",
            PageMode("online", ("Zoom",)),
        ),
        (
            "15:30 - 16:30 UK time, Monday 26th February 2024 on Zoom",
            PageMode("online", ("Zoom",)),
        ),
        (
            "Please [register here](https://us06web.zoom.us/meeting/register/abc) to attend.",
            PageMode("online", ("zoom.us/",)),
        ),
        ("We will meet on Microsoft Teams.", PageMode("online", ("Microsoft Teams",))),
        ("Join us via Teams at 2pm.", PageMode("online", ("via Teams",))),
        ("A webinar on data trusts.", PageMode("online", ("webinar",))),
        ("On Tuesday 8 October 2024, online, Jeni spoke.", PageMode("online", (", online",))),
        ("This is an online workshop.", PageMode("online", ("online workshop",))),
        ("The session will be held online.", PageMode("online", ("held online",))),
        ("📅 May 22 | 20.00-21.30 UTC | Online", PageMode("online", ("| Online",))),
        ("Online only - register below", PageMode("online", ("Online only",))),
        (
            "> In person only - [Register here](https://docs.google.com/forms/x)",
            PageMode("in_person", ("In person only",)),
        ),
        (
            "In person only. Our talk is about the Online Safety Bill and online harms.",
            PageMode("in_person", ("In person only",)),
        ),
        ("Come and meet us in person in Leeds.", PageMode("in_person", ("in person",))),
        ("This is a hybrid event.", PageMode("hybrid", ("hybrid event",))),
        (
            "You can join in person or online.",
            PageMode("hybrid", ("in person or online",)),
        ),
        (
            "Attend online or in-person at the Guildhall.",
            PageMode("hybrid", ("online or in-person",)),
        ),
    ],
)
def test_read_mode_reads_phrasing(text, expected):
    assert read_mode(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "She worked on the Online Safety Bill in the Lords.",
        "Inclusive and diverse development teams matter.",
        "The rights to face-to-face human engagement around certain decisions.",
        "Hybrid working changed public services; zoom in on the detail.",
        "Nothing about how to attend.",
    ],
)
def test_read_mode_ignores_words_that_only_sound_like_a_mode(text):
    assert read_mode(text) == PageMode("in_person")
    assert read_mode(text).stated is False


def test_read_mode_venue_means_in_person():
    assert read_mode("A roundtable on AI.", venue="NH Canciller Ayala Vitoria") == PageMode(
        "in_person", ("NH Canciller Ayala Vitoria",)
    )


def test_read_mode_venue_and_zoom_is_hybrid_for_review():
    reading = read_mode("Talks are streamed on Zoom.", venue="Bristol Town Hall")

    assert reading == PageMode(
        "hybrid",
        ("Zoom", "Bristol Town Hall"),
        "The page mentions both a place (Bristol Town Hall) and attending online (Zoom).",
    )


# Read by hand: the pages that say how people attend, and what they say.
SAMPLE_PAGES_STATING_A_MODE = {
    "2022-06-30-datasphere-asil.md": "online",  # "a webinar titled …"
    "2023-11-13-democracy-network-webinars.md": "online",  # "two webinars"
    "2024-07-18-community-of-practice.md": "online",  # "on Zoom, we held …"
    "2024-10-08-dppc.md": "online",  # "On Tuesday 8 October 2024, online, …"
    "2025-03-12-community-of-practice.md": "online",  # a Zoom registration link
    "2025-04-09-community-of-practice.md": "online",  # a Zoom registration link
    "2025-10-06-ogp-ai-procurement-public-participation.md": "in_person",  # "In person only"
    "2026-02-11-community-of-practice.md": "online",  # "monthly online meetings"
}


def test_read_mode_of_every_sample_page():
    read = {}
    for path in sorted(FIXTURES.glob("*.md")):
        reading = read_mode(frontmatter.load(path).content)
        if reading.stated:
            read[path.name] = reading.mode

    assert read == SAMPLE_PAGES_STATING_A_MODE
