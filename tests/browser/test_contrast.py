"""WCAG 2.2 contrast that axe does not measure: borders of controls and focus indicators
(1.4.11, at least 3:1 against what surrounds them) and link text (1.4.3, at least 4.5:1)."""

import pytest

from tests.factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Relative luminance and contrast ratio as WCAG defines them, for colours the browser computed.
CONTRAST = """
(() => {
  const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = (colour) => {
    const [r, g, b] = rgb(colour).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  window.contrast = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return Math.round(((x + 0.05) / (y + 0.05)) * 100) / 100;
  };
  window.background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return colour;
    }
    return "rgb(255, 255, 255)";
  };
})()
"""

BORDERS = """
(selector) => [...document.querySelectorAll(selector)].map((element) => {
  const style = getComputedStyle(element);
  const around = window.background(element.parentElement);
  return [element.name || element.id, window.contrast(style.borderTopColor, around)];
})
"""

FOCUS = """
(element) => {
  const style = getComputedStyle(element);
  const around = window.background(element.parentElement);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
    ? window.contrast(style.outlineColor, around) : 0;
  // A focus ring drawn as a solid box-shadow: its first colour.
  const shadow = style.boxShadow.match(/rgba?\\([^)]*\\)/);
  const ring = shadow && !/rgba\\([^)]*,\\s*0?\\.\\d+\\)/.test(shadow[0])
    ? window.contrast(shadow[0], around) : 0;
  return Math.max(outline, ring);
}
"""

LINKS = """
() => [...document.querySelectorAll("a")].filter((a) => a.offsetParent !== null).map((a) => {
  const style = getComputedStyle(a);
  return [a.textContent.trim().slice(0, 40), window.contrast(style.color, window.background(a))];
})
"""


def test_form_controls_and_focus_rings_have_three_to_one_contrast(live_server, page, event):
    QuestionFactory(event=event, label="Which sessions?", kind="checkboxes", options="A\nB")
    QuestionFactory(event=event, label="Which room?", kind="select", options="A\nB")
    page.goto(f"{live_server.url}/events/{event.slug}/register/")
    page.evaluate(CONTRAST)

    borders = page.evaluate(
        BORDERS, "input:not([type=hidden]):not(.honeypot input), select, textarea"
    )
    low = [(name, ratio) for name, ratio in borders if ratio < 3]
    assert low == []

    focus = {}
    for control in page.locator(
        "input:visible, select:visible, textarea:visible, button:visible"
    ).all():
        control.focus()
        name = control.get_attribute("name") or control.inner_text()
        focus[name] = control.evaluate(FOCUS)
    assert [name for name, ratio in focus.items() if ratio < 3] == []


def test_links_have_four_and_a_half_to_one_contrast(live_server, page, event):
    for path in ("/events/", f"/events/{event.slug}/", f"/events/{event.slug}/register/"):
        page.goto(f"{live_server.url}{path}")
        page.evaluate(CONTRAST)
        assert [(text, ratio) for text, ratio in page.evaluate(LINKS) if ratio < 4.5] == []
