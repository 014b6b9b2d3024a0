"""A registration's confirmation, through the queue and ``db_worker``, to a real SMTP server."""

import email
import socket
from email import policy

import icalendar
import pytest
from aiosmtpd.controller import Controller

from registrations import services

pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    def __init__(self):
        self.envelopes = []

    # aiosmtpd calls the handler method by this name.
    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    yield inbox
    controller.stop()


def test_confirmation_reaches_smtp_server_through_db_worker(event, smtp_server, run_worker):
    registration = services.register(event=event, name="Zoë Ortiz", email="zoe@example.org")

    assert smtp_server.envelopes == []
    run_worker()

    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["zoe@example.org"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["To"] == "Zoë Ortiz <zoe@example.org>"
    assert message["Subject"] == f"Your place is confirmed: {event.title}"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"/registration/{registration.token}/" in text
    attachment, code = message.iter_attachments()
    assert code.get_content_type() == "image/png"
    assert code["Content-ID"] == "<checkin-code>"
    assert code.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'src="cid:checkin-code"' in message.get_body(preferencelist=("html",)).get_content()
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    assert str(calendar.events[0]["uid"]).startswith(f"{registration.calendar_uid}@")

    run_worker()
    assert len(smtp_server.envelopes) == 1
