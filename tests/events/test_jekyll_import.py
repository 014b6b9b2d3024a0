import shutil
from datetime import datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from events.models import Event, Topic
from registrations.models import Registration
from tests.factories import OrganiserFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "jekyll-events"
SEED = PAGES / "2025-10-06-ogp-ai-procurement-public-participation.md"
PAGE_COUNT = 48
MADRID = ZoneInfo("Europe/Madrid")
LONDON = ZoneInfo("Europe/London")
SEED_FORM = (
    "https://docs.google.com/forms/d/e/1FAIpQLSff8nm5EPkRXWRuws9TLX2V-oqlKzhmqOrgRWc0JanvyJ8b_Q"
    "/viewform?usp=header"
)


def run_import(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_jekyll_events", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def summary_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def topic_names(event: Event) -> list[str]:
    return sorted(topic.name for topic in event.topics.all())


@pytest.fixture
def imported(organiser):
    """Every sample page imported once."""
    out, err = run_import(PAGES)
    return out, err


def test_import_every_page_without_error(imported):
    out, err = imported

    assert err == ""
    assert (
        summary_line(out) == f"{PAGE_COUNT} created, 0 updated, 0 unchanged, 18 flagged, 0 failed."
    )
    assert Event.objects.count() == PAGE_COUNT
    assert set(Event.objects.values_list("status", flat=True)) == {Event.Status.DRAFT}


def test_import_seed_reads_time_and_venue_from_the_text(imported):
    event = Event.objects.get(source_file=SEED.name)

    assert event.slug == "ogp-ai-procurement-public-participation"
    assert event.title == "Open Government, AI Procurement & Public Participation"
    assert event.timezone == "Europe/Madrid"
    assert event.starts_at == datetime(2025, 10, 6, 10, 0, tzinfo=MADRID)
    assert event.ends_at == datetime(2025, 10, 6, 12, 30, tzinfo=MADRID)
    assert event.venue_name == "NH Canciller Ayala Vitoria"
    assert event.venue_address == "Vitoria-Gasteiz, Spain"
    assert event.map_url == "https://www.nh-hotels.com/en/hotel/nh-canciller-ayala-vitoria"
    assert event.needs_review is False
    assert event.review_notes == ""
    assert event.image == "OGP_Logo_RGB.png"
    assert event.category == "organising"
    assert event.website_url == ""
    assert event.featured is False
    # `topics` is given twice in the seed; YAML keeps the last.
    assert topic_names(event) == ["People and Participation"]


def test_import_seed_keeps_google_form_as_external_registration(imported):
    out, _err = imported
    event = Event.objects.get(source_file=SEED.name)

    assert event.external_registration_url == SEED_FORM
    assert (
        f"  Registration on Google Forms ({SEED_FORM}), kept as the external registration "
        "link: registration can move to Turnout."
    ) in out.splitlines()


def test_import_seed_splits_summary_and_description_at_more(imported):
    event = Event.objects.get(source_file=SEED.name)

    assert event.summary.startswith("Local and national governments are spending $millions")
    assert event.summary.endswith(
        "how procurement decisions can be shaped by public input from those affected."
    )
    assert "<!--more-->" not in event.description
    assert event.description.startswith("> 6th October 2025 - 10:00am - 12:30pm")


def test_import_multi_day_event_spans_its_days_in_organiser_timezone(imported):
    event = Event.objects.get(slug="rightscon")

    assert event.timezone == "Europe/London"
    assert event.starts_at == datetime(2022, 6, 6, 0, 0, tzinfo=LONDON)
    assert event.ends_at == datetime(2022, 6, 11, 0, 0, tzinfo=LONDON)
    # A conference over several days is all day: nothing to review.
    assert event.needs_review is False
    assert event.review_notes == ""
    assert event.website_url == "https://www.rightscon.org/"
    assert event.external_registration_url == ""
    assert event.category == "attending"
    assert topic_names(event) == []


def test_import_topics_given_twice_keeps_the_last(imported):
    event = Event.objects.get(slug="glos-data-day")

    assert topic_names(event) == ["People and Participation"]
    assert event.starts_at == datetime(2024, 12, 16, 0, 0, tzinfo=LONDON)
    assert event.ends_at == datetime(2024, 12, 17, 0, 0, tzinfo=LONDON)


def test_import_topics_as_list_and_empty(imported):
    conference = Event.objects.get(slug="conference")
    geneva = Event.objects.get(slug="geneva-roundtable")
    paris = Event.objects.get(slug="global-ai-governance")

    assert topic_names(conference) == [
        "Civil society",
        "Education",
        "Health",
        "Justice",
        "People and Participation",
        "Public sector",
        "Work",
    ]
    assert conference.featured is True
    assert topic_names(geneva) == []
    assert topic_names(paris) == ["Civil society", "People and Participation"]
    assert Topic.objects.filter(name="People and Participation").count() == 1


def test_import_survey_google_form_is_not_taken_for_registration(imported):
    out, _err = imported
    event = Event.objects.get(slug="community-of-practice-2026-02-11")

    assert "docs.google.com/forms" in event.description
    assert event.external_registration_url == ""
    assert "1FAIpQLSfUSlUtfBWxU2a6ugUqLpdDIGtGjI" not in out


def test_import_link_given_twice_keeps_the_last(imported):
    event = Event.objects.get(slug="dppc")

    assert event.website_url == (
        "https://docs.google.com/presentation/d/15jTFHCtYGMlSMU8el471L2tEr-HJ4Mjd4025v_ONbYU"
        "/edit?usp=sharing"
    )


def test_import_slug_made_unique_with_the_date(imported):
    slugs = sorted(
        Event.objects.filter(source_file__endswith="community-of-practice.md").values_list(
            "slug", flat=True
        )
    )

    assert slugs == [
        "community-of-practice",
        "community-of-practice-2025-03-12",
        "community-of-practice-2025-04-09",
        "community-of-practice-2025-10-08",
        "community-of-practice-2026-02-11",
    ]


def test_import_again_changes_nothing_and_says_so(imported):
    before = dict(Event.objects.values_list("slug", "updated_at"))

    out, err = run_import(PAGES)

    assert err == ""
    assert out.strip() == f"0 created, 0 updated, {PAGE_COUNT} unchanged, 0 flagged, 0 failed."
    assert dict(Event.objects.values_list("slug", "updated_at")) == before


def test_import_changed_page_updates_event_and_keeps_registrations(organiser, tmp_path):
    page = tmp_path / SEED.name
    shutil.copy(SEED, page)
    run_import(page)
    event = Event.objects.get()
    registration = RegistrationFactory(event=event, email="ada@example.org")
    page.write_text(
        SEED.read_text().replace("10:00am - 12:30pm", "11:00am - 1:30pm"), encoding="utf-8"
    )

    out, err = run_import(page)

    assert err == ""
    assert summary_line(out) == "0 created, 1 updated, 0 unchanged, 0 flagged, 0 failed."
    event.refresh_from_db()
    assert event.starts_at == datetime(2025, 10, 6, 11, 0, tzinfo=MADRID)
    assert event.ends_at == datetime(2025, 10, 6, 13, 30, tzinfo=MADRID)
    assert list(Registration.objects.values_list("pk", "event_id", "status")) == [
        (registration.pk, event.pk, Registration.Status.CONFIRMED)
    ]


def test_import_update_keeps_times_an_organiser_gave_an_all_day_event(organiser, tmp_path):
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text("---\ntitle: Workshop\ndate: 2030-05-04\n---\nAn afternoon.\n")
    run_import(page)
    Event.objects.update(
        starts_at=datetime(2030, 5, 4, 14, 0, tzinfo=LONDON),
        ends_at=datetime(2030, 5, 4, 16, 0, tzinfo=LONDON),
        needs_review=False,
    )
    page.write_text("---\ntitle: Workshop on data\ndate: 2030-05-04\n---\nAn afternoon.\n")

    run_import(page)

    event = Event.objects.get()
    assert event.title == "Workshop on data"
    assert (event.starts_at, event.ends_at, event.needs_review) == (
        datetime(2030, 5, 4, 14, 0, tzinfo=LONDON),
        datetime(2030, 5, 4, 16, 0, tzinfo=LONDON),
        False,
    )


def test_import_broken_pages_reported_and_the_rest_imported(organiser, tmp_path):
    shutil.copy(SEED, tmp_path / SEED.name)
    (tmp_path / "broken-yaml.md").write_text("---\ntitle: [Unclosed\ndate: 2030-01-01\n---\nx\n")
    (tmp_path / "no-title.md").write_text("---\ndate: 2030-01-01\n---\nText.\n")
    (tmp_path / "no-date.md").write_text("---\ntitle: Someday\n---\nText.\n")
    (tmp_path / "bad-date.md").write_text("---\ntitle: Soon\ndate: next week\n---\nText.\n")

    out, err = run_import(tmp_path)

    assert summary_line(out) == "1 created, 0 updated, 0 unchanged, 0 flagged, 4 failed."
    bad_date, broken_yaml, no_date, no_title = err.splitlines()
    assert bad_date == (
        f"{tmp_path / 'bad-date.md'}: not imported: its date “next week” is not a date like "
        "2025-10-06."
    )
    # The YAML library words the problem (its C and Python parsers differ); we add the line.
    assert broken_yaml.startswith(
        f"{tmp_path / 'broken-yaml.md'}: not imported: the front matter is not valid YAML: "
    )
    assert broken_yaml.endswith(", line 3.")
    assert no_date == (
        f"{tmp_path / 'no-date.md'}: not imported: it has no date (neither “date” nor “dates”)."
    )
    assert no_title == f"{tmp_path / 'no-title.md'}: not imported: it has no title."
    assert list(Event.objects.values_list("source_file", flat=True)) == [SEED.name]


def test_import_missing_file_reported(organiser, tmp_path):
    out, err = run_import(tmp_path / "gone.md", SEED)

    assert err == f"{tmp_path / 'gone.md'}: not imported: the file does not exist.\n"
    assert summary_line(out) == "1 created, 0 updated, 0 unchanged, 0 flagged, 1 failed."


def test_import_dry_run_saves_nothing(organiser):
    out, err = run_import(PAGES, "--dry-run")

    assert err == ""
    assert summary_line(out) == (
        f"Dry run, nothing was saved: {PAGE_COUNT} created, 0 updated, 0 unchanged, 18 flagged, "
        "0 failed."
    )
    assert Event.objects.count() == 0
    assert Topic.objects.count() == 0


def test_import_publish_publishes_new_events(organiser):
    run_import(SEED, "--publish")

    assert Event.objects.get().status == Event.Status.PUBLISHED


def test_import_organiser_option_sets_lead_and_timezone(organiser, tmp_path):
    berlin = OrganiserFactory(slug="berlin-partner", timezone="Europe/Berlin")
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text("---\ntitle: Workshop\ndate: 2030-05-04\n---\nAn afternoon.\n")

    run_import(page, "--organiser", "berlin-partner")

    event = Event.objects.get()
    assert event.organiser == berlin
    assert event.slug == "workshop"
    assert event.timezone == "Europe/Berlin"
    assert event.starts_at == datetime(2030, 5, 4, 0, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def test_import_needs_organiser_option_when_there_are_several(organiser):
    OrganiserFactory(slug="partner")

    with pytest.raises(CommandError) as error:
        run_import(SEED)

    assert str(error.value) == (
        "Say which organiser leads these events with --organiser SLUG "
        "(one of: connected-by-data, partner)."
    )
    assert Event.objects.count() == 0


def test_import_unknown_organiser_refused(organiser):
    with pytest.raises(CommandError) as error:
        run_import(SEED, "--organiser", "nobody")

    assert str(error.value) == (
        "There is no organiser with the slug “nobody”. Known slugs: connected-by-data."
    )


def test_import_eventbrite_and_luma_links_reported(organiser, tmp_path):
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text(
        "---\ntitle: Workshop\ndate: 2030-05-04\n---\nAn afternoon.\n\n"
        "Tickets on [Eventbrite](https://www.eventbrite.co.uk/e/workshop-123).\n"
        "Also see https://lu.ma/workshop.\n"
    )

    out, _err = run_import(page)

    assert Event.objects.get().external_registration_url == (
        "https://www.eventbrite.co.uk/e/workshop-123"
    )
    assert out.splitlines()[2:4] == [
        "  Registration on Eventbrite (https://www.eventbrite.co.uk/e/workshop-123), kept as "
        "the external registration link: registration can move to Turnout.",
        "  Registration on lu.ma (https://lu.ma/workshop), kept as the external registration "
        "link: registration can move to Turnout.",
    ]


def test_import_registration_form_as_link_is_external_registration(organiser, tmp_path):
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text("---\ntitle: Workshop\ndate: 2030-05-04\nlink: https://forms.gle/abc\n---\n")

    run_import(page)

    event = Event.objects.get()
    assert (event.external_registration_url, event.website_url) == ("https://forms.gle/abc", "")


def test_import_link_that_is_not_an_address_left_out_for_review(organiser, tmp_path):
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text("---\ntitle: Workshop\ndate: 2030-05-04\nlink: /events/workshop\n---\n")

    out, err = run_import(page)

    assert err == ""
    event = Event.objects.get()
    assert event.website_url == ""
    assert event.review_notes.splitlines() == [
        "The link “/events/workshop” is not a web address, so it was left out.",
        "No time found in the text: imported as an all-day event.",
    ]


def test_import_dry_run_says_what_would_happen(organiser):
    out, _err = run_import(SEED, "--dry-run")

    assert out.splitlines()[0] == (
        f"{SEED}: would be created /events/ogp-ai-procurement-public-participation/ (Draft)"
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b"---\ntitle: Workshop\ndate: 2025-02-30\n---\n",
            "the front matter has a value that cannot be read: day is out of range for month",
        ),
        (b"\xff\xfe\x00 not text", "the file is not UTF-8 text"),
        (b"---\ntitle: [a, b]\ndate: 2030-05-04\n---\n", "its title is a list, not a line of text"),
        (b"No front matter at all.\n", "it has no title"),
    ],
)
def test_import_unreadable_page_reported_with_reason(organiser, tmp_path, content, reason):
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_bytes(content)

    out, err = run_import(page)

    assert err == f"{page}: not imported: {reason}.\n"
    assert summary_line(out) == "0 created, 0 updated, 0 unchanged, 0 flagged, 1 failed."


def test_import_publish_publishes_drafts_an_earlier_import_made(organiser, tmp_path):
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text("---\ntitle: Workshop\ndate: 2030-05-04\n---\nAn afternoon, 2pm - 4pm.\n")
    run_import(page)

    out, err = run_import(page, "--publish")

    assert err == ""
    assert out.splitlines() == [
        f"{page}: updated /events/workshop/ (Published)",
        "0 created, 1 updated, 0 unchanged, 0 flagged, 0 failed.",
    ]
    assert Event.objects.get().status == Event.Status.PUBLISHED


def test_import_publish_of_changed_page_publishes_its_draft(organiser, tmp_path):
    page = tmp_path / SEED.name
    shutil.copy(SEED, page)
    run_import(page)
    page.write_text(SEED.read_text().replace("10:00am", "11:00am"), encoding="utf-8")

    out, _err = run_import(page, "--publish")

    assert summary_line(out) == "0 created, 1 updated, 0 unchanged, 0 flagged, 0 failed."
    event = Event.objects.get()
    assert (event.status, event.starts_at) == (
        Event.Status.PUBLISHED,
        datetime(2025, 10, 6, 11, 0, tzinfo=MADRID),
    )


def test_import_publish_leaves_cancelled_and_published_events_alone(organiser, tmp_path):
    cancelled, published = tmp_path / "2030-05-04-workshop.md", tmp_path / "2030-06-01-talk.md"
    cancelled.write_text("---\ntitle: Workshop\ndate: 2030-05-04\n---\nAn afternoon.\n")
    published.write_text("---\ntitle: Talk\ndate: 2030-06-01\n---\nAn evening.\n")
    run_import(tmp_path)
    Event.objects.filter(slug="workshop").update(status=Event.Status.CANCELLED)
    Event.objects.filter(slug="talk").update(status=Event.Status.PUBLISHED)

    out, err = run_import(tmp_path, "--publish")

    assert (out, err) == ("0 created, 0 updated, 2 unchanged, 0 flagged, 0 failed.\n", "")
    assert dict(Event.objects.values_list("slug", "status")) == {
        "workshop": Event.Status.CANCELLED,
        "talk": Event.Status.PUBLISHED,
    }


INVALID_MAP_PAGE = (
    "---\ntitle: Workshop\ndate: 2030-05-04\ntopics: Data rights\n---\nAn afternoon.\n\n"
    "4th May 2030 - 10:00am - 12:00pm - [Town Hall (Bilbao)](https://town-hall), Spain\n"
)


def test_import_event_failing_validation_reported_and_the_rest_imported(organiser, tmp_path):
    shutil.copy(SEED, tmp_path / SEED.name)
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text(INVALID_MAP_PAGE)

    out, err = run_import(tmp_path)

    assert err == f"{page}: not imported: map link: Enter a valid URL.\n"
    assert summary_line(out) == "1 created, 0 updated, 0 unchanged, 0 flagged, 1 failed."
    assert list(Event.objects.values_list("source_file", flat=True)) == [SEED.name]
    # The failed page's topic is not left behind either.
    assert list(Topic.objects.values_list("name", flat=True)) == ["People and Participation"]


def test_import_update_failing_validation_keeps_the_event_as_it_was(organiser, tmp_path):
    page = tmp_path / "2030-05-04-workshop.md"
    page.write_text("---\ntitle: Workshop\ndate: 2030-05-04\n---\nAn afternoon.\n")
    run_import(page)
    before = Event.objects.values().get()
    page.write_text(INVALID_MAP_PAGE.replace("Workshop", "Workshop renamed"))

    out, err = run_import(page, "--publish")

    assert err == f"{page}: not imported: map link: Enter a valid URL.\n"
    assert summary_line(out) == "0 created, 0 updated, 0 unchanged, 0 flagged, 1 failed."
    assert Event.objects.values().get() == before
    assert Topic.objects.count() == 0
