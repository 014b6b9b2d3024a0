"""The Spanish and Basque catalogues: every string of the code translated, none fuzzy, and
the catalogues up to date with the code, so that a new string without translation fails."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUE_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
# What `make messages` reads: the apps, the project's wiring and the templates.
SOURCES = ["config", "events", "registrations", "templates", "manage.py"]


def catalogue(language: str, root: Path = ROOT) -> polib.POFile:
    return polib.pofile(str(root / "locale" / language / "LC_MESSAGES" / "django.po"))


def msgids(po: polib.POFile) -> set[tuple[str, str, str]]:
    return {(entry.msgctxt or "", entry.msgid, entry.msgid_plural) for entry in po}


def test_languages_are_english_spanish_and_basque():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "es", "eu"]


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_string(language):
    po = catalogue(language)
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert po.metadata["Language"] == language


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_catalogue_compiles_with_the_same_placeholders(language):
    """msgfmt --check refuses a translation whose %(name)s placeholders differ from the
    English, which would fail when the text is written."""
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(  # noqa: S603
        [shutil.which("msgfmt") or "msgfmt", "--check", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_catalogues_are_up_to_date_with_the_code(tmp_path):
    """`make messages` on a copy of the code adds no string to the catalogues and drops none."""
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tmp_path / name)
    shutil.copytree(ROOT / "locale", tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-obsolete",
            "--add-location=file",
            *[f"--locale={language}" for language in CATALOGUE_LANGUAGES],
        ],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "DEBUG": "1", "HTTPS_ONLY": "0"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for language in CATALOGUE_LANGUAGES:
        code, committed = msgids(catalogue(language, tmp_path)), msgids(catalogue(language))
        assert {"new in the code": code - committed, "gone from the code": committed - code} == {
            "new in the code": set(),
            "gone from the code": set(),
        }, f"Run `make messages` and translate the new strings of locale/{language}."
