from pathlib import Path

from django.conf import settings

from registrations.plain_text import from_html


def test_plain_text_keeps_paragraphs_lines_links_and_signature():
    html = (
        "<!doctype html><html><head><title>Title</title><style>p { color: red }</style></head>"
        "<body><main><p>Hello   Ada,\n</p>\n<div><p><strong>When:</strong> today<br>\n"
        '<a href="https://maps.example.org/1">Map</a><br>'
        '<a href="[[personal-link:3]]">[[personal-link:3]]</a></p></div>'
        "<ul><li>One</li><li>Two</li></ul><hr><footer><p>Turnout<br>Questions?</p></footer>"
        "</main></body></html>"
    )

    assert from_html(html) == (
        "Hello Ada,\n\nWhen: today\nMap: https://maps.example.org/1\n[[personal-link:3]]\n\n"
        "One\n\nTwo\n\n-- \nTurnout\nQuestions?\n"
    )


def test_plain_text_of_escaped_markup_is_the_text_itself():
    assert from_html("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>") == (
        "<script>alert(1)</script> & more\n"
    )


def test_email_templates_have_no_inline_style_or_script():
    templates = sorted((Path(settings.BASE_DIR) / "templates" / "emails").rglob("*.html"))
    offending = [
        path.name
        for path in templates
        if "style=" in path.read_text() or "<script" in path.read_text()
    ]

    assert (len(templates), offending) == (17, [])
