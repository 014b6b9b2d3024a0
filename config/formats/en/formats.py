"""How dates and times read in English, everywhere: Django's ``date`` filter and
``formats.date_format`` use these, so the admin, the pages and the emails write a time alike
(28 November 2026, 22:30)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
