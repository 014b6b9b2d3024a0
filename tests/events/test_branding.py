"""The organisation's own brand heads every public page and signs every email."""

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import branding
from registrations import services
from tests.factories import EventFactory, OrganiserFactory

pytestmark = pytest.mark.django_db

LOGO = "https://cdn.example.org/logo.svg"


@pytest.fixture
def brand(settings):
    settings.ORGANISATION_NAME = "Example Institute"
    settings.ORGANISATION_LOGO_URL = LOGO
    settings.ORGANISATION_WEBSITE = "https://example.org/"
    settings.ORGANISATION_FAVICON_URL = "https://cdn.example.org/favicon.png"
    settings.ORGANISATION_COLOUR = "#1a5276"
    return settings


def test_colour_accepts_only_rrggbb():
    assert branding.colour("ORGANISATION_COLOUR", " #1A5276 ") == "#1a5276"
    assert branding.colour("ORGANISATION_COLOUR", "") == ""
    for value in ["red", "#fff", "#1a5276; } body { display: none", "url(x)"]:
        with pytest.raises(ImproperlyConfigured):
            branding.colour("ORGANISATION_COLOUR", value)


def test_web_address_refuses_scripts_and_quotes():
    assert branding.web_address("X", "https://example.org/") == "https://example.org/"
    for value in ["javascript:alert(1)", "example.org", 'https://example.org/"onload="x']:
        with pytest.raises(ImproperlyConfigured):
            branding.web_address("X", value)


def test_readable_text_on_dark_and_light_colours():
    assert branding.readable_text_on("#1a5276") == "#ffffff"
    assert branding.readable_text_on("#f4d03f") == "#000000"


def test_settings_allow_logo_images_in_the_content_security_policy():
    script = (
        "import json; from config import settings; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    env = {**os.environ, "DEBUG": "1", "ORGANISATION_LOGO_URL": LOGO}
    output = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(output) == ["'self'", "data:", "https://cdn.example.org"]


def test_settings_refuse_a_colour_that_is_not_one():
    env = {**os.environ, "DEBUG": "1", "ORGANISATION_COLOUR": "#000; } *{x:y"}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "ORGANISATION_COLOUR must be a colour written #rrggbb" in result.stderr


def test_public_page_headed_by_the_organisation(client, brand):
    page = client.get("/events/").content.decode()
    assert (
        '<a href="https://example.org/" rel="noopener"><img class="site-logo" '
        f'src="{LOGO}" alt="Example Institute" height="40"></a>'
    ) in page
    assert '<link rel="stylesheet" href="/brand.css">' in page
    assert '<link rel="icon" href="https://cdn.example.org/favicon.png">' in page
    assert "<title>Events · Example Institute</title>" in page
    assert page.count("Turnout") == 1
    assert "Powered by Turnout" in page


def test_brand_css_sets_the_colour_as_a_custom_property(client, brand):
    response = client.get("/brand.css")
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response.content.decode().splitlines()[0] == (
        ":root { --brand: #1a5276; --brand-text: #ffffff; }"
    )


def test_brand_css_empty_without_a_colour(client, settings):
    settings.ORGANISATION_COLOUR = ""
    assert client.get("/brand.css").content == b""


# The worker runs as in production, committing as it goes.
@pytest.mark.django_db(transaction=True)
def test_email_from_and_signed_by_the_organising_organisation(settings, run_worker, mailoutbox):
    settings.DEFAULT_FROM_EMAIL = "Turnout <events@example.org>"
    organiser = OrganiserFactory(name="Open Data Institute", website="https://odi.example/")
    event = EventFactory(organiser=organiser)
    services.register(event=event, name="Ada Lovelace", email="ada@example.org")
    run_worker()
    [message] = mailoutbox
    assert message.from_email == "Open Data Institute <events@example.org>"
    assert "-- \nOpen Data Institute\nhttps://odi.example/\n" in message.body
    assert "Turnout" not in message.body
