"""The organiser page that registers someone on the organisers' word (a speaker, a guest,
partner staff, someone who phoned)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from events.models import Event
from registrations import services
from registrations.forms import OrganiserRegistrationForm


def add_registration(request, event: Event, admin_context):
    form = OrganiserRegistrationForm(
        request.POST or None,
        questions=event.questions.current(),
        initial={"language": event.main_language},
        hybrid=event.is_hybrid,
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.add_registration(event=event, **form.service_arguments())
        except services.RegistrationRefused as error:
            form.add_error("email" if error.code == "duplicate" else None, error.message)
        else:
            messages.success(
                request,
                _("%(name)s has a place and is emailed their personal link.")
                % {"name": registration.name},
            )
            return redirect("admin:registrations_registration_change", registration.pk)
    return render(
        request,
        "admin/events/event/add_registration.html",
        {**admin_context(), "title": _("Add a registration"), "form": form},
        status=400 if form.errors else 200,
    )
