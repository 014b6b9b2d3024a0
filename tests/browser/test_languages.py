import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "name", "register"),
    [("es", "Español", "Inscribirse"), ("eu", "Euskara", "Eman izena")],
)
def test_event_pages_in_spanish_and_basque_pass_axe(
    live_server, page, event, axe_violations, language, name, register
):
    # Only the title is given in this language: the summary shows in English, marked so.
    event.summary = "A morning on public participation."
    setattr(event, f"title_{language}", f"{event.title} ({language})")
    event.save()
    page.goto(f"{live_server.url}/events/{event.slug}/")

    page.get_by_role("button", name=name).click()

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{event.title} ({language})")
    expect(page.locator("p.lead")).to_have_attribute("lang", "en")
    assert axe_violations(page) == []

    page.get_by_role("link", name=register).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/events/")
    assert axe_violations(page) == []
