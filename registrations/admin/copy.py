"""The organiser page that copies an event as a new draft, with the new dates asked for."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Event
from registrations import services

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CopyEventForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=gettext_lazy("Starts at"), widget=LOCAL_INPUT)
    ends_at = forms.DateTimeField(label=gettext_lazy("Ends at"), widget=LOCAL_INPUT)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.initial.setdefault("title", event.title)
        zone = event.tzinfo.key
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text = _("In the event's timezone (%(zone)s).") % {"zone": zone}

    def clean(self):
        cleaned = super().clean()
        for name in ("starts_at", "ends_at"):
            if cleaned.get(name) is not None:
                wall_clock = timezone.make_naive(cleaned[name])
                cleaned[name] = timezone.make_aware(wall_clock, self.event.tzinfo)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return cleaned


def copy_event(request, event: Event, admin_context):
    """Copy as a new event: a draft with everything but the registrations."""
    form = CopyEventForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        copy = services.copy_event(event=event, **form.cleaned_data)
        messages.success(
            request,
            _(
                "This is a draft copy of “%(title)s” with its questions and without its "
                "registrations. Check the registration dates, then publish it."
            )
            % {"title": event.title},
        )
        return redirect("admin:events_event_change", copy.pk)
    return render(
        request,
        "admin/events/event/copy.html",
        {**admin_context(), "title": _("Copy as a new event"), "form": form},
        status=400 if form.errors else 200,
    )
