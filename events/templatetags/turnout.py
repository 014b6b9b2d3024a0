import json

import markdown as markdown_lib
import nh3
from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from events import calendar_links, times, venue_link

register = template.Library()

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


@register.filter
def markdown(text: str) -> str:
    """Render organiser-written Markdown to HTML that cannot run scripts or break the page."""
    html = markdown_lib.markdown(text or "", extensions=["extra", "sane_lists"])
    return mark_safe(  # noqa: S308 - nh3 removed everything outside the allow-list
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )


@register.filter
def isolated(text: str) -> str:
    """A person's name inside a sentence, in its own writing direction: an Arabic name in an
    English sentence (or the reverse) neither reorders the words around it nor is reordered."""
    return format_html('<span dir="auto">{}</span>', text)


@register.filter
def zone_label(moment, zone: str) -> str:
    """``moment`` in ``zone`` as "Spanish time (CEST)": never an IANA ID alone."""
    return times.zone_label(moment, zone)


@register.filter
def event_time(event) -> str:
    """When ``event`` happens, in its own timezone, in words."""
    return times.event_time(event)


@register.filter
def zone_name(zone: str) -> str:
    """ "Europe/Madrid" as "Spanish time"."""
    return times.zone_name(zone)


# As Django's json_script: no "</script>", "<!--" or "&" can end the block or change its text.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data: dict) -> str:
    """``data`` in a ``<script type="application/ld+json">`` block, organisers' text escaped.
    A data block is never run, so the Content-Security-Policy, which runs no inline script,
    lets search engines and link previews read it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped just above
    )


@register.inclusion_tag("includes/add_to_calendar.html")
def add_to_calendar(event, ics_url: str, ics_label: str = ""):
    """Google, Outlook and an .ics file: whichever calendar the visitor uses."""
    return {"links": calendar_links.links(event), "ics_url": ics_url, "ics_label": ics_label}


@register.inclusion_tag("includes/add_reminder.html")
def add_reminder(event):
    """Calendar links that remind the visitor when registration opens."""
    return {"links": calendar_links.reminder(event)}


@register.filter
def is_map(url: str) -> bool:
    """Whether the venue's link is a map rather than the venue's website."""
    return venue_link.is_map(url)


@register.filter
def lang_of(event, field: str) -> str:
    """` lang="…"` for an event's text shown in another language than the page's (its main
    language, where no translation was given), so screen readers pronounce it right; else "".
    """
    language = getattr(event, "text_languages", {}).get(field, "")
    return format_html(' lang="{}"', language) if language else ""


@register.filter
def marked(event, field: str) -> str:
    """The event's ``field`` for a sentence in the page's language: inside
    `<span lang="…">` when it is written in another language, where ``lang_of`` has no
    element of its own to go on; else the text as it is (escaped as any other)."""
    text = getattr(event, field)
    language = getattr(event, "text_languages", {}).get(field, "")
    return format_html('<span lang="{}">{}</span>', language, text) if language else text


@register.simple_tag
def language_names() -> list[tuple[str, str]]:
    """The site's languages, each named in its own language, as a switcher shows them:
    Django's ``get_available_languages`` would translate the names into the page's."""
    return settings.LANGUAGES
