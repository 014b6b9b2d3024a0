import markdown as markdown_lib
import nh3
from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
def lang_of(event, field: str) -> str:
    """` lang="…"` for an event's text shown in another language than the page's (its main
    language, where no translation was given), so screen readers pronounce it right; else "".
    """
    language = getattr(event, "text_languages", {}).get(field, "")
    return format_html(' lang="{}"', language) if language else ""


@register.simple_tag
def language_names() -> list[tuple[str, str]]:
    """The site's languages, each named in its own language, as a switcher shows them:
    Django's ``get_available_languages`` would translate the names into the page's."""
    return settings.LANGUAGES
