from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django import forms
from django.utils import timezone

from events.models import Event, Membership
from registrations.models import OrganiserMessage, OutboundEmail, Registration
from tests.factories import EventFactory, MembershipFactory, RegistrationFactory, UserFactory

# The worker runs as in production, committing as it goes.
pytestmark = pytest.mark.django_db(transaction=True)

MADRID = ZoneInfo("Europe/Madrid")
Status = Registration.Status


def form_data(form) -> dict:
    """What a browser sends back for ``form`` unchanged."""
    data = {}
    for field in form:
        widget, value = field.field.widget, field.value()
        widget = getattr(widget, "widget", widget)  # the admin's related-field wrapper
        if isinstance(widget, forms.MultiWidget):
            for index, part in enumerate(widget.decompress(value)):
                data[f"{field.html_name}_{index}"] = widget.widgets[index].format_value(part) or ""
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        else:
            data[field.html_name] = "" if value is None else str(value)
    return data


def change_form_data(client, event) -> dict:
    context = client.get(f"/admin/events/event/{event.pk}/change/").context
    data = form_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        for form in [inline.formset.management_form, *inline.formset.forms]:
            data.update(form_data(form))
    return data


@pytest.fixture
def vitoria(organiser):
    return EventFactory(
        organiser=organiser,
        title="AI procurement",
        starts_at=datetime(2027, 10, 6, 10, 0, tzinfo=MADRID),
        ends_at=datetime(2027, 10, 6, 12, 30, tzinfo=MADRID),
    )


@pytest.fixture
def attendees(vitoria):
    return {
        "confirmed": RegistrationFactory(event=vitoria, email="ada@example.org"),
        "waitlisted": RegistrationFactory(
            event=vitoria, email="grace@example.org", status=Status.WAITLISTED
        ),
        "cancelled": RegistrationFactory(
            event=vitoria,
            email="gone@example.org",
            status=Status.CANCELLED,
            cancelled_at=vitoria.starts_at,
        ),
    }


def test_event_time_change_emails_active_registrations_with_updated_invitation(
    organiser_client, vitoria, attendees, run_worker, mailoutbox
):
    # Created an hour ago: the changed invitation's SEQUENCE must be higher than the first.
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Event.objects.filter(pk=vitoria.pk).update(created_at=an_hour_ago, updated_at=an_hour_ago)
    data = change_form_data(organiser_client, vitoria)
    data["starts_at_1"] = "11:00:00"
    data["_tell_attendees"] = "1"

    response = organiser_client.post(f"/admin/events/event/{vitoria.pk}/change/", data)
    run_worker()

    assert response.status_code == 302
    by_address = {message.to[0].split("<")[1][:-1]: message for message in mailoutbox}
    assert sorted(by_address) == ["ada@example.org", "grace@example.org"]
    confirmed = by_address["ada@example.org"]
    assert confirmed.subject == "Changed: AI procurement"
    assert "When: Wednesday 6 October 2027, 11:00–12:30 Spanish time (CEST)" in confirmed.body
    (vevent,) = icalendar.Calendar.from_ical(confirmed.attachments[0][1]).events
    assert vevent.start == datetime(2027, 10, 6, 11, 0, tzinfo=MADRID)
    assert str(vevent["uid"]).startswith(f"{attendees['confirmed'].calendar_uid}@")
    assert vevent["sequence"] >= 3600
    assert by_address["grace@example.org"].attachments == []


def test_event_cancelled_by_organisers_removes_it_from_calendars(
    organiser_client, vitoria, attendees, run_worker, mailoutbox
):
    data = change_form_data(organiser_client, vitoria)
    data["status"] = Event.Status.CANCELLED
    data["_tell_attendees"] = "1"
    data["cancel_reason"] = "The venue flooded."

    organiser_client.post(f"/admin/events/event/{vitoria.pk}/change/", data)
    run_worker()

    assert sorted(message.subject for message in mailoutbox) == ["Cancelled: AI procurement"] * 2
    confirmed = next(message for message in mailoutbox if "ada@" in message.to[0])
    calendar = icalendar.Calendar.from_ical(confirmed.attachments[0][1])
    assert calendar["method"] == "CANCEL"
    assert calendar.events[0]["status"] == "CANCELLED"


def test_event_description_change_sends_no_email(organiser_client, vitoria, attendees):
    data = change_form_data(organiser_client, vitoria)
    data["description"] = "A new description."

    organiser_client.post(f"/admin/events/event/{vitoria.pk}/change/", data)

    assert OutboundEmail.objects.count() == 0


def message_url(event) -> str:
    return f"/admin/events/event/{event.pk}/message/"


def test_event_change_page_links_to_message_form(organiser_client, vitoria):
    page = organiser_client.get(f"/admin/events/event/{vitoria.pk}/change/").content.decode()

    assert f'<a href="{message_url(vitoria)}">Message attendees</a>' in page


def test_organiser_message_preview_shows_recipients_and_sends_nothing(
    organiser_client, vitoria, attendees
):
    response = organiser_client.post(
        message_url(vitoria),
        {"subject": "Room change", "body": "We meet in room 2.", "include_waitlisted": "on"},
    )

    assert response.status_code == 200
    assert response.context["preview"]["count"] == 2
    assert "We meet in room 2." in response.context["preview"]["text"]
    assert "Send to 2 people" in response.content.decode()
    assert OrganiserMessage.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_organiser_message_sent_to_confirmed_attendees_and_recorded(
    organiser_client, organiser_user, vitoria, attendees, run_worker, mailoutbox
):
    response = organiser_client.post(
        message_url(vitoria),
        {"subject": "Room change", "body": "We meet in room 2.", "_send": "Send"},
    )
    run_worker()

    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.to == [f"{attendees['confirmed'].name} <ada@example.org>"]
    assert message.subject == "Room change"
    assert "We meet in room 2." in message.body
    assert attendees["confirmed"].token in message.body
    record = OrganiserMessage.objects.get()
    assert (record.event, record.sent_by, record.recipient_count) == (vitoria, organiser_user, 1)


def test_organiser_message_subject_with_line_break_refused(organiser_client, vitoria, attendees):
    response = organiser_client.post(
        message_url(vitoria),
        {"subject": "Hello\r\nBcc: victim@example.org", "body": "Hi", "_send": "Send"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "subject": ["Please use a single line without line breaks or tabs."]
    }
    assert OrganiserMessage.objects.count() == 0


def test_organiser_message_of_other_organisation_not_found(client, vitoria):
    outsider = MembershipFactory(user=UserFactory(username="mallory")).user
    client.force_login(outsider)

    assert client.get(message_url(vitoria)).status_code == 404
    assert (
        client.post(message_url(vitoria), {"subject": "x", "body": "y", "_send": "1"}).status_code
        == 404
    )
    assert OrganiserMessage.objects.count() == 0


def test_organiser_message_refused_to_viewers(client, organiser, vitoria):
    viewer = MembershipFactory(
        organiser=organiser, user=UserFactory(username="victor"), role=Membership.Role.VIEWER
    ).user
    client.force_login(viewer)

    assert client.get(message_url(vitoria)).status_code == 403


def test_organiser_messages_listed_read_only_in_admin(admin_client, vitoria):
    record = OrganiserMessage.objects.create(
        event=vitoria, subject="Room change", body="Room 2", recipient_count=3
    )

    listing = admin_client.get("/admin/registrations/organisermessage/")
    detail = admin_client.get(f"/admin/registrations/organisermessage/{record.pk}/change/")

    assert listing.status_code == 200
    assert "Room change" in listing.content.decode()
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False
