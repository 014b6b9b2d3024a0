"""Signing in to the admin: password guessing is stopped, and two-factor sign-in is offered."""

import io
import re
from base64 import b32encode
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from events.models import Event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
SETUP = "/admin/two-factor/"
PASSWORD = "correct horse battery staple"
GUESSER = "203.0.113.7"
ORGANISER = "198.51.100.20"
LOCKOUT_TEXT = (
    "There were too many failed sign-in attempts from your network address, so signing in "
    "from it is paused for 1 hour."
)


@pytest.fixture
def staff():
    user = UserFactory(username="olivia", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, password=PASSWORD, address=ORGANISER, code=None, **headers):
    data = {"username": "olivia", "password": password, "next": "/admin/"}
    if code is not None:
        data["otp_token"] = code
    return client.post(LOGIN, data, REMOTE_ADDR=address, **headers)


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


# Password guessing


def test_admin_login_refuses_the_right_password_after_many_wrong_ones(client, staff):
    for _attempt in range(100):
        sign_in(client, password="wrong guess", address=GUESSER)

    response = sign_in(client, address=GUESSER)

    assert response.status_code == 429
    assert LOCKOUT_TEXT in " ".join(response.content.decode().split())
    assert not signed_in(client)


def test_admin_login_lockout_is_of_the_guessing_address_only(client, staff):
    for _attempt in range(10):
        sign_in(client, password="wrong guess", address=GUESSER)

    response = sign_in(client, address=ORGANISER)

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert signed_in(client)


def test_admin_login_lockout_kept_in_the_database_for_every_process(client, staff):
    for _attempt in range(10):
        sign_in(client, password="wrong guess", address=GUESSER)

    attempts = list(AccessAttempt.objects.values_list("ip_address", "failures_since_start"))

    assert attempts == [(GUESSER, 10)]


def test_admin_login_a_few_typing_mistakes_do_not_lock_out(client, staff):
    for _attempt in range(9):
        sign_in(client, password="wrong guess", address=ORGANISER)

    response = sign_in(client, address=ORGANISER)

    assert response.status_code == 302
    assert signed_in(client)


def test_admin_login_lockout_counts_the_address_the_proxy_saw(client, staff, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    for _attempt in range(10):
        # What the client wrote itself, before the proxy's own entry, is not trusted.
        sign_in(
            client,
            password="wrong guess",
            address="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"{ORGANISER}, {GUESSER}",
        )

    refused = sign_in(client, address="10.0.0.1", HTTP_X_FORWARDED_FOR=GUESSER)
    accepted = sign_in(client, address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{GUESSER}, {ORGANISER}")

    assert (refused.status_code, accepted.status_code) == (429, 302)


def test_admin_login_wrong_password_says_what_is_wrong(client, staff):
    response = sign_in(client, password="wrong guess")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This username and password do not match an account. Both are case-sensitive. "
        "New colleagues choose their password from the link in their invitation first."
    ]


def test_admin_login_unknown_username_is_answered_as_a_wrong_password(client, staff):
    response = client.post(LOGIN, {"username": "nobody", "password": PASSWORD})

    assert response.context["form"].non_field_errors() == [
        "This username and password do not match an account. Both are case-sensitive. "
        "New colleagues choose their password from the link in their invitation first."
    ]


def test_admin_login_right_password_of_no_member_says_to_ask_for_an_invitation(client, staff):
    staff.is_staff = False
    staff.save()

    response = sign_in(client)

    assert response.context["form"].non_field_errors() == [
        "Your password is right, but your account is not a member of any organisation. "
        "Ask a manager of your organisation to invite you."
    ]
    assert not signed_in(client)


# Two-factor sign-in


@pytest.fixture
def device(staff):
    return TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)


def test_admin_login_with_a_device_asks_for_the_code(client, device):
    response = sign_in(client)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "otp_token": [
            "You set up two-factor sign-in: enter the 6-digit code that your authenticator "
            "app shows now."
        ]
    }
    assert not signed_in(client)


def test_admin_login_with_a_wrong_code_says_so(client, device):
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = sign_in(client, code=wrong)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "otp_token": [
            "This code is not the one your authenticator app shows now. Check that the "
            "phone's clock is right, wait for the next code and try again."
        ]
    }
    assert not signed_in(client)
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_admin_login_with_the_code_opens_the_admin(client, device):
    response = sign_in(client, code=code_for(device))

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_admin_without_the_code_in_this_session_asks_to_sign_in_again(client, device):
    client.force_login(device.user)

    response = client.get("/admin/")

    assert (response.status_code, response["Location"]) == (302, "/admin/login/?next=/admin/")


def test_admin_login_without_a_device_needs_no_code(client, staff):
    response = sign_in(client)

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_two_factor_setup_shows_a_qr_code_and_the_secret(client, staff):
    client.force_login(staff)

    response = client.get(SETUP)

    device = TOTPDevice.objects.get(user=staff)
    html = response.content.decode()
    assert response.status_code == 200
    assert device.confirmed is False
    assert '<svg width="' in html
    secret = b32encode(device.bin_key).decode()
    spaced = " ".join(re.findall(".{1,4}", secret))
    assert f"<code>{spaced}</code>" in html


def test_two_factor_setup_confirmed_with_a_first_code(client, staff):
    client.force_login(staff)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff)

    response = client.post(SETUP, {"otp_token": code_for(device)})

    device.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert device.confirmed is True
    assert client.get("/admin/").status_code == 200
    assert "Two-factor sign-in is on" in client.get(SETUP).content.decode()


def test_two_factor_setup_with_a_wrong_code_says_so(client, staff):
    client.force_login(staff)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post(SETUP, {"otp_token": wrong})

    device.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "otp_token": [
            "This code is not the one your authenticator app shows now. Check that the "
            "phone's clock is right, wait for the next code and try again."
        ]
    }
    assert device.confirmed is False


def test_two_factor_setup_needs_a_staff_sign_in(client):
    response = client.get(SETUP)

    assert (response.status_code, response["Location"]) == (302, f"{LOGIN}?next={SETUP}")


def test_superuser_without_a_device_sent_to_set_one_up_when_required(client, settings):
    settings.ADMIN_REQUIRE_2FA = True
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    pages = [client.get(url) for url in ("/admin/", "/admin/events/event/", "/admin/auth/user/")]

    assert [(page.status_code, page["Location"]) for page in pages] == [(302, SETUP)] * 3
    assert client.get(SETUP).status_code == 200


def test_superuser_without_a_device_not_sent_to_setup_unless_required(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get("/admin/").status_code == 200


def test_organiser_without_a_device_not_sent_to_setup_even_when_required(client, staff, settings):
    settings.ADMIN_REQUIRE_2FA = True
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200


def test_admin_offers_two_factor_setup(client, staff):
    client.force_login(staff)

    html = client.get("/admin/").content.decode()

    assert f'<a href="{SETUP}">Two-factor sign-in</a>' in html


# The demo's published login


def test_load_demo_refuses_its_published_login_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError) as refused:
        call_command("load_demo", stdout=io.StringIO())

    assert str(refused.value) == (
        "load_demo creates the login organiser / turnout-demo, whose password is published: "
        "it runs only with DEBUG=1, as `make run` sets, never on a site others can reach."
    )
    assert not User.objects.filter(username="organiser").exists()
    assert not Event.objects.exists()


# Sessions


def session_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_admin_session_ends_after_a_working_day_idle(client, staff):
    sign_in(client)

    expected = timezone.now() + timedelta(hours=8)
    assert abs(session_expiry(client) - expected) < timedelta(minutes=1)
    assert client.cookies["sessionid"]["max-age"] == 8 * 3600


def test_admin_session_expiry_moves_on_while_the_organiser_works(client, staff):
    sign_in(client)
    client.get("/admin/")
    session = client.session
    session["admin_active_at"] -= 600
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(hours=1)
    )

    assert client.get("/admin/").status_code == 200

    expected = timezone.now() + timedelta(hours=8)
    assert abs(session_expiry(client) - expected) < timedelta(minutes=1)


def test_public_pages_write_no_session_for_visitors(client, event):
    for url in ("/events/", f"/events/{event.slug}/", "/admin/login/", "/registration/lost/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies

    assert Session.objects.count() == 0
