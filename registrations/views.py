import hashlib
import re
from datetime import datetime
from functools import wraps

import segno
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from config.network import client_address as _client_address
from events import calendar
from events import views as event_views
from events.models import Event

from . import services
from .availability import registration_summary, summaries
from .forms import DETAIL_FIELDS, AttendeeDetailsForm, LostLinkForm, RegistrationForm
from .models import Registration

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def personal_page(view):
    """For pages whose address holds a personal link's token, a bearer secret: browsers and
    proxies keep no copy, and no request from the page carries the address in its Referer,
    not even to this site, whose logs would keep it.

    Only the site's origin is sent ("strict-origin"). "no-referrer" would do as much for the
    token, but browsers then send the page's own forms with "Origin: null", which the CSRF
    protection refuses.
    """

    @wraps(view)
    def answer(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["Referrer-Policy"] = "strict-origin"
        return response

    return answer


# The public event pages, with what registration allows: served in place of events' own.


class EventListView(event_views.EventListView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upcoming = context["upcoming"]
        by_event = summaries(upcoming, context["now"])
        for event in upcoming:
            event.availability = by_event[event.pk]
        return context


class EventDetailView(event_views.EventDetailView):
    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "availability": registration_summary(self.object),
        }


class EventStatusView(event_views.EventStatusView):
    def get_data(self, event: Event) -> dict:
        summary = registration_summary(event)
        return {
            **super().get_data(event),
            "confirmed": summary["confirmed"],
            "places_left": summary["places_left"],
            "waitlisted": summary["waitlisted"],
            "registration": summary["state"],
        }


class CalendarJsonView(event_views.CalendarJsonView):
    """``/events.json`` with each event's places and registration state, as status.json."""

    def get_events_data(self, events: list[Event], now: datetime) -> list[dict]:
        by_event = summaries(events, now)
        return [
            {**self.get_event_data(event), **_places(event, by_event[event.pk])} for event in events
        ]


def _places(event: Event, summary: dict) -> dict:
    external = summary["state"] == Event.RegistrationState.EXTERNAL
    register = reverse("registrations:register", args=[event.slug])
    return {
        # Where to register: Turnout's form, unless registration is handled elsewhere.
        "register_url": None if external else calendar.absolute_url(register),
        "registration": summary["state"],
        "places_left": summary["places_left"],
        "confirmed": summary["confirmed"],
        "waitlisted": summary["waitlisted"],
    }


def get_visible_event(request, slug: str) -> Event:
    event = get_object_or_404(
        Event.objects.visible_to(request.user).select_related("organiser"), slug=slug
    )
    return event.in_language()


@require_http_methods(["GET", "POST"])
def register(request, slug):
    event = get_visible_event(request, slug)
    form = RegistrationForm(request.POST or None, questions=event.questions.current())
    if event.status == Event.Status.DRAFT:
        # Only the draft's organisers see it (get_visible_event): they try the form as
        # attendees will see it, and nothing they send is kept.
        return _preview(request, event, form)
    limited = False
    if request.method == "POST" and form.is_valid():
        limit = settings.REGISTRATIONS_PER_ADDRESS_PER_HOUR
        # A script filling an event from one network address is slowed down; people behind
        # one office address registering colleagues stay well within the limit. The event's
        # organisers, and everyone at an event that lifts it (the venue's Wi-Fi), are not.
        if event.network_limit_lifted or _organises(request.user, event):
            limit = 0
        if limit and not _within_limit("register", _client_address(request), limit):
            limited = True
            form.add_error(
                None,
                _(
                    "Too many registrations came from your network in the last hour. "
                    "Please try again later, or ask the organisers to register you."
                ),
            )
        else:
            # Whether a place is free is decided by the service, under the event lock.
            try:
                registration = services.register(
                    event=event, language=request.LANGUAGE_CODE, **form.service_arguments()
                )
            except services.AlreadyRegistered as error:
                if event.confirm_email_addresses:
                    # The address was emailed its own link: the answer here is the same as
                    # for a new registration, so the form tells nobody who is registered.
                    return redirect("registrations:check_email", slug=event.slug)
                form.add_error("email", error.message)
            except services.RegistrationError as error:
                form.add_error(None, error.message)
            else:
                if event.confirm_email_addresses:
                    # The personal link would prove nothing here: it goes to the address.
                    return redirect("registrations:check_email", slug=event.slug)
                return redirect("registrations:done", token=registration.token)
    summary = registration_summary(event)
    status = 200
    if limited:
        status = 429
    elif request.method == "POST" and not summary["can_register"]:
        status = 409
    elif form.errors:
        status = 400
    return render(
        request,
        "registrations/register.html",
        {"event": event, "form": form, "availability": summary},
        status=status,
    )


def _organises(user, event: Event) -> bool:
    if not (user.is_authenticated and user.is_staff):
        return False
    return Event.objects.organised_by_member(user).filter(pk=event.pk).exists()


def _preview(request, event: Event, form: RegistrationForm):
    tried = request.method == "POST" and form.is_valid()
    return render(
        request,
        "registrations/register.html",
        {
            "event": event,
            "form": form,
            "availability": {**registration_summary(event), "state": "open", "can_register": True},
            "preview": True,
            "tried": tried,
        },
        status=400 if form.errors else 200,
    )


@personal_page
@require_GET
def register_done(request, token):
    """The page after registering: what happened, and the personal link to keep."""
    registration = get_registration(token)
    if registration.is_on_hold:
        return redirect(registration.confirm_path)
    if not registration.is_active:
        return redirect(registration.personal_path)
    return render(
        request,
        "registrations/register_done.html",
        {
            "event": registration.event.in_language(),
            "attendee": registration,
            "manage_url": request.build_absolute_uri(registration.personal_path),
            "join_url": registration.join_url,
        },
    )


@require_GET
def check_email(request, slug):
    """After registering for an event that confirms addresses: the same page for everyone."""
    event = get_visible_event(request, slug)
    return render(
        request,
        "registrations/check_email.html",
        {"event": event, "hold_minutes": settings.UNCONFIRMED_HOLD_MINUTES},
    )


@personal_page
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """Where the emailed link leads: a button confirms the address (link checkers that open
    every link in an email do not press buttons)."""
    registration = get_registration(token)
    if not registration.is_on_hold:
        return redirect(registration.personal_path)
    refusal = None
    if request.method == "POST":
        try:
            services.confirm_email(registration=registration)
        except services.RegistrationRefused as error:
            refusal = error.message
        else:
            messages.success(request, _("Thank you: your email address is confirmed."))
            return redirect(registration.personal_path)
    elif registration.hold_expires_at <= timezone.now():
        refusal = services.HOLD_EXPIRED_MESSAGE
    return render(
        request,
        "registrations/confirm.html",
        {
            "attendee": registration,
            "event": registration.event.in_language(),
            "refusal": refusal,
            "availability": registration_summary(registration.event),
        },
        status=410 if refusal else 200,
    )


def get_registration(token: str) -> Registration:
    if not TOKEN_PATTERN.fullmatch(token):
        raise Http404("Malformed token")
    return get_object_or_404(
        Registration.objects.select_related("event", "event__organiser"), token=token
    )


def _waitlist_position(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    created_at = registration.created_at
    return (
        Registration.objects.waitlisted()
        .filter(event_id=registration.event_id)
        .filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lte=registration.pk))
        .count()
    )


def _checkin_qr(request, registration: Registration) -> str:
    """An inline SVG QR code that opens this attendee's check-in entry for an organiser."""
    if (
        registration.status != Registration.Status.CONFIRMED
        or registration.event.status == Event.Status.CANCELLED
    ):
        return ""
    url = request.build_absolute_uri(
        reverse("admin:events_event_checkin_entry", args=[registration.event_id, registration.pk])
    )
    svg = segno.make(url, error="m").svg_inline(scale=5, border=2, title=_("Check-in code"))
    return mark_safe(svg)  # noqa: S308 - segno builds the SVG from our own URL


@personal_page
@require_http_methods(["GET", "POST"])
def manage(request, token):
    registration = get_registration(token)
    form = AttendeeDetailsForm(
        request.POST or None,
        instance=registration,
        questions=registration.event.questions.current(),
        answers=registration.answers.all(),
    )
    if request.method == "POST":
        if not registration.is_active:
            messages.error(
                request, _("This registration was cancelled, so it can no longer be changed.")
            )
            return redirect(registration.personal_path)
        if form.is_valid():
            try:
                services.update_details(
                    registration=registration,
                    answers=form.answers(changed_only=True),
                    **{
                        name: form.cleaned_data[name]
                        for name in form.changed_data
                        if name in DETAIL_FIELDS
                    },
                )
            except services.AlreadyRegistered as error:
                form.add_error("email", error.message)
            else:
                messages.success(request, _("Your details were saved."))
                return redirect(registration.personal_path)
        # The instance holds the rejected input now; show the stored details beside the form.
        registration = get_registration(token)
    return render(
        request,
        "registrations/manage.html",
        {
            "attendee": registration,
            "event": registration.event.in_language(),
            "form": form,
            "waitlist_position": _waitlist_position(registration),
            "checkin_qr": _checkin_qr(request, registration),
            "join_url": registration.join_url,
            "availability": registration_summary(registration.event),
        },
        status=400 if form.errors else 200,
    )


@personal_page
@require_http_methods(["GET", "POST"])
def cancel(request, token):
    registration = get_registration(token)
    if not registration.is_active:
        return redirect(registration.personal_path)
    if request.method == "POST":
        services.cancel(registration=registration, reason=_("Cancelled by the attendee"))
        messages.success(
            request, _("Your registration is cancelled. Thank you for letting us know.")
        )
        return redirect(registration.personal_path)
    return render(
        request,
        "registrations/cancel.html",
        {"attendee": registration, "event": registration.event.in_language()},
    )


@personal_page
@require_http_methods(["GET", "POST"])
def erase(request, token):
    registration = get_registration(token)
    if request.method == "POST":
        event = registration.event
        services.erase(registration=registration)
        messages.success(request, _("Your registration and your personal data were deleted."))
        return redirect(event)
    return render(
        request,
        "registrations/erase.html",
        {"attendee": registration, "event": registration.event.in_language()},
    )


# Requests for lost links, per hour: a few per address, more per network address.
LOST_LINK_LIMITS = {"address": 3, "ip": 20}


def _within_limit(kind: str, value: str, limit: int) -> bool:
    """Count one more request of ``kind`` from ``value`` this hour; False past ``limit``."""
    key = f"limit:{kind}:{hashlib.sha256(value.lower().encode()).hexdigest()}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        return True


@require_http_methods(["GET", "POST"])
def lost_link(request):
    """Email the personal links of an address. The answer never says whether it has any."""
    form = LostLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        ip = _client_address(request)
        address_allowed = _within_limit("lost-link-address", email, LOST_LINK_LIMITS["address"])
        if _within_limit("lost-link-ip", ip, LOST_LINK_LIMITS["ip"]) and address_allowed:
            services.request_personal_links(email=email)
        return redirect("registrations:lost_link_sent")
    return render(
        request, "registrations/lost_link.html", {"form": form}, status=400 if form.errors else 200
    )


def lost_link_sent(request):
    return render(request, "registrations/lost_link_sent.html")
