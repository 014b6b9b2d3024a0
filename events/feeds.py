"""RSS and Atom feeds of upcoming events, for the organisation's website and feed readers."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import formats
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import times
from .feed_language import in_requested_language
from .models import Event

FEED_SIZE = 50


class UpcomingEventsFeed(Feed):
    """The next events, in the language asked for (``feed_language``)."""

    link = reverse_lazy("events:list")
    description = gettext_lazy("Upcoming events open to the public.")

    def __call__(self, request, *args, **kwargs):
        return in_requested_language(super().__call__)(request, *args, **kwargs)

    def title(self):
        return _("%(organisation)s: upcoming events") % {"organisation": settings.ORGANISATION_NAME}

    def items(self):
        upcoming = Event.objects.published().upcoming()
        shown = upcoming.select_related("organiser").prefetch_related("topics")[:FEED_SIZE]
        return [event.in_language() for event in shown]

    def item_title(self, event):
        return event.title

    def item_description(self, event):
        """HTML, as feed readers take it: the organisers' text in it is escaped."""
        when = formats.date_format(event.local_starts_at, _("l j F Y, H:i"))
        where = f" · {event.venue_name}" if event.venue_name else ""
        zone = times.zone_label(event.starts_at, event.timezone)
        lines = [f"{when} {zone}{where}", event.summary]
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines if line))

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.updated_at

    def item_author_name(self, event):
        return event.organiser.name

    def item_categories(self, event):
        """The event's topics; "Featured" first for those the website features."""
        topics = [topic.name for topic in event.topics.all()]
        return [_("Featured"), *topics] if event.featured else topics


class UpcomingEventsAtomFeed(UpcomingEventsFeed):
    feed_type = Atom1Feed
    subtitle = UpcomingEventsFeed.description
