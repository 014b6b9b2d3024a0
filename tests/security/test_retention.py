"""Personal data is deleted after each event's retention period; counts are kept."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations import emails, services
from registrations.models import Answer, OutboundEmail, Registration
from tests.admin_forms import event_change_data
from tests.factories import EventFactory, QuestionFactory, RegistrationFactory
from tests.security.dump import database_text, tables_holding

# The worker runs as in production, committing as it goes.
pytestmark = pytest.mark.django_db(transaction=True)

OLD_PEOPLE = [
    ("Ada Lovelace", "ada@example.org"),
    ("Charles Babbage", "charles@example.org"),
    ("Mary Somerville", "mary@example.org"),
    ("Emmy Noether", "emmy@example.org"),
]


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def move_to_the_past(event, *, ended_days_ago):
    ends_at = timezone.now() - timedelta(days=ended_days_ago)
    Event.objects.filter(pk=event.pk).update(
        starts_at=ends_at - timedelta(hours=2), ends_at=ends_at
    )
    event.refresh_from_db()
    return event


def counts(event):
    rows = Registration.objects.filter(event=event).values("status").annotate(n=Count("pk"))
    checked_in = Registration.objects.filter(event=event, checked_in_at__isnull=False).count()
    return {row["status"]: row["n"] for row in rows}, checked_in


def recent_data(event):
    """Everything stored about the people of ``event``, to compare before and after."""
    registrations = Registration.objects.filter(event=event)
    return (
        list(registrations.order_by("pk").values()),
        list(Answer.objects.filter(registration__in=registrations).order_by("pk").values()),
        list(OutboundEmail.objects.filter(event=event).order_by("pk").values()),
    )


@pytest.fixture
def past_and_recent(organiser, organiser_user, run_worker):
    """An event whose retention period is over, with all its traces; and a recent one."""
    old = EventFactory(organiser=organiser, title="Old event", capacity=2)
    question = QuestionFactory(event=old, label="Why do you come?")
    people = [
        services.register(event=old, name=name, email=email, answers={question: f"{name} wrote"})
        for name, email in OLD_PEOPLE
    ]
    ada, charles, _mary, _emmy = people
    organiser = Client()
    organiser.force_login(organiser_user)
    organiser.post(
        reverse("admin:registrations_registration_changelist"),
        {
            "action": "cancel_registrations",
            "_selected_action": [ada.pk],
            "confirm": "yes",
            "reason": "Ada Lovelace moved abroad",
        },
    )
    services.check_in(registration=charles)
    Client().post(reverse("registrations:lost_link"), {"email": "charles@example.org"})
    run_worker()
    recent = EventFactory(title="Recent event")
    recent_question = QuestionFactory(event=recent)
    grace = services.register(
        event=recent,
        name="Grace Hopper",
        email="grace@example.org",
        answers={recent_question: "Compilers"},
    )
    Client().post(reverse("registrations:lost_link"), {"email": "grace@example.org"})
    run_worker()
    move_to_the_past(old, ended_days_ago=91)
    move_to_the_past(recent, ended_days_ago=10)
    secrets = [text for person in OLD_PEOPLE for text in person]
    secrets += ["Lovelace", *(registration.token for registration in people)]
    return old, recent, grace, secrets


def test_purge_leaves_nothing_of_past_events_people_and_keeps_counts(past_and_recent):
    old, recent, grace, secrets = past_and_recent
    counts_before = counts(old)
    recent_before = recent_data(recent)
    assert set(tables_holding(database_text(), *secrets)) == {
        "django_admin_log",
        "registrations_answer",
        "registrations_outboundemail",
        "registrations_registration",
    }
    assert counts_before == ({"cancelled": 1, "confirmed": 2, "waitlisted": 1}, 1)

    output = purge()

    dump = database_text()
    assert tables_holding(dump, *secrets) == {}
    assert counts(old) == counts_before
    assert recent_data(recent) == recent_before
    assert set(tables_holding(dump, "Grace Hopper", "grace@example.org", grace.token)) == {
        "registrations_registration",
        "registrations_outboundemail",
    }
    assert LogEntry.objects.count() == 0
    assert output == (
        f'"Old event" (ended {old.local_ends_at:%Y-%m-%d}, kept 90 days): '
        "anonymised 4 registrations; deleted 4 answers, 7 emails, 2 admin history entries, "
        "7 task records.\n"
        "Lost-link requests: deleted 2 task records.\n"
    )
    assert purge() == ""
    assert database_text() == dump


def test_purge_dry_run_changes_nothing_and_says_what_would_go(past_and_recent):
    old, _recent, _grace, _secrets = past_and_recent
    before = database_text()

    output = purge("--dry-run")

    assert database_text() == before
    assert output == (
        "Dry run: nothing is changed.\n"
        f'"Old event" (ended {old.local_ends_at:%Y-%m-%d}, kept 90 days): would anonymise '
        "4 registrations; would delete 4 answers, 7 emails, 2 admin history entries, "
        "7 task records.\n"
        "Lost-link requests: would delete 2 task records.\n"
    )


def test_purge_follows_each_events_retention_period(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    events = {
        "default, over": (None, 31),
        "default, not over": (None, 29),
        "own, over": (7, 8),
        "own, not over": (365, 100),
    }
    for title, (days, ended_days_ago) in events.items():
        event = EventFactory(title=title, retention_days=days)
        RegistrationFactory(event=event, name=f"Person at {title}")
        move_to_the_past(event, ended_days_ago=ended_days_ago)

    purge()

    kept = Registration.objects.exclude(name="").values_list("event__title", flat=True)
    assert sorted(kept) == ["default, not over", "own, not over"]


def test_purge_leaves_upcoming_and_running_events_alone():
    upcoming = RegistrationFactory(event=EventFactory(retention_days=0))
    running = EventFactory(retention_days=0, starts_at=timezone.now() - timedelta(hours=1))
    RegistrationFactory(event=running)

    assert purge() == ""

    assert Registration.objects.filter(anonymised_at__isnull=False).count() == 0
    assert Registration.objects.get(pk=upcoming.pk).name == upcoming.name


def test_anonymised_registrations_get_no_email(past_and_recent):
    old, _recent, _grace, _secrets = past_and_recent
    purge()

    assert emails.queue_event_change_emails(event=old, changed_fields=["venue_name"]) == []
    assert list(emails.message_recipients(old, include_waitlisted=True)) == []
    assert list(emails.message_recipients(old, include_waitlisted=False)) == []


def test_anonymised_registration_keeps_only_what_counts(past_and_recent):
    old, _recent, _grace, _secrets = past_and_recent
    charles = Registration.objects.get(email="charles@example.org")
    old_link = charles.personal_path

    purge()

    charles.refresh_from_db()
    kept = {
        field: getattr(charles, field)
        for field in [
            "name", "email", "organisation", "role", "access_needs", "dietary_requirements",
            "cancellation_reason", "submission_key",
        ]
    }  # fmt: skip
    assert kept == dict.fromkeys(kept, "")
    assert charles.status == Registration.Status.CONFIRMED
    assert charles.checked_in_at is not None
    assert charles.anonymised_at is not None
    assert Client().get(old_link).status_code == 404


def test_event_admin_form_sets_retention_period(organiser_client, event):
    data = event_change_data(organiser_client, event, retention_days="30")

    response = organiser_client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.retention_days == 30


def test_privacy_notice_names_controller_contact_and_period(client, settings):
    settings.DATA_CONTROLLER_NAME = "Connected by Data"
    settings.DATA_CONTROLLER_ADDRESS = "1 Example Street, London"
    settings.PRIVACY_CONTACT_EMAIL = "privacy@example.org"
    settings.PERSONAL_DATA_RETENTION_DAYS = 60

    html = client.get("/privacy/").content.decode()

    assert "The data controller is Connected by Data, 1 Example Street, London." in html
    assert "write to privacy@example.org" in html
    assert "60 days after the event ends" in html


def test_attendee_page_says_when_their_data_is_deleted(client, event, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    registration = RegistrationFactory(event=event)
    deleted_on = timezone.localtime(event.ends_at + timedelta(days=90), event.tzinfo).date()

    html = client.get(registration.personal_path).content.decode()

    assert f"Your personal data for this event is deleted on {deleted_on:%-d %B %Y}" in html
