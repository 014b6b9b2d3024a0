"""An event's own words (title, summary, description, venue name) in each of the site's
languages.

Plain fields, one per language, beside the main ones: the main fields hold the text in the
event's ``main_language``, as they always have (the importer, feeds and admin search keep
reading and writing them), and a translation is an optional extra field. A page or email in
another language shows the translation where there is one, and otherwise the main text,
marked with the language it is written in (``Event.in_language``).
"""

import copy

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The event's words that may be given per language, and the languages they may be given in.
TRANSLATED_FIELDS = ("title", "summary", "description", "venue_name")
LANGUAGE_CODES = ("en", "es", "eu")


def translation_field_names(language: str) -> list[str]:
    return [f"{field}_{language}" for field in TRANSLATED_FIELDS]


class EventWords(models.Model):
    """The translations of an event's words; the event's own fields hold its main language."""

    main_language = models.CharField(
        _("main language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The language of the title, summary, description and venue name. Pages in a "
            "language without a translation show these, marked as written in this language."
        ),
    )
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    venue_name_en = models.CharField(_("venue name in English"), max_length=200, blank=True)
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    summary_es = models.TextField(_("summary in Spanish"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
    venue_name_es = models.CharField(_("venue name in Spanish"), max_length=200, blank=True)
    title_eu = models.CharField(_("title in Basque"), max_length=200, blank=True)
    summary_eu = models.TextField(_("summary in Basque"), blank=True)
    description_eu = models.TextField(_("description in Basque"), blank=True)
    venue_name_eu = models.CharField(_("venue name in Basque"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def in_language(self, language: str | None = None):
        """A copy of the event for showing in ``language`` (the active one if not given): its
        words are the translations given for that language, else the main text, also when
        the event is itself a copy shown in another language. An event already shown in
        ``language`` is itself.

        ``text_languages`` says, per field, the language of text shown in another language
        than the page's ("" when it is the page's own), for a ``lang`` attribute.
        """
        language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
        if getattr(self, "shown_in", None) == language:
            return self
        main = getattr(self, "main_words", None)
        if main is None:
            main = {field: getattr(self, field) for field in TRANSLATED_FIELDS}
        shown = copy.copy(self)
        shown.shown_in, shown.main_words, shown.text_languages = language, main, {}
        for field in TRANSLATED_FIELDS:
            translated = getattr(self, f"{field}_{language}", "")
            setattr(shown, field, translated or main[field])
            written_in = language if translated else self.main_language
            shown.text_languages[field] = "" if written_in == language else written_in
        return shown
