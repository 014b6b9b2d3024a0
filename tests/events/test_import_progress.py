"""What a long import tells the person running it: each page, then a summary."""

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "jekyll-events"
SEED = PAGES / "2025-10-06-ogp-ai-procurement-public-participation.md"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal(StringIO):
    def isatty(self):
        return True


@pytest.fixture
def pages(organiser, tmp_path):
    """A page that imports cleanly, one that needs review and one that cannot be read."""
    shutil.copy(SEED, tmp_path / SEED.name)
    (tmp_path / "2030-05-04-workshop.md").write_text(
        "---\ntitle: Workshop\ndate: 2030-05-04\n---\nAn afternoon.\n"
    )
    (tmp_path / "2030-06-01-broken.md").write_text("---\ntitle: Broken\n---\nNo date.\n")
    return tmp_path


def test_import_not_on_a_terminal_writes_plain_lines_and_a_summary(pages):
    out, err = StringIO(), StringIO()

    call_command("import_jekyll_events", str(pages), stdout=out, stderr=err)

    assert out.getvalue().splitlines() == [
        f"{pages / SEED.name}: created /events/ogp-ai-procurement-public-participation/ (Draft)",
        "  Registration on Google Forms (https://docs.google.com/forms/d/e/1FAIpQLSff8nm5EPkRXWRu"
        "ws9TLX2V-oqlKzhmqOrgRWc0JanvyJ8b_Q/viewform?usp=header), kept as the external "
        "registration link: registration can move to Turnout.",
        f"{pages / '2030-05-04-workshop.md'}: created /events/workshop/ (Draft)",
        "  Needs review: No time found in the text: imported as an all-day event.",
        "2030-05-04-workshop.md: needs review: No time found in the text: imported as an "
        "all-day event.",
        "2030-06-01-broken.md: failed: it has no date (neither “date” nor “dates”)",
        "2 created, 0 updated, 0 unchanged, 1 flagged, 1 failed.",
    ]
    assert err.getvalue() == (
        f"{pages / '2030-06-01-broken.md'}: not imported: it has no date "
        "(neither “date” nor “dates”).\n"
    )


def test_import_on_a_terminal_shows_progress_and_a_summary_table(pages, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    out, err = Terminal(), Terminal()

    call_command("import_jekyll_events", str(pages), stdout=out, stderr=err)

    lines = [line.rstrip() for line in ANSI.sub("", out.getvalue()).splitlines()]
    assert any(line.startswith("Importing ━") and line.endswith(" 3/3 0:00:00") for line in lines)
    assert err.getvalue() == ""
    summary = lines[lines.index("Import summary") + 4 :]
    assert summary == [
        "│ 2030-05-04-workshop.md │ needs review │ No time found in the text: imported as an "
        "all-day event. │",
        "│ 2030-06-01-broken.md   │ failed       │ it has no date (neither “date” nor “dates”)"
        "              │",
        "└" + "─" * 24 + "┴" + "─" * 14 + "┴" + "─" * 58 + "┘",
        "2 created, 0 updated, 0 unchanged, 1 flagged, 1 failed.",
    ]
