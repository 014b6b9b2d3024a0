"""An event's title inside a sentence of another language is marked with the language it is
written in, as it is where it stands alone, so screen readers pronounce it right."""

import pytest

from registrations import emails, services
from registrations.models import OutboundEmail
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_only(organiser):
    return EventFactory(organiser=organiser, title="Data and democracy", venue_name="Friends House")


def test_title_in_a_basque_email_sentence_is_marked_english(english_only):
    services.register(event=english_only, name="Ane", email="ane@example.org", language="eu")
    email = OutboundEmail.objects.get()
    emails.compose(email)

    assert '<strong><span lang="en">Data and democracy</span></strong>' in email.body_html
    assert "Data and democracy" in email.body_text
    assert 'lang="en"' not in email.body_text


def test_title_in_an_english_email_sentence_is_not_marked(english_only):
    services.register(event=english_only, name="Ada", email="ada@example.org", language="en")
    email = OutboundEmail.objects.get()
    emails.compose(email)

    assert "<strong>Data and democracy</strong>" in email.body_html


def test_title_in_the_basque_success_page_sentence_is_marked_english(client, english_only):
    registration = services.register(
        event=english_only, name="Ane", email="ane@example.org", language="eu"
    )

    html = client.get(
        f"/registration/{registration.token}/registered/", HTTP_ACCEPT_LANGUAGE="eu"
    ).content.decode()

    assert '<strong><span lang="en">Data and democracy</span></strong>' in html


def test_title_with_markup_characters_stays_escaped(client, organiser):
    event = EventFactory(organiser=organiser, title="Data <b>&</b> democracy")
    registration = services.register(event=event, name="Ane", email="ane@example.org")

    html = client.get(
        f"/registration/{registration.token}/registered/", HTTP_ACCEPT_LANGUAGE="eu"
    ).content.decode()

    assert '<span lang="en">Data &lt;b&gt;&amp;&lt;/b&gt; democracy</span>' in html
