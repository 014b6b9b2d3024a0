from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event
from registrations import services
from registrations.models import OrganiserMessage, OutboundEmail
from tests.factories import QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def message_url(event):
    return f"/admin/events/event/{event.pk}/message/"


def sent_to() -> list[str]:
    return sorted(OutboundEmail.objects.filter(kind="message").values_list("recipient", flat=True))


@pytest.fixture
def ended(event):
    starts = timezone.now() - timedelta(days=1)
    Event.objects.filter(pk=event.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))
    event.refresh_from_db()
    RegistrationFactory(event=event, email="came@example.org", checked_in_at=starts)
    RegistrationFactory(event=event, email="missed@example.org")
    RegistrationFactory(event=event, email="waiting@example.org", status="waitlisted")
    return event


def send(client, event, **data):
    return client.post(
        message_url(event),
        {"subject": "Thanks", "body": "Slides attached.", "_send": "Send", **data},
    )


def test_message_to_those_who_came(organiser_client, ended):
    response = send(organiser_client, ended, attendance="came")

    assert response.status_code == 302
    assert sent_to() == ["came@example.org"]
    record = OrganiserMessage.objects.get()
    assert (record.attendance, record.recipient_count) == ("came", 1)


def test_message_to_those_who_did_not_come_leaves_out_the_waiting_list(organiser_client, ended):
    send(organiser_client, ended, attendance="did_not_come")

    assert sent_to() == ["missed@example.org"]


def test_message_by_attendance_and_waiting_list_refused_next_to_the_box(organiser_client, ended):
    response = send(organiser_client, ended, attendance="came", include_waitlisted="on")

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "include_waitlisted": [
            "People on the waiting list had no place to attend: untick this box or write to "
            "everyone whether they came or not."
        ]
    }
    assert response.context["form"]["subject"].value() == "Thanks"
    assert sent_to() == []


def test_message_by_answer_of_a_checkbox_question(organiser_client, event):
    sessions = QuestionFactory(
        event=event, label="Sessions", kind="checkboxes", options="AM\nPM\nPM late", position=1
    )
    for email, answer in [
        ("both@example.org", "AM\nPM"),
        ("pm@example.org", "PM"),
        ("am@example.org", "AM"),
        ("late@example.org", "PM late"),
        ("middle@example.org", "AM\nPM\nPM late"),
    ]:
        services.register(event=event, name="Someone", email=email, answers={sessions: answer})
    form = organiser_client.get(message_url(event)).context["form"]
    assert form.fields["answer"].choices == [
        ("", "Any answer"),
        (
            "Sessions",
            [
                (f"{sessions.pk}:0", "AM"),
                (f"{sessions.pk}:1", "PM"),
                (f"{sessions.pk}:2", "PM late"),
            ],
        ),
    ]

    send(organiser_client, event, answer=f"{sessions.pk}:1")

    assert sent_to() == ["both@example.org", "middle@example.org", "pm@example.org"]
    record = OrganiserMessage.objects.get()
    assert (record.answer_question, record.answer_option) == (sessions, "PM")


def test_message_by_yes_no_answer_and_attendance(organiser_client, ended):
    photos = QuestionFactory(event=ended, label="Photos?", kind="yes_no")
    came = ended.registrations.get(email="came@example.org")
    came.answers.create(question=photos, value="yes")
    missed = ended.registrations.get(email="missed@example.org")
    missed.answers.create(question=photos, value="yes")

    send(organiser_client, ended, attendance="came", answer=f"{photos.pk}:0")

    assert sent_to() == ["came@example.org"]


def test_message_after_the_event_starts_as_a_thank_you_to_those_who_came(organiser_client, ended):
    form = organiser_client.get(message_url(ended)).context["form"]

    assert (form["subject"].value(), form["attendance"].value()) == (
        "Thank you for coming to Open Government and AI",
        "came",
    )


def test_message_after_the_event_has_no_cancel_link(organiser_client, ended):
    send(organiser_client, ended, attendance="came")

    body = OutboundEmail.objects.get(kind="message").body_text
    assert "cancel your place" not in body
    assert "On your personal page you can see your registration or delete your data." in body


def test_message_before_the_event_offers_to_cancel(organiser_client, event):
    RegistrationFactory(event=event, email="ada@example.org")

    send(organiser_client, event)

    body = OutboundEmail.objects.get(kind="message").body_text
    assert "cancel your place" in body
