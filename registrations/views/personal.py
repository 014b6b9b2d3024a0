"""The attendee's own pages, reached through their personal link, and getting the link again."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.network import client_address
from events.models import Event

from .. import checkin_code, invitations, services
from ..availability import registration_summary
from ..forms import DETAIL_FIELDS, LostLinkForm, PersonalDetailsForm
from ..models import Registration, RegistrationSettings
from .shared import get_registration, personal_page, within_limit


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


@personal_page
@require_http_methods(["GET", "POST"])
def manage(request, token):
    registration = get_registration(token)
    form = PersonalDetailsForm(
        request.POST or None,
        instance=registration,
        questions=registration.event.questions.current(),
        answers=registration.answers.all(),
        field_settings=RegistrationSettings.for_event(registration.event),
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
                        if name in [*DETAIL_FIELDS, "language"]
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
            "waitlist_position": registration.waitlist_position(),
            "event_has_ended": registration.event.is_past(),
            "can_cancel": _can_cancel(registration),
            "checkin_qr": checkin_code.svg(registration),
            "join_url": registration.join_url,
            "availability": registration_summary(registration.event),
        },
        status=400 if form.errors else 200,
    )


@personal_page
@require_GET
def personal_calendar(request, token):
    """The attendee's own calendar entry, with the UID of the invitation they were emailed:
    a calendar that has one updates it instead of showing the event twice."""
    registration = get_registration(token)
    if registration.status != Registration.Status.CONFIRMED or registration.is_on_hold:
        raise Http404("No place to add to a calendar")
    response = HttpResponse(
        invitations.invitation(registration, method="PUBLISH"),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{registration.event.slug}.ics"'
    return response


@personal_page
@require_http_methods(["GET", "POST"])
def cancel(request, token):
    registration = get_registration(token)
    if not _can_cancel(registration):
        # Nothing to cancel: the personal page says why.
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


def _can_cancel(registration: Registration) -> bool:
    """Who has a place, or a place on the waiting list, at an event still on and to come:
    after the event, or once the organisers called it off, there is nothing left to cancel."""
    event = registration.event
    return registration.is_active and event.status != Event.Status.CANCELLED and not event.is_past()


@personal_page
@require_POST
def switch_attendance(request, token):
    """A confirmed attendee of a hybrid event attends the other way, if a place is free."""
    registration = get_registration(token)
    try:
        registration = services.switch_attendance(registration=registration)
    except services.RegistrationRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You now attend: %(mode)s.") % {"mode": registration.get_attendance_display()},
        )
    return redirect(registration.personal_path)


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


@require_http_methods(["GET", "POST"])
def lost_link(request):
    """Email the personal links of an address. The answer never says whether it has any."""
    form = LostLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        ip = client_address(request)
        address_allowed = within_limit("lost-link-address", email, LOST_LINK_LIMITS["address"])
        if within_limit("lost-link-ip", ip, LOST_LINK_LIMITS["ip"]) and address_allowed:
            services.request_personal_links(email=email)
        return redirect("registrations:lost_link_sent")
    return render(
        request, "registrations/lost_link.html", {"form": form}, status=400 if form.errors else 200
    )


def lost_link_sent(request):
    return render(request, "registrations/lost_link_sent.html")
