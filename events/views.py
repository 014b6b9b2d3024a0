from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from registrations.models import registration_counts, with_registration_counts
from registrations.services import refusal_message

from . import calendar
from .models import Event


def visible_events(request):
    """Published and cancelled events; organisers also see their own drafts, to preview them."""
    events = Event.objects.listed()
    if request.user.is_authenticated and request.user.is_staff:
        events = events | Event.objects.filter(
            pk__in=Event.objects.organised_by_member(request.user).values("pk")
        )
    return events


def get_visible_event(request, slug: str) -> Event:
    return get_object_or_404(visible_events(request).select_related("organiser"), slug=slug)


def registration_summary(event: Event, counts: dict[str, int], now=None) -> dict:
    """What the event page, the form and status.json say about registration."""
    now = now or timezone.now()
    state = event.registration_state(
        confirmed=counts["confirmed"], waitlisted=counts["waitlisted"], now=now
    )
    can_register = state in (Event.RegistrationState.OPEN, Event.RegistrationState.WAITLIST)
    return {
        "state": state,
        "can_register": can_register,
        "places_left": event.places_left(confirmed=counts["confirmed"]),
        "message": ""
        if can_register or state == Event.RegistrationState.EXTERNAL
        else refusal_message(event, state, now),
        "confirmed": counts["confirmed"],
        "waitlisted": counts["waitlisted"],
    }


def _listed(queryset):
    return with_registration_counts(queryset).select_related("organiser").prefetch_related("topics")


@require_GET
def event_list(request):
    now = timezone.now()
    events = Event.objects.listed()
    upcoming = list(_listed(events.upcoming(now)))
    past = list(_listed(events.past(now))[:50])
    for event in upcoming:
        event.registration = registration_summary(
            event, {"confirmed": event.confirmed_count, "waitlisted": event.waitlisted_count}, now
        )
    return render(request, "events/event_list.html", {"upcoming": upcoming, "past": past})


@require_GET
def event_detail(request, slug):
    event = get_visible_event(request, slug)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "co_organisers": list(event.co_organisers.all()),
            "topics": list(event.topics.all()),
            "registration": registration_summary(event, registration_counts(event)),
        },
    )


@require_GET
def event_status(request, slug):
    event = get_object_or_404(Event.objects.listed(), slug=slug)
    summary = registration_summary(event, registration_counts(event))
    return JsonResponse(
        {
            "slug": event.slug,
            "title": event.title,
            "starts_at": event.starts_at.isoformat(),
            "capacity": event.capacity,
            "confirmed": summary["confirmed"],
            "places_left": summary["places_left"],
            "waitlisted": summary["waitlisted"],
            "registration": summary["state"],
        }
    )


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
def event_ics(request, slug):
    event = get_object_or_404(Event.objects.listed(), slug=slug)
    return _calendar_response(calendar.feed([event]), f"{event.slug}.ics")


@require_GET
def events_ics(request):
    return _calendar_response(calendar.feed(Event.objects.published().upcoming()), "events.ics")
