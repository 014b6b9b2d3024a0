"""Registering: the form, its preview for a draft's organisers, and the pages after it."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from config.network import client_address
from events.models import Event

from .. import services
from ..availability import current_counts, mode_text, registration_summary
from ..forms import RegistrationForm
from ..models import RegistrationSettings
from .shared import (
    event_for_registering,
    get_registration,
    get_visible_event,
    personal_page,
    within_limit,
)


@require_http_methods(["GET", "POST"])
def register(request, slug):
    event, questions = event_for_registering(request, slug)
    modes = []
    if event.is_hybrid:  # the attendee chooses the places of one mode
        modes = registration_summary(event, current_counts(event))["modes"]
    if event.status == Event.Status.DRAFT:  # its organisers try the form as it will be
        modes = [{**mode, "state": "open", "can_register": True} for mode in modes]
        modes = [{**mode, "text": mode_text(mode)} for mode in modes]
    form = RegistrationForm(
        request.POST or None,
        questions=questions,
        field_settings=RegistrationSettings.for_event(event),
        modes=modes,
    )
    if event.status == Event.Status.DRAFT:
        # Only the draft's organisers see it (get_visible_event): they try the form as
        # attendees will see it, and nothing they send is kept.
        return _preview(request, event, form)
    limited = False
    if request.method == "POST" and form.is_valid() and form.email_suggestion:
        # "Did you mean …?": asked before anything is written, never refused.
        return render(
            request,
            "registrations/register.html",
            {
                "event": event,
                "form": form,
                "availability": registration_summary(event),
                "suggested_data": form.data_with_email(form.email_suggestion),
            },
        )
    if request.method == "POST" and form.is_valid():
        limit = settings.REGISTRATIONS_PER_ADDRESS_PER_HOUR
        # A script filling an event from one network address is slowed down; people behind
        # one office address registering colleagues stay well within the limit. The event's
        # organisers, and everyone at an event that lifts it (the venue's Wi-Fi), are not.
        if event.network_limit_lifted or _organises(request.user, event):
            limit = 0
        if limit and not within_limit("register", client_address(request), limit):
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
                    return _check_your_email(request, event, form.cleaned_data["email"])
                form.add_error("email", error.message)
            except services.RegistrationError as error:
                form.add_error(None, _refusal_after_typing(error))
            else:
                if event.confirm_email_addresses:
                    # The personal link would prove nothing here: it goes to the address.
                    return _check_your_email(request, event, form.cleaned_data["email"])
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


def _check_your_email(request, event: Event, email: str):
    # The address goes to the next page in a message (kept by the browser until it is shown),
    # never in the page's address, which logs would keep.
    messages.info(
        request,
        _("We sent the email to %(email)s. If that is not your address, register again.")
        % {"email": email},
    )
    return redirect("registrations:check_email", slug=event.slug)


def _refusal_after_typing(error: services.RegistrationError) -> str:
    """Why the form was refused, said to someone who filled it in while places were left:
    the form stays on the page with what they typed."""
    if error.code == Event.RegistrationState.FULL:
        kept = _(
            "The last place was taken before your form arrived, so you are not registered. "
            "What you typed is kept below: contact the organisers if you would still like "
            "to come."
        )
        return f"{error.message} {kept}"
    return error.message


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
