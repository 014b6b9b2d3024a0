"""The language of the calendar files, feeds and JSON documents: the reader's, as for pages.

Calendar programs and websites fetch these without the visitor's page around them, so the
language may be asked for in the address (``?lang=es``); otherwise it is the language the
pages would be shown in (the switcher's choice, else the browser's, else the site's). Each
event's words are then its translation in that language where the organisers gave one, and
its main words otherwise (``Event.in_language``).
"""

from functools import wraps

from django.conf import settings
from django.utils import translation


def requested_language(request) -> str:
    """``?lang=`` when it names one of the site's languages, else the page language."""
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    return translation.get_language() or settings.LANGUAGE_CODE


def in_requested_language(view):
    """Run ``view`` in the requested language and say which it is (Content-Language)."""

    @wraps(view)
    def answer(request, *args, **kwargs):
        language = requested_language(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response["Content-Language"] = language
        return response

    return answer
