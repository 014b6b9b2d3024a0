import pytest
from django.urls import reverse

from registrations import services
from tests.factories import EventFactory, RegistrationFactory

# The worker runs as in production, committing as it goes.
pytestmark = pytest.mark.django_db(transaction=True)

URL = "/registration/lost/"


def ask(client, email):
    return client.post(URL, {"email": email})


def test_lost_link_url_is_the_contract():
    assert reverse("registrations:lost_link") == URL


def test_lost_link_answers_identically_with_and_without_registration(client, event):
    RegistrationFactory(event=event, email="ada@example.org")

    known = ask(client, "ada@example.org")
    unknown = ask(client, "nobody@example.org")

    assert (known.status_code, known["Location"]) == (302, "/registration/lost/sent/")
    assert (unknown.status_code, unknown["Location"]) == (302, "/registration/lost/sent/")
    assert known.content == unknown.content
    assert client.get(known["Location"]).content == client.get(unknown["Location"]).content


def test_lost_link_emails_links_of_upcoming_registrations_only_to_that_address(
    client, event, run_worker, mailoutbox, settings
):
    settings.SITE_URL = "https://events.example.org"
    second_event = EventFactory(title="Second event")
    first = RegistrationFactory(event=event, name="Ada", email="ada@example.org")
    second = RegistrationFactory(event=second_event, name="Ada", email="ADA@example.org")
    RegistrationFactory(event=event, email="grace@example.org")

    ask(client, "Ada@Example.org")
    ask(client, "nobody@example.org")
    run_worker()

    (message,) = mailoutbox
    assert message.to == ["Ada <ada@example.org>"]
    assert message.subject == "Your registration links"
    assert f"https://events.example.org/registration/{first.token}/" in message.body
    assert f"https://events.example.org/registration/{second.token}/" in message.body
    assert "grace" not in message.body


def test_lost_link_rate_limited_per_address(client, event, run_worker, mailoutbox):
    RegistrationFactory(event=event, email="ada@example.org")

    responses = [ask(client, "ada@example.org") for _ in range(5)]
    run_worker()

    assert {response["Location"] for response in responses} == {"/registration/lost/sent/"}
    assert len(mailoutbox) == 3


def test_lost_link_invalid_address_refused_at_form(client):
    response = ask(client, "ada@example.org\r\nBcc: victim@example.org")

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "email": ["Enter an email address in the correct format, like name@example.org"]
    }


def test_duplicate_registration_error_links_to_lost_link_form(client, event):
    services.register(event=event, name="Ada", email="ada@example.org")

    response = client.post(
        f"/events/{event.slug}/register/",
        {"name": "Ada", "email": "ada@example.org", "privacy_consent": "on"},
    )

    assert '<a href="/registration/lost/">Lost your link?</a>' in response.content.decode()


def test_event_page_links_to_lost_link_form_and_calendar(client, event):
    page = client.get(event.get_absolute_url()).content.decode()

    assert '<a href="/registration/lost/">Lost your link?</a>' in page
    assert f'href="/events/{event.slug}.ics"' in page
