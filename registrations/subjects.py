"""Subject lines that say more than the event's title: what matters at a glance."""

from django.utils import formats
from django.utils.translation import gettext as _

from events.models import Event

from .invitations import single_line


def reminder(event: Event) -> str:
    """ "Reminder: <title>, Wednesday 6 October, 10:00, <venue>": when and where at a glance."""
    # Translators: how a reminder writes the day and time (Django's date format: l weekday,
    # j day, F month, H:i hours and minutes).
    when = formats.date_format(event.local_starts_at, _("l j F, H:i"))
    if event.venue_name:
        return _("Reminder: %(title)s, %(when)s, %(place)s") % {
            "title": single_line(event.title),
            "when": when,
            "place": single_line(event.venue_name),
        }
    return _("Reminder: %(title)s, %(when)s") % {"title": single_line(event.title), "when": when}
