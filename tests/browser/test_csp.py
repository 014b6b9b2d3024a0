"""Every page works under the Content-Security-Policy: nothing inline, nothing refused."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import RegistrationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICY = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
PERMISSIONS = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
PASSWORD = "correct horse battery staple"

# Reports every refusal of the policy to the test, before any of the page's own code runs.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


class Watch:
    """What the browser refused or complained about, and each page's policy headers."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        self.headers = {}
        self.visited = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self._response)

    def _console(self, message):
        # A form sent back with mistakes answers 400, an unknown page 404: not the policy's doing.
        expected = ("404 (Not Found)", "400 (Bad Request)")
        if message.type == "error" and not any(status in message.text for status in expected):
            self.problems.append(f"console: {message.text} on {self.page.url}")

    def _response(self, response):
        if response.request.resource_type == "document":
            policy = response.headers.get("content-security-policy") or ""
            directives = dict(
                (name, values) for name, *values in (part.split() for part in policy.split(";"))
            )
            self.headers[response.url] = (directives, response.headers.get("permissions-policy"))

    def policies(self) -> list:
        """The policies of every page opened, having checked that each page opened was seen."""
        assert set(self.visited) <= set(self.headers)
        return list(self.headers.values())

    def check(self):
        """Collect the violations of the page now open."""
        violations = self.page.evaluate("window.__violations || []")
        self.problems.extend(f"{self.page.url}: {violation}" for violation in violations)


def visit(page, watch, url):
    watch.visited.append(url)
    response = page.goto(url)
    watch.check()
    return response


def test_public_pages_work_under_the_content_security_policy(live_server, page, event):
    watch = Watch(page)
    base = live_server.url

    visit(page, watch, f"{base}/events/")
    visit(page, watch, f"{base}/events/{event.slug}/")
    visit(page, watch, f"{base}/events/{event.slug}/register/")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("alert")).to_contain_text("Please agree to the privacy notice")
    watch.check()
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label(re.compile("I agree that my details")).check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    watch.check()
    registration = event.registrations.get()
    personal = f"{base}{registration.personal_path}"
    visit(page, watch, personal)
    expect(page.locator(".checkin-qr svg")).to_be_visible()
    visit(page, watch, f"{personal}cancel/")
    visit(page, watch, f"{personal}delete/")
    visit(page, watch, f"{base}/registration/lost/")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_role("button", name="Email me my links").click()
    expect(page).to_have_url(f"{base}/registration/lost/sent/")
    watch.check()
    visit(page, watch, f"{base}/privacy/")
    assert visit(page, watch, f"{base}/events/no-such-event/").status == 404

    assert watch.problems == []
    assert watch.policies() == [(POLICY, PERMISSIONS)] * len(watch.headers)


def test_admin_pages_work_under_the_content_security_policy(
    live_server, page, event, organiser_user
):
    organiser_user.set_password(PASSWORD)
    organiser_user.save()
    event.capacity = 10
    event.save()
    people = [
        RegistrationFactory(event=event, name=name, dietary_requirements="Vegetarian")
        for name in ("Ada Lovelace", "Grace Hopper", "Charles Babbage")
    ]
    people[0].__class__.objects.filter(pk=people[0].pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    watch = Watch(page)
    base = f"{live_server.url}/admin"
    event_admin = f"{base}/events/event/{event.pk}"

    visit(page, watch, f"{base}/")
    page.get_by_label("Username").fill(organiser_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Events and registrations")).to_be_visible()
    watch.check()

    visit(page, watch, f"{event_admin}/change/")
    expect(page.get_by_label("Title:")).to_have_value(event.title)
    for page_url in ("export/", "sign-in-sheet/", "catering/", "dashboard/", "checkin/"):
        visit(page, watch, f"{event_admin}/{page_url}")
    expect(page.locator(".checkin-counts")).to_have_text("0 / 3 checked in")
    page.get_by_label("Find by name, email or organisation").press_sequentially("ada")
    expect(page.locator("#checkin-results li")).to_have_count(1)
    watch.check()
    visit(page, watch, f"{event_admin}/checkin/{people[0].pk}/")
    page.get_by_role("button", name="Check in Ada Lovelace").click()
    expect(page.get_by_text("Ada Lovelace is checked in.")).to_be_visible()
    watch.check()

    visit(page, watch, f"{event_admin}/message/")
    page.get_by_label("Subject").fill("Room change")
    page.get_by_label("Message").fill("We meet in room 2.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".message-preview")).to_contain_text("We meet in room 2.")
    watch.check()

    visit(page, watch, f"{base}/registrations/registration/?event__id__exact={event.pk}")
    visit(page, watch, f"{base}/registrations/registration/{people[1].pk}/change/")
    visit(page, watch, f"{live_server.url}/admin/two-factor/")
    expect(page.locator(".two-factor-qr svg")).to_be_visible()

    assert watch.problems == []
    assert watch.policies() == [(POLICY, PERMISSIONS)] * len(watch.headers)


def test_superuser_admin_pages_work_under_the_content_security_policy(live_server, page, event):
    """The pages only superusers see: users, organisers with memberships, the lockout page."""
    admin = UserFactory(username="root", is_superuser=True)
    admin.set_password(PASSWORD)
    admin.save()
    watch = Watch(page)
    base = f"{live_server.url}/admin"

    visit(page, watch, f"{base}/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Events and registrations")).to_be_visible()
    for path in (
        "/events/event/add/",
        f"/events/organiser/{event.organiser.pk}/change/",
        "/auth/user/",
        f"/auth/user/{admin.pk}/change/",
        "/otp_totp/totpdevice/",
    ):
        visit(page, watch, f"{base}{path}")

    assert watch.problems == []
    assert watch.policies() == [(POLICY, PERMISSIONS)] * len(watch.headers)
