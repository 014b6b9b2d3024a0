"""The public event pages: the list, one event's page and its ``status.json``.

They show events as ``events`` knows them. ``registrations`` serves these pages in their
place, through subclasses that add what registration allows (``registrations/views.py``).
"""

from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page, never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_cookie
from django.views.generic import DetailView, TemplateView, View

from config.branding import readable_text_on

from . import calendar, calendar_links, structured_data
from .feed_language import in_requested_language
from .models import Event, Topic


class EventListView(TemplateView):
    """Upcoming events, then past ones, optionally of one topic."""

    template_name = "events/event_list.html"
    http_method_names = ["get"]
    past_shown = 50

    def get_context_data(self, **kwargs):
        now = timezone.now()
        events = Event.objects.listed()
        # The topics people can filter by: those of events the public sees.
        topics = list(Topic.objects.filter(events__in=events.values("pk")).distinct())
        topic_slug = self.request.GET.get("topic", "")
        active_topic = next((topic for topic in topics if topic.slug == topic_slug), None)
        if topic_slug:
            # An unknown topic matches nothing: the page says so instead of failing.
            events = events.filter(topics__slug=topic_slug)
        shown = events.select_related("organiser").prefetch_related("topics")
        return {
            **super().get_context_data(**kwargs),
            "now": now,
            "upcoming": [event.in_language() for event in shown.upcoming(now)],
            "past": [event.in_language() for event in shown.past(now)[: self.past_shown]],
            "topics": topics,
            "topic_slug": topic_slug,
            "active_topic": active_topic,
            "subscribe_url": calendar_links.subscription_url(),
        }


class EventDetailView(DetailView):
    """The event page. Visitors without cookies share a copy that is at most
    EVENT_PAGE_CACHE_SECONDS old: a popular event's page stays fast while places go."""

    template_name = "events/event_detail.html"
    context_object_name = "event"
    http_method_names = ["get"]

    def get_queryset(self):
        return (
            Event.objects.visible_to(self.request.user)
            .select_related("organiser")
            .prefetch_related("co_organisers")
        )

    def get_availability(self) -> dict | None:
        """What the page says about places: nothing here, where events know of none."""
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        availability = self.get_availability()
        if availability is not None:
            context["availability"] = availability
        context["has_ended"] = self.object.is_past()
        context["structured_data"] = structured_data.event_data(
            self.object, registration_state=availability["state"] if availability else ""
        )
        return context

    def get_object(self, queryset=None):
        # The event's own words in the page's language, where the organisers gave them.
        return super().get_object(queryset).in_language()

    def dispatch(self, request, *args, **kwargs):
        seconds = settings.EVENT_PAGE_CACHE_SECONDS
        if seconds and not request.COOKIES:
            # Anyone with a cookie may see something personal (a message, a draft preview).
            keep = cache_page(seconds, cache="pages", key_prefix="event-page")
            shared = keep(vary_on_cookie(super().dispatch))
            return shared(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)


class EventStatusView(View):
    """An event's public figures as JSON, for the organisation's website, in the language
    asked for (``feed_language``)."""

    http_method_names = ["get"]

    @method_decorator(in_requested_language)
    def get(self, request, slug):
        event = get_object_or_404(Event.objects.listed(), slug=slug).in_language()
        response = JsonResponse(self.get_data(event))
        # Public figures that the organisation's website reads from its own pages; no cookies
        # are involved, so any site may read them.
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def get_data(self, event: Event) -> dict:
        return {
            "slug": event.slug,
            "title": event.title,
            "starts_at": event.starts_at.isoformat(),
            "capacity": event.capacity,
        }


class CalendarJsonView(View):
    """``/events.json``: the whole public calendar in one document, for the organisation's
    website to build its pages from (a Jekyll ``_data`` file, say). Published and cancelled
    events, past and upcoming; never drafts, nor anything only attendees may know (the join
    link of an online event). The events' words are in the language asked for
    (``feed_language``). Everyone asking in one language gets the same document, so one copy
    per language at most EVENT_PAGE_CACHE_SECONDS old is shared, as for the event page."""

    http_method_names = ["get"]

    def dispatch(self, request, *args, **kwargs):
        seconds = settings.EVENT_PAGE_CACHE_SECONDS
        if seconds:
            shared = cache_page(seconds, cache="pages", key_prefix="events-json")(super().dispatch)
            return shared(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    @method_decorator(in_requested_language)
    def get(self, request):
        now = timezone.now()
        listed = (
            Event.objects.listed()
            .select_related("organiser")
            .prefetch_related("topics")
            .order_by("starts_at", "pk")
        )
        events = [event.in_language() for event in listed]
        response = JsonResponse(
            {
                "generated_at": _utc(now),
                "events_url": calendar.absolute_url(reverse("events:list")),
                "events": self.get_events_data(events, now),
            },
            json_dumps_params={"ensure_ascii": False},
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def get_events_data(self, events: list[Event], now: datetime) -> list[dict]:
        return [self.get_event_data(event) for event in events]

    def get_event_data(self, event: Event) -> dict:
        return {
            "slug": event.slug,
            "title": event.title,
            "summary": event.summary,
            # A listing is another organisation's event: people register with the host.
            "kind": event.kind,
            "status": event.status,
            "url": calendar.absolute_url(event.get_absolute_url()),
            "ics_url": calendar.absolute_url(reverse("events:ics", args=[event.slug])),
            "external_registration_url": event.external_registration_url or None,
            "timezone": event.timezone,
            "starts_at": event.local_starts_at.isoformat(),
            "ends_at": event.local_ends_at.isoformat(),
            "starts_at_utc": _utc(event.starts_at),
            "ends_at_utc": _utc(event.ends_at),
            "attendance_mode": event.attendance_mode,
            "attendance_mode_label": event.get_attendance_mode_display(),
            "venue": {
                "name": event.venue_name,
                "address": event.venue_address,
                "map_url": event.map_url or None,
            },
            "organiser": event.organiser.name,
            "topics": [topic.name for topic in event.topics.all()],
            "capacity": event.capacity,
            "featured": event.featured,
            "image": event.image or None,
            "image_url": event.image_url or None,
            "website_url": event.website_url or None,
        }


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse(
            {"status": "error", "database": str(error.__class__.__name__)}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@in_requested_language
def event_ics(request, slug):
    event = get_object_or_404(Event.objects.listed(), slug=slug).in_language()
    return _calendar_response(calendar.feed([event]), f"{event.slug}.ics")


@require_GET
@in_requested_language
def events_ics(request):
    """The subscription: named after the organisation, as its RSS feed is, not the software."""
    events = [event.in_language() for event in Event.objects.published().upcoming()]
    name = _("%(organisation)s: upcoming events") % {"organisation": settings.ORGANISATION_NAME}
    return _calendar_response(calendar.feed(events, name=name), "events.ics")


@require_GET
def brand_css(request):
    """The organisation's colour as a style sheet: the Content-Security-Policy allows no inline
    style, and the colour, checked as #rrggbb when the settings load, can write nothing else."""
    brand = settings.ORGANISATION_COLOUR
    if not brand:
        return HttpResponse("", content_type="text/css; charset=utf-8")
    text = readable_text_on(brand)
    css = (
        f":root {{ --brand: {brand}; --brand-text: {text}; }}\n"
        ".site-header { border-top: 0.5rem solid var(--brand); }\n"
        ".btn-primary { --bs-btn-bg: var(--brand); --bs-btn-border-color: var(--brand); "
        "--bs-btn-color: var(--brand-text); --bs-btn-hover-bg: var(--brand); "
        "--bs-btn-hover-border-color: var(--brand); --bs-btn-hover-color: var(--brand-text); "
        "--bs-btn-active-bg: var(--brand); --bs-btn-active-border-color: var(--brand); "
        "--bs-btn-active-color: var(--brand-text); }\n"
        ".btn-primary:hover { filter: brightness(0.9); }\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
