"""Every page the public sees passes axe-core's WCAG 2.2 AA rules, in each of the site's
languages, on a phone and on a desktop screen.

The events and registrations the pages show are made once for the whole module and served by
a server of its own (see ``site``): each page of the matrix only loads and is checked, so the
matrix stays quick however many pages it has.
"""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import SuspiciousOperation
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test import RequestFactory
from django.utils import timezone, translation
from django.views import csrf, defaults
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from events.models import Event, Topic
from registrations.models import Registration
from tests.browser.conftest import WCAG_TAGS
from tests.factories import EventFactory, OrganiserFactory, RegistrationFactory

# Each test only reads what ``site`` made; the mark opens the test database to it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

LANGUAGES = ["en", "es", "eu"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}

# Each page: the address, built from what ``site`` made.
PAGES = {
    "event list": lambda site: "/events/",
    "event list of a topic": lambda site: "/events/?topic=open-data",
    "event open": lambda site: site.event("open"),
    "event full with waiting list": lambda site: site.event("waitlist"),
    "event full without waiting list": lambda site: site.event("full"),
    "event not yet open": lambda site: site.event("not-yet-open"),
    "event past": lambda site: site.event("past"),
    "event cancelled": lambda site: site.event("cancelled"),
    "event of another host": lambda site: site.event("listing"),
    "event online": lambda site: site.event("online"),
    "event hybrid": lambda site: site.event("hybrid"),
    "register form": lambda site: f"{site.event('open')}register/",
    "register form for the waiting list": lambda site: f"{site.event('waitlist')}register/",
    "register form of a full event": lambda site: f"{site.event('full')}register/",
    "register form of a hybrid event": lambda site: f"{site.event('hybrid')}register/",
    "register form confirming addresses": lambda site: f"{site.event('confirming')}register/",
    "check your email": lambda site: f"{site.event('confirming')}register/check-email/",
    "registered": lambda site: f"{site.personal('confirmed')}registered/",
    "registered on the waiting list": lambda site: f"{site.personal('waitlisted')}registered/",
    "registered online": lambda site: f"{site.personal('online')}registered/",
    "confirm address": lambda site: f"{site.personal('on-hold')}confirm/",
    "personal page confirmed": lambda site: site.personal("confirmed"),
    "personal page waitlisted": lambda site: site.personal("waitlisted"),
    "personal page cancelled": lambda site: site.personal("cancelled"),
    "personal page past event": lambda site: site.personal("past"),
    "personal page online": lambda site: site.personal("online"),
    "personal page hybrid": lambda site: site.personal("hybrid"),
    "cancel confirmation": lambda site: f"{site.personal('confirmed')}cancel/",
    "delete my data confirmation": lambda site: f"{site.personal('confirmed')}delete/",
    "lost link": lambda site: "/registration/lost/",
    "lost link sent": lambda site: "/registration/lost/sent/",
    "privacy notice": lambda site: "/privacy/",
    "page not found": lambda site: "/events/no-such-event/",
}


class Site:
    """The events and registrations of the matrix, and the server that shows them."""

    def __init__(self, server: LiveServer):
        self.server = server
        self.events: dict[str, Event] = {}
        self.registrations: dict[str, Registration] = {}

    def event(self, name: str) -> str:
        return self.events[name].get_absolute_url()

    def personal(self, name: str) -> str:
        return self.registrations[name].personal_path

    def make(self):
        now = timezone.now().replace(second=0, microsecond=0)
        organiser = OrganiserFactory(name="Connected by Data", slug="connected-by-data")
        topic = Topic.objects.create(name="Open data", slug="open-data")

        def event(name, **fields):
            fields.setdefault("title", f"Open Government and AI: {name.replace('-', ' ')}")
            fields.setdefault("summary", "A morning on public participation in AI procurement.")
            fields.setdefault(
                "description",
                "## What we will cover\n\nHow **governments** buy AI, and who has a say.",
            )
            fields.setdefault("venue_address", "Calle Ramón y Cajal 5, 01007 Vitoria-Gasteiz")
            self.events[name] = EventFactory(organiser=organiser, slug=name, **fields)
            self.events[name].topics.add(topic)
            return self.events[name]

        event("open", map_url="https://www.openstreetmap.org/")
        event("waitlist", capacity=1)
        event("full", capacity=1, waitlist_enabled=False)
        event("not-yet-open", registration_opens_at=now + timedelta(days=3))
        past = event(
            "past", starts_at=now - timedelta(days=7), ends_at=now - timedelta(days=7, hours=-2)
        )
        event("cancelled", status=Event.Status.CANCELLED)
        event(
            "listing",
            kind=Event.Kind.LISTING,
            website_url="https://www.rightscon.org/",
            capacity=None,
        )
        online = event(
            "online",
            attendance_mode=Event.AttendanceMode.ONLINE,
            venue_name="",
            venue_address="",
            join_url="https://meet.example.org/open-government",
        )
        event(
            "hybrid",
            attendance_mode=Event.AttendanceMode.HYBRID,
            join_url="https://meet.example.org/open-government",
        )
        confirming = event("confirming", confirm_email_addresses=True)

        def registration(name, **fields):
            fields.setdefault("event", self.events["open"])
            self.registrations[name] = RegistrationFactory(name="Ada Lovelace", **fields)

        registration("confirmed")
        RegistrationFactory(event=self.events["waitlist"])
        RegistrationFactory(event=self.events["full"])
        registration(
            "waitlisted", event=self.events["waitlist"], status=Registration.Status.WAITLISTED
        )
        registration(
            "cancelled",
            status=Registration.Status.CANCELLED,
            cancelled_at=now,
            email="ada.cancelled@example.org",
        )
        registration("past", event=past)
        registration("online", event=online, attendance=Registration.Attendance.ONLINE)
        registration(
            "hybrid", event=self.events["hybrid"], attendance=Registration.Attendance.ONLINE
        )
        registration("on-hold", event=confirming, hold_expires_at=now + timedelta(minutes=30))


class ServerWaitingForItsRequests(ThreadedWSGIServer):
    """Stops only when the threads of its last requests (kept open by the browser) are done:
    none of them is left to close a database connection after the server is gone."""

    daemon_threads = False


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The matrix's data, made once and kept (committed) while the module's pages load, then
    flushed as a transactional test's data would be."""
    with django_db_blocker.unblock():
        server = LiveServer("localhost", start=False)
        server.thread.server_class = ServerWaitingForItsRequests
        server.start()
        site = Site(server)
        try:
            site.make()
            yield site
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            # As a transactional test does: a connection kept open would keep the test
            # database from being dropped at the end of the run.
            connections.close_all()


@pytest.fixture(scope="module")
def tab(browser, site, axe_source):
    """One browser tab for the whole matrix, closed before the server stops. axe-core comes
    with every page it loads, as the page is created: not evaluated again after each load."""
    context = browser.new_context()
    context.add_init_script(axe_source)
    yield context.new_page()
    context.close()


def open_in(tab, site, language: str, path: str):
    tab.context.add_cookies(
        [{"name": "django_language", "value": language, "url": site.server.url}]
    )
    tab.set_viewport_size(VIEWPORTS["phone"])
    tab.goto(f"{site.server.url}{path}")
    expect(tab.locator("html")).to_have_attribute("lang", language)


def assert_no_violations_at_each_size(tab, axe_violations):
    """Check the page on a phone, then on a desktop screen (resized, not loaded again), and
    list every violation at each size, one a line, if there is any."""
    found = []
    for name, size in VIEWPORTS.items():
        tab.set_viewport_size(size)
        found += [f"{name}: {violation}" for violation in axe_violations(tab, tags=WCAG_TAGS)]
    assert not found, f"{tab.url}\n" + "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_violations(site, tab, axe_violations, name, language):
    open_in(tab, site, language, PAGES[name](site))

    assert_no_violations_at_each_size(tab, axe_violations)


# The forms sent with mistakes: the address of the form and what is typed where.
FORMS_WITH_ERRORS = {
    "register form with errors": (lambda site: f"{site.event('open')}register/", "not-an-email"),
    "lost link with errors": (lambda site: "/registration/lost/", "not-an-email"),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", FORMS_WITH_ERRORS)
def test_form_with_errors_has_no_wcag_violations(site, tab, axe_violations, name, language):
    path, email = FORMS_WITH_ERRORS[name]
    open_in(tab, site, language, path(site))

    tab.locator("#id_email").fill(email)
    tab.locator("main form[method=post] button[type=submit]").last.click()

    expect(tab.get_by_role("alert")).to_be_focused()
    assert_no_violations_at_each_size(tab, axe_violations)


# The error pages no address of the site shows on purpose: each is written by the view that
# answers such an error, then served at an address of the module's server, so that its style
# sheets load as they would.
ERROR_PAGES = {
    "bad request": (400, lambda request: defaults.bad_request(request, SuspiciousOperation())),
    "form sent without its security token": (403, csrf.csrf_failure),
    "server error": (500, defaults.server_error),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ERROR_PAGES)
def test_error_page_has_no_wcag_violations(site, tab, axe_violations, name, language):
    status, view = ERROR_PAGES[name]
    request = RequestFactory().get("/events/")
    request.user = AnonymousUser()
    with translation.override(language):
        request.LANGUAGE_CODE = language
        response = view(request)
    assert response.status_code == status
    path = f"/events/answered-with-{status}/"
    tab.route(
        f"{site.server.url}{path}",
        lambda route: route.fulfill(
            status=status, body=response.content, content_type=response["Content-Type"]
        ),
    )
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.DOTALL)[1]
    try:
        open_in(tab, site, language, path)
        expect(tab).to_have_title(html.unescape(title).strip())

        assert_no_violations_at_each_size(tab, axe_violations)
    finally:
        tab.unroute(f"{site.server.url}{path}")
