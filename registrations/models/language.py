"""The attendee's language: what is said to them is in the language they registered in."""

from contextlib import contextmanager

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class InOwnLanguage(models.Model):
    """A registration's language; what is said to the attendee uses it."""

    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the attendee registered in: their emails are written in it."),
    )

    class Meta:
        abstract = True

    @contextmanager
    def in_own_language(self):
        """Inside it, what is said to the attendee is in the language they registered in,
        whoever causes it (they, an organiser, the worker writing an email later): Django's
        translations, and ``self.event`` with the event's own words in that language."""
        event = self.event
        with translation.override(self.language or settings.LANGUAGE_CODE):
            self.event = event.in_language()
            try:
                yield
            finally:
                self.event = event
