"""Subject lines that say more than the event's title: what matters at a glance."""

from django.utils import formats
from django.utils.translation import gettext as _

from events import times
from events.models import Event

from .invitations import single_line


def reminder(event: Event) -> str:
    """ "Reminder: <title>, Wednesday 6 October, 10:00 Spanish time (CEST), <venue>": when and
    where at a glance, the time named in its zone as everywhere else."""
    # Translators: how a reminder writes the day and time (Django's date format: l weekday,
    # j day, F month, H:i hours and minutes).
    day_and_time = formats.date_format(event.local_starts_at, _("l j F, H:i"))
    when = f"{day_and_time} {times.zone_label(event.starts_at, event.timezone)}"
    if event.venue_name:
        return _("Reminder: %(title)s, %(when)s, %(place)s") % {
            "title": single_line(event.title),
            "when": when,
            "place": single_line(event.venue_name),
        }
    return _("Reminder: %(title)s, %(when)s") % {"title": single_line(event.title), "when": when}
