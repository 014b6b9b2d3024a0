import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from events.models import Topic
from tests.factories import EventFactory, RegistrationFactory, register_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SNIPPET = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Open Government and AI · Connected by Data</title></head>
<body>
  <main>
    <h1>Open Government and AI</h1>
    <p data-turnout-event="{turnout}/events/{slug}/">
      <a href="{turnout}/events/{slug}/">Details and registration</a>
    </p>
    <script src="{turnout}/static/embed.js" defer></script>
  </main>
</body>
</html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def website(tmp_path, live_server, event):
    """The organisation's website: a static page on another origin that embeds the status."""
    (tmp_path / "index.html").write_text(
        SNIPPET.format(turnout=live_server.url, slug=event.slug), encoding="utf-8"
    )
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_embed_on_another_site_shows_places_left_and_register_link(
    page, website, live_server, event
):
    RegistrationFactory.create_batch(3, event=event)
    assert not website.startswith(live_server.url)

    page.goto(website)

    expect(page.locator(".turnout-status")).to_have_text("17 places left")
    register = page.get_by_role("link", name="Register", exact=True)
    expect(register).to_have_attribute("href", f"{live_server.url}/events/{event.slug}/register/")
    register.click()
    expect(page).to_have_url(f"{live_server.url}/events/{event.slug}/register/")
    expect(page.get_by_label("Email address")).to_be_visible()


def test_embed_without_javascript_is_a_plain_link(browser, website, live_server, event):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(website)

        link = page.get_by_role("link", name="Details and registration")
        expect(link).to_have_attribute("href", f"{live_server.url}/events/{event.slug}/")
        expect(page.locator(".turnout-status")).to_have_count(0)
    finally:
        context.close()


def test_topic_filter_by_keyboard_and_accessible(page, live_server, event, axe_violations):
    topic = Topic.objects.create(name="Public sector", slug="public-sector")
    event.topics.add(topic)
    EventFactory(title="Patient data roundtable")

    page.goto(f"{live_server.url}/events/")
    page.get_by_role("link", name="Public sector").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/events/?topic=public-sector")
    expect(page.get_by_role("heading", level=1)).to_have_text("Events on Public sector")
    expect(page.get_by_role("link", name=event.title)).to_be_visible()
    expect(page.get_by_role("link", name="Patient data roundtable")).to_have_count(0)
    assert axe_violations(page) == []


def test_embed_of_a_hybrid_event_says_the_places_of_each_mode(page, website, event):
    type(event).objects.filter(pk=event.pk).update(
        attendance_mode="hybrid", capacity=2, online_capacity=10
    )
    event.refresh_from_db()
    register_people(event, 2)
    register_people(event, 3, attendance="online", prefix="o")

    page.goto(website)

    expect(page.locator(".turnout-status")).to_have_text(
        "In person: Full – waiting list open · Online: 7 places left"
    )
    expect(page.get_by_role("link", name="Register", exact=True)).to_be_visible()
