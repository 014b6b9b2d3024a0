"""A new time or place of a published event, arriving from the website, goes through the
admin's change flow: it waits for an organiser, who applies it (telling the attendees, old →
new) or keeps Turnout's."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.models import Event, Membership
from registrations.models import OutboundEmail
from tests.factories import MembershipFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "---\ntitle: Workshop\ndate: 2030-05-04\n---\nAn afternoon.\n\n**When:** {when}\n{extra}"
NOTE = (
    "The website changed the time or place: review it and apply it or keep Turnout's in the "
    "admin (“The website now says …”)."
)


def run_import(*args) -> str:
    out = StringIO()
    call_command("import_jekyll_events", *[str(arg) for arg in args], stdout=out, stderr=out)
    return out.getvalue()


def write(page, when="2pm - 4pm", extra=""):
    page.write_text(PAGE.format(when=when, extra=extra))


@pytest.fixture
def workshop(organiser, tmp_path):
    """A page imported and published, two people registered, then the website changed its
    time from 2pm–4pm to 3pm–5pm (London) and the page was imported again."""
    page = tmp_path / "2030-05-04-workshop.md"
    write(page)
    run_import(page, "--publish")
    event = Event.objects.get()
    RegistrationFactory(event=event, name="Ada", email="ada@example.org")
    RegistrationFactory(event=event, name="Grace", email="grace@example.org")
    write(page, when="3pm - 5pm")
    run_import(page)
    event.refresh_from_db()
    return event


def website_change_url(event):
    return reverse("admin:events_event_website_change", args=[event.pk])


def change_url(event):
    return reverse("admin:events_event_change", args=[event.pk])


def test_reimport_of_published_event_keeps_the_websites_new_time_waiting(organiser, tmp_path):
    page = tmp_path / "2030-05-04-workshop.md"
    write(page)
    run_import(page, "--publish")
    RegistrationFactory(event=Event.objects.get())
    write(page, when="3pm - 5pm")

    out = run_import(page)

    event = Event.objects.get()
    assert (event.starts_at, event.ends_at) == (
        datetime(2030, 5, 4, 13, 0, tzinfo=UTC),
        datetime(2030, 5, 4, 15, 0, tzinfo=UTC),
    )
    assert event.pending_import == {
        "timezone": "Europe/London",
        "starts_at": "2030-05-04T14:00:00+00:00",
        "ends_at": "2030-05-04T16:00:00+00:00",
    }
    assert (event.imported_values["starts_at"], event.imported_values["ends_at"]) == (
        "2030-05-04T13:00:00+00:00",
        "2030-05-04T15:00:00+00:00",
    )
    assert (event.needs_review, event.review_notes) == (True, NOTE)
    assert OutboundEmail.objects.count() == 0
    assert out.splitlines() == [
        f"{page}: updated /events/workshop/ (Published)",
        f"  Needs review: {NOTE}",
        "  Waits for an organiser's confirmation in the admin, not applied: starts at is "
        "“2030-05-04T13:00:00+00:00”; the website says “2030-05-04T14:00:00+00:00”.",
        "  Waits for an organiser's confirmation in the admin, not applied: ends at is "
        "“2030-05-04T15:00:00+00:00”; the website says “2030-05-04T16:00:00+00:00”.",
        f"2030-05-04-workshop.md: needs review: {NOTE}",
        "0 created, 1 updated, 0 unchanged, 1 flagged, 0 failed.",
    ]


def test_reimport_of_a_draft_takes_the_websites_new_time(organiser, tmp_path):
    page = tmp_path / "2030-05-04-workshop.md"
    write(page)
    run_import(page)
    write(page, when="3pm - 5pm")

    run_import(page)

    event = Event.objects.get()
    assert (event.starts_at, event.pending_import, event.needs_review) == (
        datetime(2030, 5, 4, 14, 0, tzinfo=UTC),
        {},
        False,
    )


def test_reimport_of_the_time_turnout_has_clears_the_waiting_change(workshop, tmp_path):
    write(tmp_path / "2030-05-04-workshop.md")

    run_import(tmp_path / "2030-05-04-workshop.md")

    workshop.refresh_from_db()
    assert (workshop.pending_import, workshop.needs_review, workshop.review_notes) == (
        {},
        False,
        "",
    )


def test_import_publish_leaves_a_waiting_change_waiting(workshop, tmp_path):
    write(tmp_path / "2030-05-04-workshop.md", when="3pm - 5pm", extra="\nMore.\n")

    run_import(tmp_path / "2030-05-04-workshop.md", "--publish")

    workshop.refresh_from_db()
    assert (workshop.status, workshop.starts_at, workshop.needs_review) == (
        Event.Status.PUBLISHED,
        datetime(2030, 5, 4, 13, 0, tzinfo=UTC),
        True,
    )


def test_admin_event_page_shows_the_websites_change(organiser_client, workshop):
    page = organiser_client.get(change_url(workshop))

    html = page.content.decode()
    assert "Time: 14:00–16:00 UK time (BST) → <strong>15:00–17:00 UK time (BST)</strong>" in html
    assert f'<a href="{website_change_url(workshop)}">Apply…</a>' in html


def test_admin_websites_change_asks_before_telling(organiser_client, workshop):
    page = organiser_client.get(website_change_url(workshop))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Tell the 2 attendees?" in html
    assert page.context["subject"] == "Changed: Workshop"
    assert (
        "Time: 14:00–16:00 UK time (BST) → 15:00–17:00 UK time (BST)" in (page.context["preview"])
    )
    workshop.refresh_from_db()
    assert workshop.starts_at == datetime(2030, 5, 4, 13, 0, tzinfo=UTC)


# The worker ends the test's transaction on PostgreSQL: each test commits its own.
@pytest.mark.django_db(transaction=True)
def test_admin_applies_the_websites_change_and_tells_attendees_once(
    organiser_client, workshop, tmp_path, run_worker, mailoutbox
):
    response = organiser_client.post(
        website_change_url(workshop), {"_tell_attendees": "1"}, follow=True
    )
    run_worker()
    again = organiser_client.post(website_change_url(workshop), {"_tell_attendees": "1"})
    write(tmp_path / "2030-05-04-workshop.md", when="3pm - 5pm", extra="\nMore.\n")
    out = run_import(tmp_path / "2030-05-04-workshop.md")
    run_worker()

    assert "2 registered people will be told about the change." in response.content.decode()
    assert again.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.starts_at, workshop.ends_at) == (
        datetime(2030, 5, 4, 14, 0, tzinfo=UTC),
        datetime(2030, 5, 4, 16, 0, tzinfo=UTC),
    )
    assert (workshop.pending_import, workshop.needs_review, workshop.review_notes) == (
        {},
        False,
        "",
    )
    assert sorted(message.to[0] for message in mailoutbox) == [
        "Ada <ada@example.org>",
        "Grace <grace@example.org>",
    ]
    assert "Time: 14:00–16:00 UK time (BST) → 15:00–17:00 UK time (BST)" in (mailoutbox[0].body)
    assert out.splitlines() == [
        f"{tmp_path / '2030-05-04-workshop.md'}: updated /events/workshop/ (Published)",
        "0 created, 1 updated, 0 unchanged, 0 flagged, 0 failed.",
    ]


# The worker ends the test's transaction on PostgreSQL: each test commits its own.
@pytest.mark.django_db(transaction=True)
def test_admin_applies_the_websites_change_without_telling(
    organiser_client, workshop, run_worker, mailoutbox
):
    organiser_client.post(website_change_url(workshop), {"_dont_tell_attendees": "1"})
    run_worker()

    workshop.refresh_from_db()
    assert (workshop.starts_at, workshop.pending_import) == (
        datetime(2030, 5, 4, 14, 0, tzinfo=UTC),
        {},
    )
    assert mailoutbox == []


def test_admin_keeps_turnouts_time_instead_of_the_websites(organiser_client, workshop, tmp_path):
    response = organiser_client.post(website_change_url(workshop), {"_keep_turnout": "1"})
    write(tmp_path / "2030-05-04-workshop.md", when="3pm - 5pm", extra="\nMore.\n")
    out = run_import(tmp_path / "2030-05-04-workshop.md")

    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.starts_at, workshop.pending_import, workshop.needs_review) == (
        datetime(2030, 5, 4, 13, 0, tzinfo=UTC),
        {},
        False,
    )
    assert OutboundEmail.objects.count() == 0
    assert out.splitlines()[1:3] == [
        "  Left alone, changed in Turnout: starts at is “2030-05-04T13:00:00+00:00”; the website "
        "says “2030-05-04T14:00:00+00:00”.",
        "  Left alone, changed in Turnout: ends at is “2030-05-04T15:00:00+00:00”; the website "
        "says “2030-05-04T16:00:00+00:00”.",
    ]


def test_admin_websites_change_refused_when_the_event_would_not_be_valid(
    organiser_client, workshop
):
    Event.objects.filter(pk=workshop.pk).update(
        registration_closes_at=datetime(2030, 5, 4, 13, 30, tzinfo=UTC),
        pending_import={**workshop.pending_import, "starts_at": "2030-05-04T13:15:00+00:00"},
    )

    response = organiser_client.post(
        website_change_url(workshop), {"_tell_attendees": "1"}, follow=True
    )

    workshop.refresh_from_db()
    assert workshop.starts_at == datetime(2030, 5, 4, 13, 0, tzinfo=UTC)
    assert workshop.pending_import["starts_at"] == "2030-05-04T13:15:00+00:00"
    assert [str(message) for message in response.context["messages"]] == [
        "The website's change was not applied: Registration closes when the event starts at the "
        "latest: choose a time before the start, or leave this empty. Change the event here "
        "instead."
    ]


def test_website_change_page_refused_to_a_viewer(client, workshop, organiser):
    viewer = MembershipFactory(
        organiser=organiser, user=UserFactory(username="vic"), role=Membership.Role.VIEWER
    ).user
    client.force_login(viewer)

    response = client.post(website_change_url(workshop), {"_keep_turnout": "1"})

    workshop.refresh_from_db()
    assert (response.status_code, bool(workshop.pending_import)) == (403, True)


def test_admin_websites_change_of_event_without_attendees_is_one_apply(
    organiser_client, organiser, tmp_path
):
    page = tmp_path / "2030-05-04-workshop.md"
    write(page)
    run_import(page, "--publish")
    write(page, when="3pm - 5pm")
    run_import(page)
    event = Event.objects.get()

    asked = organiser_client.get(website_change_url(event))
    organiser_client.post(website_change_url(event), {"_dont_tell_attendees": "1"})

    html = asked.content.decode()
    assert "Nobody is registered to be told." in html
    assert 'value="Apply the website\'s time and place"' in html
    event.refresh_from_db()
    assert (event.starts_at, event.pending_import) == (datetime(2030, 5, 4, 14, 0, tzinfo=UTC), {})
