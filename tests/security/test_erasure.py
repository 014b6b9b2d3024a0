"""“Delete my data”: afterwards nothing of the person remains, in any table or log line."""

import io
import logging
import smtplib
from email.utils import parseaddr

import pytest
from django.contrib.admin.models import LogEntry
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from events.models import Event
from registrations import emails, services, tasks
from registrations.delivery import RETRY_DELAYS
from registrations.models import LinkRequest, OutboundEmail, Registration
from tests.factories import EventFactory, QuestionFactory, RegistrationFactory
from tests.security.dump import database_text, tables_holding

# The worker runs as in production, committing as it goes.
pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Ada Lovelace"
ADDRESS = "Ada.Lovelace@Example.org"
ANSWER = "Bernoulli numbers on the engine"


def register_through_form(
    client, event, question, *, name=NAME, email=ADDRESS, key="first", answer=ANSWER
):
    response = client.post(
        reverse("events:register", args=[event.slug]),
        {
            "name": name,
            "email": email,
            "organisation": "Analytical Society",
            "access_needs": "Step-free access",
            "privacy_consent": "on",
            "website": "",
            "submission_key": key,
            question.field_name: answer,
        },
    )
    assert response.status_code == 302, response.content.decode()
    return Registration.objects.get(token=response["Location"].split("/")[2])


def admin_change_data(client, registration, **changes):
    """What the registration's admin form posts back, with ``changes`` applied."""
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.total_form_count()
        data[f"{formset.prefix}-INITIAL_FORMS"] = formset.initial_form_count()
    data.update(changes)
    return url, data


def cancel_in_admin(client, registration, reason):
    changelist = reverse("admin:registrations_registration_changelist")
    action = {"action": "cancel_registrations", "_selected_action": [registration.pk]}
    client.post(changelist, {**action, "confirm": "yes", "reason": reason})


@pytest.fixture
def log_output():
    """What the configured console handler writes: the application's log lines."""
    handler = next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)
    output = io.StringIO()
    previous = handler.setStream(output)
    yield output
    handler.setStream(previous)


def person_secrets(*registrations):
    return [NAME, "Lovelace", ADDRESS, ANSWER, *(r.token for r in registrations)]


def test_erasure_leaves_nothing_of_the_person_in_any_table(
    client, event, organiser_user, run_worker, mailoutbox, log_output
):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    question = QuestionFactory(event=event, label="What would you like to discuss?")
    organiser = Client()
    organiser.force_login(organiser_user)

    # An earlier registration, corrected and then cancelled by an organiser, its emails sent.
    earlier = register_through_form(client, event, question, key="first")
    url, data = admin_change_data(organiser, earlier, organisation="Analytical Society of London")
    assert organiser.post(url, data).status_code == 302
    cancel_in_admin(organiser, earlier, reason="Ada Lovelace phoned: she cannot come")
    run_worker()
    # Registered again, with an answer; someone else waits for a place.
    registration = register_through_form(client, event, question, key="second")
    grace = register_through_form(
        client,
        event,
        question,
        name="Grace Hopper",
        email="grace@example.org",
        key="grace",
        answer="Compilers",
    )
    run_worker()
    # A lost link asked for and sent; another asked for and not handled yet.
    client.post(reverse("registrations:lost_link"), {"email": ADDRESS})
    run_worker()
    client.post(reverse("registrations:lost_link"), {"email": ADDRESS.upper()})
    # An organisers' message not sent yet.
    _message, stored = emails.queue_organiser_message(
        event=event, subject="Room", body="Room 2.", include_waitlisted=True, sent_by=None
    )
    tasks.enqueue_delivery(*stored)
    secrets = person_secrets(earlier, registration)
    before = database_text()
    assert {"registrations_registration", "registrations_outboundemail"} <= set(
        tables_holding(before, *secrets)
    )
    assert OutboundEmail.objects.filter(kind="personal_links").count() == 1
    assert OutboundEmail.objects.filter(status="queued").exists()
    assert LogEntry.objects.count() == 2
    mailoutbox.clear()

    response = client.post(reverse("registrations:erase", args=[registration.token]))
    run_worker()

    assert response.status_code == 302
    assert tables_holding(database_text(), *secrets) == {}
    grace.refresh_from_db()
    assert grace.status == Registration.Status.CONFIRMED
    assert sorted((message.to, message.subject) for message in mailoutbox) == [
        (["Grace Hopper <grace@example.org>"], f"A place is now yours: {event.title}"),
        (["Grace Hopper <grace@example.org>"], "Room"),
    ]
    assert client.get(earlier.personal_path).status_code == 404
    assert client.get(registration.personal_path).status_code == 404
    assert [secret for secret in secrets if secret.lower() in log_output.getvalue().lower()] == []


def test_erasure_queues_no_email_it_deletes(event, run_worker):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    registration = services.register(event=event, name=NAME, email=ADDRESS)
    waiting = services.register(event=event, name="Grace Hopper", email="grace@example.org")
    run_worker()

    services.erase(registration=registration)

    promotion = OutboundEmail.objects.get(registration=waiting, kind="promoted")
    queued = DBTaskResult.objects.filter(status="READY")
    assert [task.args_kwargs for task in queued] == [{"args": [promotion.pk], "kwargs": {}}]


def test_erasure_leaves_no_email_queued(client, event):
    # Nothing has been sent yet: their confirmation, an organisers' message and the answer
    # to a request for their links are all waiting for the worker.
    registration = services.register(event=event, name=NAME, email=ADDRESS)
    _message, stored = emails.queue_organiser_message(
        event=event, subject="Room", body="Room 2.", include_waitlisted=True, sent_by=None
    )
    tasks.enqueue_delivery(*stored)
    client.post(reverse("registrations:lost_link"), {"email": ADDRESS})
    queued_before = (OutboundEmail.objects.queued().count(), LinkRequest.objects.count())

    services.erase(registration=registration)

    assert queued_before == (2, 1)
    assert list(OutboundEmail.objects.all()) == []
    assert list(DBTaskResult.objects.all()) == []


def test_erasure_deletes_earlier_cancelled_registration_of_the_event(client, event):
    earlier = RegistrationFactory(event=event, email=ADDRESS, name=NAME)
    services.cancel(registration=earlier)
    registration = RegistrationFactory(event=event, email=ADDRESS.lower(), name=NAME)
    elsewhere = RegistrationFactory(event=EventFactory(), email=ADDRESS, name=NAME)

    client.post(reverse("registrations:erase", args=[registration.token]))

    assert list(Registration.objects.all()) == [elsewhere]
    assert client.get(earlier.personal_path).status_code == 404


def test_erasure_of_a_cancelled_registration_gives_no_place_away(event):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    registration = RegistrationFactory(event=event, email=ADDRESS)
    services.cancel(registration=registration)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted")

    assert services.erase(registration=registration) == []

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED
    assert not Registration.objects.filter(email=ADDRESS).exists()


def test_registration_str_names_no_person(event):
    registration = RegistrationFactory(event=event, name=NAME, email=ADDRESS)

    assert str(registration) == f"Registration {registration.pk}"


def test_admin_history_names_no_person(organiser_client, event):
    registration = RegistrationFactory(event=event, name=NAME, email=ADDRESS)

    cancel_in_admin(organiser_client, registration, reason="Asked by phone")

    entry = LogEntry.objects.get()
    assert (entry.object_repr, entry.get_change_message()) == (
        f"Registration {registration.pk}",
        "Cancelled: Asked by phone",
    )


def test_lost_link_task_is_given_a_short_lived_row_not_the_address(client, event, run_worker):
    RegistrationFactory(event=event, email=ADDRESS)

    client.post(reverse("registrations:lost_link"), {"email": ADDRESS})

    request = LinkRequest.objects.get()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [request.pk], "kwargs": {}}
    run_worker()
    assert LinkRequest.objects.count() == 0
    assert OutboundEmail.objects.get().kind == "personal_links"


def test_lost_link_request_for_unknown_address_leaves_no_row(client, run_worker, mailoutbox):
    client.post(reverse("registrations:lost_link"), {"email": ADDRESS})
    run_worker()

    assert (LinkRequest.objects.count(), OutboundEmail.objects.count(), mailoutbox) == (0, 0, [])


class RecipientRefusedBackend(EmailBackend):
    """A mail server that refuses the recipient, naming the address as servers do."""

    def send_messages(self, messages):
        refused = {parseaddr(to)[1]: (550, b"5.1.1 No such user") for m in messages for to in m.to}
        raise smtplib.SMTPRecipientsRefused(refused)


def test_email_given_up_logs_no_address_or_name(event, run_worker, settings, log_output):
    settings.EMAIL_BACKEND = "tests.security.test_erasure.RecipientRefusedBackend"
    services.register(event=event, name=NAME, email=ADDRESS)
    OutboundEmail.objects.update(attempts=len(RETRY_DELAYS))

    run_worker()

    email = OutboundEmail.objects.get()
    logged = log_output.getvalue()
    assert email.status == OutboundEmail.Delivery.FAILED
    assert f"Gave up sending email {email.pk}" in logged
    assert "ada.lovelace" not in logged.lower()
    assert "lovelace" not in logged.lower()
    assert email.last_error == (
        "SMTPRecipientsRefused: {'[recipient]': (550, b'5.1.1 No such user')}"
    )


def test_personal_link_in_a_refused_request_path_not_logged(client, event, log_output):
    registration = RegistrationFactory(event=event)
    csrf_client = Client(enforce_csrf_checks=True)

    response = csrf_client.post(registration.personal_path, {"name": "Ada"})

    assert response.status_code == 403
    logged = log_output.getvalue()
    assert "Forbidden (CSRF cookie not set.): /registration/[redacted]/" in logged
    assert registration.token not in logged
