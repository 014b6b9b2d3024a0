import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from registrations.models import Registration
from tests.factories import RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


def test_organiser_searches_checks_in_and_undoes_on_a_phone(
    live_server, page, event, organiser_user, axe_violations
):
    RegistrationFactory(event=event, name="Ada Lovelace", organisation="Analytical Engines")
    RegistrationFactory(event=event, name="Charles Babbage", organisation="Difference Engines")
    RegistrationFactory(event=event, name="Grace Hopper", organisation="Navy")
    log_in(page, live_server, organiser_user)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/checkin/")
    expect(page.locator(".checkin-counts")).to_have_text("0 / 3 checked in")
    assert axe_violations(page) == []

    # Typing filters the list without submitting the search form.
    page.get_by_label("Find by name, email or organisation").press_sequentially("engines")
    expect(page.locator("#checkin-results li")).to_have_count(2)
    expect(page).to_have_url(f"{live_server.url}/admin/events/event/{event.pk}/checkin/?q=engines")

    page.get_by_role("button", name="Check in Ada Lovelace").click()
    expect(page.get_by_text("Ada Lovelace is checked in.")).to_be_visible()
    expect(page.locator(".checkin-counts")).to_have_text("1 / 3 checked in")
    expect(page.locator("#checkin-results li")).to_have_count(2)
    undo = page.get_by_role("button", name="Undo check-in of Ada Lovelace")
    expect(undo).to_be_focused()
    assert Registration.objects.get(name="Ada Lovelace").checked_in_at is not None
    assert axe_violations(page) == []

    undo.click()
    expect(page.get_by_text("Ada Lovelace: check-in undone.")).to_be_visible()
    expect(page.locator(".checkin-counts")).to_have_text("0 / 3 checked in")
    assert Registration.objects.get(name="Ada Lovelace").checked_in_at is None


def test_organiser_checks_in_without_javascript(live_server, browser, event, organiser_user):
    RegistrationFactory(event=event, name="Ada Lovelace")
    RegistrationFactory(event=event, name="Grace Hopper")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, organiser_user)

    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/checkin/")
    page.get_by_label("Find by name, email or organisation").fill("grace")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#checkin-results li")).to_have_count(1)
    page.get_by_role("button", name="Check in Grace Hopper").click()

    expect(page.get_by_text("Grace Hopper is checked in.")).to_be_visible()
    expect(page.locator(".checkin-counts")).to_have_text("1 / 2 checked in")
    assert Registration.objects.get(name="Grace Hopper").checked_in_at is not None
    context.close()


def test_door_on_a_phone_waiting_list_search_and_walk_in(
    live_server, page, event, organiser_user, axe_violations
):
    event.capacity = 1
    event.save()
    RegistrationFactory(event=event, name="Ada Lovelace", email="ada@example.org")
    RegistrationFactory(
        event=event, name="José García", email="jose@example.org", status="waitlisted"
    )
    log_in(page, live_server, organiser_user)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/checkin/")

    # Someone on the waiting list is at the door: a place over capacity, asked for first.
    page.get_by_label("Find by name, email or organisation").press_sequentially("garcia")
    expect(page.locator("#checkin-results li")).to_have_count(1)
    expect(page.get_by_role("button", name="Check in José García")).to_have_count(0)
    page.get_by_role("button", name="Give a place to José García").click()
    expect(page.get_by_text("Give José García a place over capacity")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Give José García a place over capacity").click()
    expect(page.get_by_text("José García has a place and is checked in.")).to_be_visible()
    expect(page.locator(".checkin-counts")).to_have_text("1 / 2 checked in")

    # A walk-in who registered and forgot is found instead of refused.
    page.locator("#id_name").fill("Ada L.")
    page.locator("#id_email").fill("ADA@example.org")
    page.get_by_label("They agreed to the privacy notice.").check()
    page.get_by_role("button", name="Register and check in").click()
    expect(
        page.get_by_text(
            "Ada Lovelace is already registered with this address: check them in or give them "
            "a place below."
        )
    ).to_be_visible()
    page.get_by_role("button", name="Check in Ada Lovelace").click()
    expect(page.get_by_text("Ada Lovelace is checked in.")).to_be_visible()
    expect(page.locator(".checkin-counts")).to_have_text("2 / 2 checked in")

    # A walk-in nobody knows is registered and checked in.
    page.locator("#id_name").fill("Grace Hopper")
    page.locator("#id_email").fill("grace@example.org")
    page.get_by_label("They agreed to the privacy notice.").check()
    page.get_by_label("Let them in over capacity").check()
    page.get_by_role("button", name="Register and check in").click()
    expect(page.get_by_text("Grace Hopper is registered and checked in.")).to_be_visible()
    assert sorted(
        Registration.objects.filter(checked_in_at__isnull=False).values_list("name", flat=True)
    ) == ["Ada Lovelace", "Grace Hopper", "José García"]
