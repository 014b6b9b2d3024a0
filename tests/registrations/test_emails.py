from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from registrations import emails, services, tasks
from registrations.models import OutboundEmail, Registration
from tests.factories import EventFactory, RegistrationFactory

# The worker runs as in production, committing as it goes.
pytestmark = pytest.mark.django_db(transaction=True)

MADRID = ZoneInfo("Europe/Madrid")
HEADERS = [
    "Content-Type", "MIME-Version", "Subject", "From", "To", "Reply-To", "Date", "Message-ID",
]  # fmt: skip


@pytest.fixture
def vitoria(organiser):
    """The seed event: 10:00–12:30 in Vitoria-Gasteiz, which is 09:00–11:30 UTC in October."""
    organiser.contact_email = "events@example.org"
    organiser.save()
    return EventFactory(
        organiser=organiser,
        title="AI procurement & public participation",
        slug="ai-procurement",
        starts_at=datetime(2027, 10, 6, 10, 0, tzinfo=MADRID),
        ends_at=datetime(2027, 10, 6, 12, 30, tzinfo=MADRID),
        timezone="Europe/Madrid",
        venue_name="NH Canciller Ayala Vitoria",
        venue_address="Ramón y Cajal Kalea, 5, 01007 Vitoria-Gasteiz",
        capacity=1,
    )


def register(event, name="Ada Lovelace", email="ada@example.org"):
    return services.register(event=event, name=name, email=email)


def invitation(message) -> icalendar.Calendar:
    (filename, content, mimetype) = message.attachments[0]
    assert filename == "invite.ics"
    return icalendar.Calendar.from_ical(content)


def test_confirmation_sent_by_worker_with_details_and_personal_link(
    vitoria, run_worker, mailoutbox, settings
):
    settings.SITE_URL = "https://events.example.org"
    registration = register(vitoria)

    assert mailoutbox == []
    run_worker()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["Ada Lovelace <ada@example.org>"]
    assert message.subject == "Your place is confirmed: AI procurement & public participation"
    assert message.reply_to == ["events@example.org"]
    link = f"https://events.example.org/registration/{registration.token}/"
    assert link in message.body
    assert "When: Wednesday 6 October 2027, 10:00–12:30 (Europe/Madrid, CEST)" in message.body
    assert "Where: NH Canciller Ayala Vitoria\nRamón y Cajal Kalea, 5" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "AI procurement &amp; public participation" in html
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Delivery.SENT
    assert message.extra_headers["Message-ID"] == email.message_id


def test_confirmation_invitation_parses_with_stable_uid_and_event_timezone(
    vitoria, run_worker, mailoutbox, settings
):
    settings.SITE_URL = "https://events.example.org"
    registration = register(vitoria)
    run_worker()

    calendar = invitation(mailoutbox[0])
    assert mailoutbox[0].attachments[0][2] == "text/calendar; method=REQUEST"
    assert calendar["method"] == "REQUEST"
    (vevent,) = calendar.events
    assert str(vevent["uid"]) == f"{registration.calendar_uid}@events.example.org"
    assert vevent["dtstart"].params["TZID"] == "Europe/Madrid"
    assert vevent.start == datetime(2027, 10, 6, 10, 0, tzinfo=MADRID)
    assert vevent.end == datetime(2027, 10, 6, 12, 30, tzinfo=MADRID)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Madrid"]
    assert str(vevent["location"]) == (
        "NH Canciller Ayala Vitoria, Ramón y Cajal Kalea, 5, 01007 Vitoria-Gasteiz"
    )
    assert str(vevent["attendee"]) == "mailto:ada@example.org"
    assert vevent["attendee"].params["CN"] == "Ada Lovelace"
    assert str(vevent["organizer"]) == "mailto:events@example.org"


def test_waitlisted_registration_gets_waiting_list_email_without_invitation(
    vitoria, run_worker, mailoutbox
):
    RegistrationFactory(event=vitoria)
    register(vitoria)
    run_worker()

    (message,) = mailoutbox
    assert message.subject == "You are on the waiting list: AI procurement & public participation"
    assert "you are on its waiting list" in message.body
    assert message.attachments == []


def test_cancellation_confirmed_and_next_person_promoted_with_invitation(
    vitoria, run_worker, mailoutbox
):
    first = register(vitoria, name="Ada Lovelace", email="ada@example.org")
    waiting = register(vitoria, name="Grace Hopper", email="grace@example.org")
    run_worker()
    mailoutbox.clear()

    services.cancel(registration=first)
    run_worker()

    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_recipient) == [
        "Ada Lovelace <ada@example.org>",
        "Grace Hopper <grace@example.org>",
    ]
    cancelled = by_recipient["Ada Lovelace <ada@example.org>"]
    assert cancelled.subject == (
        "Your registration is cancelled: AI procurement & public participation"
    )
    cancel_calendar = invitation(cancelled)
    assert cancel_calendar["method"] == "CANCEL"
    assert str(cancel_calendar.events[0]["uid"]).startswith(f"{first.calendar_uid}@")
    promoted = by_recipient["Grace Hopper <grace@example.org>"]
    assert promoted.subject == "A place is now yours: AI procurement & public participation"
    assert str(invitation(promoted).events[0]["uid"]).startswith(f"{waiting.calendar_uid}@")


def test_registration_resubmitted_queues_one_confirmation(vitoria, run_worker, mailoutbox):
    services.register(event=vitoria, name="Ada", email="ada@example.org", submission_key="k")
    services.register(event=vitoria, name="Ada", email="ada@example.org", submission_key="k")
    run_worker()

    assert len(mailoutbox) == 1


def stored_before_names_were_checked(event, name, email="ada@example.org"):
    """A registration whose name the service would refuse now, with its email queued."""
    registration = RegistrationFactory(event=event, name=name, email=email)
    tasks.enqueue_delivery(emails.queue_registration_email(registration))
    return registration


def test_attendee_name_with_html_escaped_in_html_email(vitoria, run_worker, mailoutbox):
    stored_before_names_were_checked(vitoria, '<script>alert("x")</script> Ada')
    run_worker()

    html = mailoutbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ada," in html
    assert 'Hello <script>alert("x")</script> Ada,' in mailoutbox[0].body


def test_name_with_line_break_cannot_add_header(vitoria, run_worker, mailoutbox):
    stored_before_names_were_checked(
        vitoria, "Eve\r\nBcc: victim@example.org", email="eve@example.org"
    )
    run_worker()

    (message,) = mailoutbox
    assert message.to == ['"Eve Bcc: victim@example.org" <eve@example.org>']
    assert message.message().keys() == HEADERS
    assert message.bcc == []


def test_event_title_with_line_break_kept_on_one_subject_line(run_worker, mailoutbox):
    event = EventFactory(title="Open data\r\nBcc: victim@example.org")
    register(event)
    run_worker()

    assert mailoutbox[0].subject == "Your place is confirmed: Open data Bcc: victim@example.org"
    assert mailoutbox[0].message().keys() == [name for name in HEADERS if name != "Reply-To"]


def test_erased_registration_leaves_no_email_behind(vitoria, run_worker, mailoutbox):
    registration = register(vitoria)

    services.erase(registration=registration)
    run_worker()

    assert mailoutbox == []
    assert OutboundEmail.objects.count() == 0
    assert Registration.objects.count() == 0


def test_immediate_backend_sends_without_worker_once_committed(vitoria, mailoutbox, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    register(vitoria)

    assert len(mailoutbox) == 1
    assert OutboundEmail.objects.get().status == OutboundEmail.Delivery.SENT
    assert DBTaskResult.objects.count() == 0


def test_immediate_backend_sends_nothing_when_change_rolled_back(vitoria, mailoutbox, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    with pytest.raises(RuntimeError), transaction.atomic():
        register(vitoria)
        raise RuntimeError("The request failed after registering.")

    assert mailoutbox == []
    assert OutboundEmail.objects.count() == 0


def test_registration_form_refuses_address_with_line_break(client, vitoria):
    response = client.post(
        f"/events/{vitoria.slug}/register/",
        {
            "name": "Eve",
            "email": "eve@example.org\r\nBcc: victim@example.org",
            "privacy_consent": "on",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert Registration.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_text_version_derived_from_the_html_whole(vitoria, run_worker, mailoutbox, settings):
    settings.SITE_URL = "https://events.example.org"
    settings.ORGANISATION_NAME = "Open Knowledge"
    vitoria.map_url = "https://maps.example.org/nh"
    vitoria.save()
    registration = register(vitoria)

    run_worker()

    assert mailoutbox[0].body == (
        "Hello Ada Lovelace,\n"
        "\n"
        "Your place at AI procurement & public participation is confirmed. The calendar "
        "invitation attached (invite.ics) adds the event to your calendar.\n"
        "\n"
        "AI procurement & public participation\n"
        "When: Wednesday 6 October 2027, 10:00–12:30 (Europe/Madrid, CEST)\n"
        "Attendance: In person\n"
        "Where: NH Canciller Ayala Vitoria\n"
        "Ramón y Cajal Kalea, 5, 01007 Vitoria-Gasteiz\n"
        "Map and directions: https://maps.example.org/nh\n"
        "Event page: https://events.example.org/events/ai-procurement/\n"
        "\n"
        "Your personal link: see or change your details, cancel your place, or delete your "
        "data. Keep it to yourself.\n"
        f"https://events.example.org/registration/{registration.token}/\n"
        "\n"
        "-- \n"
        "Open Knowledge\n"
        "Questions? Write to events@example.org.\n"
    )


def test_organiser_message_text_is_the_text_typed(vitoria):
    registration = RegistrationFactory(event=vitoria, name="Ada Lovelace")
    body = 'Room 2 <b>not 3</b> & "bring ID".\nSee you.\n\nThe team'

    text, html = emails.render_organiser_message(
        event=vitoria, registration=registration, body=body
    )

    assert text.split("\n\n")[1:4] == [
        "A message from the organisers of AI procurement & public participation:",
        'Room 2 <b>not 3</b> & "bring ID".\nSee you.',
        "The team",
    ]
    assert "<p>Room 2 &lt;b&gt;not 3&lt;/b&gt; &amp; &quot;bring ID&quot;.<br>" in html
