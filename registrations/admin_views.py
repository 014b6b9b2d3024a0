"""Organiser pages of one event, reached from its admin page.

Each view receives an event the user may see (``EventAdmin`` looks it up within the user's
organisations, 404 otherwise, and checks the role the view needs) and ``admin_context``, which
gives what the admin's templates need; only pages in the admin's frame call it.
"""

import unicodedata
from collections import Counter

from django.contrib import messages
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events.models import Event

from . import services
from .dashboard import attendance, registrations_by_day, registrations_chart
from .exports import AttendeeExport, attendees_csv_response, attendees_xlsx_response
from .forms import ExportForm, WalkInForm
from .models import Asked, Diet, Registration, RegistrationSettings, chosen_diets, folded

CHECKIN_LIST_LIMIT = 100


# Exports


def _export_form(request, export: AttendeeExport) -> ExportForm:
    return ExportForm(request.GET or None, export_columns=export.available_columns())


def export(request, event: Event, admin_context):
    """The page to choose columns and statuses; its buttons lead to the downloads."""
    form = _export_form(request, AttendeeExport(event))
    return render(
        request,
        "admin/events/event/export.html",
        {**admin_context(), "title": _("Export attendees"), "form": form},
    )


def _download(request, event: Event, admin_context, respond):
    export = AttendeeExport(event)
    form = _export_form(request, export)
    if form.is_bound:
        if not form.is_valid():
            return render(
                request,
                "admin/events/event/export.html",
                {**admin_context(), "title": _("Export attendees"), "form": form},
                status=400,
            )
        export.select(**form.export_arguments())
    return respond(export)


def attendees_csv(request, event: Event, admin_context):
    return _download(request, event, admin_context, attendees_csv_response)


def attendees_xlsx(request, event: Event, admin_context):
    return _download(request, event, admin_context, attendees_xlsx_response)


def _name_key(registration: Registration) -> str:
    # Ángel sorts with the A's whatever the database's collation.
    letters = unicodedata.normalize("NFKD", registration.name)
    return "".join(char for char in letters if not unicodedata.combining(char)).casefold()


def _confirmed_by_name(event: Event) -> list[Registration]:
    """Confirmed attendees; not places held for addresses nobody has confirmed yet."""
    attendees = Registration.objects.confirmed().not_on_hold().filter(event=event)
    return sorted(attendees, key=_name_key)


def sign_in_sheet(request, event: Event, admin_context):
    """A printable list to tick people off at the door, sorted by name."""
    return render(
        request,
        "registrations/sign_in_sheet.html",
        {
            "event": event,
            "attendees": _confirmed_by_name(event),
            # An event that does not ask for organisations has no column of them.
            "show_organisation": (
                RegistrationSettings.for_event(event).asked("organisation") != Asked.HIDDEN
            ),
        },
    )


def _tally(entries: list[tuple[Registration, str]]) -> list[tuple[str, int]]:
    """How many people wrote the same thing, ignoring case and spacing; most frequent first."""
    counts = Counter()
    spelling = {}
    for _registration, text in entries:
        key = " ".join(text.split()).casefold()
        counts[key] += 1
        spelling.setdefault(key, " ".join(text.split()))
    return [(spelling[key], count) for key, count in counts.most_common()]


def catering(request, event: Event, admin_context):
    """Dietary requirements and access needs of confirmed attendees, for caterers and the venue:
    how many chose each dietary option ("other" for words alone), what the words say."""
    attendees = _confirmed_by_name(event)
    diets = {
        person: chosen_diets(person.dietary_options, person.dietary_requirements)
        for person in attendees
    }
    counts = Counter(code for chosen in diets.values() for code in chosen if code != Diet.NONE)
    dietary = [
        (person, _diet_text(chosen, person.dietary_requirements))
        for person, chosen in diets.items()
        if set(chosen) - {Diet.NONE}
    ]
    words = [(person, person.dietary_requirements.strip()) for person in attendees]
    access = [(person, person.access_needs.strip()) for person in attendees]
    access = [(person, text) for person, text in access if text]
    return render(
        request,
        "admin/events/event/catering.html",
        {
            **admin_context(),
            "title": _("Catering and access"),
            "confirmed": len(attendees),
            "dietary": dietary,
            "dietary_counts": [(str(code.label), counts[code]) for code in Diet if counts[code]],
            "other_counts": _tally([(person, text) for person, text in words if text]),
            "no_dietary": len(attendees) - len(dietary),
            "access": access,
            "access_counts": _tally(access),
        },
    )


def _diet_text(chosen: list[str], words: str) -> str:
    """One person's dietary requirements in a line: "Vegan, Other: no nuts"."""
    labels = [Diet(code).label for code in chosen if code not in (Diet.NONE, Diet.OTHER)]
    if Diet.OTHER in chosen:
        other = Diet.OTHER.label
        labels.append(f"{other}: {' '.join(words.split())}" if words.strip() else other)
    return ", ".join(str(label) for label in labels)


# Check-in at the door


def _search(event: Event, query: str):
    registrations = Registration.objects.filter(event=event)
    # Folded like the registrations' search text: "garcia" finds García on either database.
    for word in folded(query).split():
        registrations = registrations.filter(search_text__contains=word)
    return registrations.order_by(Lower("name"), "pk")


def _checkin_page(request, event: Event, *, walk_in_form=None, status=200):
    query = request.GET.get("q", "").strip()[:200]
    found = list(_search(event, query)[: CHECKIN_LIST_LIMIT + 1])
    return render(
        request,
        "registrations/checkin.html",
        {
            "event": event,
            "query": query,
            "registrations": found[:CHECKIN_LIST_LIMIT],
            "more": len(found) > CHECKIN_LIST_LIMIT,
            "counts": Registration.objects.filter(event=event).counts(),
            "walk_in_form": walk_in_form or WalkInForm(initial={"language": event.main_language}),
            "here": _list_url(event, query),
        },
        status=status,
    )


def _list_url(event: Event, query: str = "") -> str:
    url = reverse("admin:events_event_checkin", args=[event.pk])
    return f"{url}?{urlencode({'q': query})}" if query else url


def checkin(request, event: Event, admin_context):
    """Search as you type, tap to check in; the same page works as plain forms without script."""
    return _checkin_page(request, event)


def _back_to(request, event: Event) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return _list_url(event)


@require_http_methods(["GET", "POST"])
def checkin_entry(request, event: Event, admin_context, registration_id: int):
    """One attendee's entry: where their QR code leads; check in or undo from here."""
    registration = get_object_or_404(Registration, event=event, pk=registration_id)
    over_capacity = None
    if request.method == "POST" and request.POST.get("action") == "give_place":
        allow = request.POST.get("allow_over_capacity") == "yes"
        try:
            services.give_place_at_door(registration=registration, allow_over_capacity=allow)
        except services.RegistrationRefused as error:
            if error.code != "over_capacity":
                messages.error(request, error.message)
                return redirect(_back_to(request, event))
            # Asked here, next to the person: the confirmation keeps where to go back to.
            over_capacity = error.message
        else:
            messages.success(
                request,
                _("%(name)s has a place and is checked in.") % {"name": registration.name},
            )
            return redirect(_back_to(request, event))
    elif request.method == "POST":
        try:
            if request.POST.get("action") == "undo":
                services.undo_check_in(registration=registration)
                messages.info(
                    request, _("%(name)s: check-in undone.") % {"name": registration.name}
                )
            else:
                services.check_in(registration=registration)
                messages.success(
                    request, _("%(name)s is checked in.") % {"name": registration.name}
                )
        except services.RegistrationRefused as error:
            messages.error(request, error.message)
        return redirect(_back_to(request, event))
    return render(
        request,
        "registrations/checkin_entry.html",
        {
            "event": event,
            "registration": registration,
            "counts": Registration.objects.filter(event=event).counts(),
            "here": _back_to(request, event) if over_capacity else request.get_full_path(),
            "over_capacity": over_capacity,
        },
    )


@require_POST
def walk_in(request, event: Event, admin_context):
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            registration = services.register_walk_in(
                event=event,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                organisation=form.cleaned_data["organisation"],
                language=form.cleaned_data["language"],
                allow_over_capacity=form.cleaned_data["allow_over_capacity"],
            )
        except services.RegistrationRefused as error:
            known = services.active_registration_for(event, form.cleaned_data["email"])
            if error.code == "duplicate" and known is not None:
                # Someone who registered and forgot, or is on the waiting list: found, not
                # refused; their row offers to check them in or give them a place.
                messages.info(
                    request,
                    _(
                        "%(name)s is already registered with this address: check them in or "
                        "give them a place below."
                    )
                    % {"name": known.name},
                )
                return redirect(_list_url(event, known.email))
            form.add_error("email" if error.code == "duplicate" else None, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is registered and checked in.") % {"name": registration.name},
            )
            return redirect(_list_url(event, registration.email))
    return _checkin_page(request, event, walk_in_form=form, status=400)


# Dashboard


def dashboard(request, event: Event, admin_context):
    registrations = Registration.objects.filter(event=event)
    counts = registrations.counts()
    # The places ``capacity`` counts: at a hybrid event, those in person.
    confirmed = counts["confirmed"]
    if event.is_hybrid:
        online = registrations.filter(attendance=Registration.Attendance.ONLINE)
        confirmed -= online.counts()["confirmed"]
    capacity_used, over_capacity = None, 0
    if event.capacity is not None:
        # An event with no places at all is full.
        capacity_used = round(100 * confirmed / event.capacity) if event.capacity else 100
        # Places given at the door or by organisers beyond the capacity.
        over_capacity = max(0, confirmed - event.capacity)
    days = registrations_by_day(event)
    return render(
        request,
        "admin/events/event/dashboard.html",
        {
            **admin_context(),
            "title": _("Dashboard"),
            "counts": counts,
            "capacity_used": capacity_used,
            "over_capacity": over_capacity,
            # The meter's scale reaches the confirmed count when it is over capacity.
            "meter_max": max(event.capacity or 0, confirmed),
            "places_confirmed": confirmed,
            "attendance": attendance(event, counts),
            "days": days,
            "chart": registrations_chart(days),
        },
    )
