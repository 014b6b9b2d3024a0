"""The event admin with what belongs to registrations, registered in place of events' own
(as Django's documentation extends ``UserAdmin``): the questions and registrations of an
event, its counts, and the organiser pages of one event (export, sign-in sheet, catering,
dashboard, check-in, message). Rules stay in ``registrations.services``: this only shows."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events import admin as event_admin
from events.models import Event
from registrations import admin_views, emails, services
from registrations.forms import OrganiserMessageForm
from registrations.models import COUNTS, Registration

from .added import add_registration
from .copy import copy_event
from .registration import QuestionInline, RegistrationInline


class EventAdminForm(event_admin.EventAdminForm):
    def clean(self):
        cleaned = super().clean()
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity is not None:
            confirmed = Registration.objects.filter(event=self.instance).counts()["confirmed"]
            if capacity < confirmed:
                self.add_error(
                    "capacity",
                    ngettext(
                        "%(count)d person already holds a place. Nobody loses a confirmed place "
                        "by a change of capacity: cancel registrations first to have fewer places.",
                        "%(count)d people already hold a place. Nobody loses a confirmed place "
                        "by a change of capacity: cancel registrations first to have fewer places.",
                        confirmed,
                    )
                    % {"count": confirmed},
                )
        return cleaned


def _count(name: str):
    """``counts()[name]`` of each event, as a column the list can be sorted by."""
    per_event = (
        Registration.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(count=COUNTS[name])
        .values("count")
    )
    return Coalesce(Subquery(per_event, output_field=IntegerField()), 0)


def _with_overview(fieldsets):
    """Events' fieldsets, with the registrations' overview first in the registration section."""
    name, options = event_admin.REGISTRATION_FIELDSET
    overview = (name, {**options, "fields": ["registration_overview", *options["fields"]]})
    return [
        overview if fieldset is event_admin.REGISTRATION_FIELDSET else fieldset
        for fieldset in fieldsets
    ]


admin.site.unregister(Event)


@admin.register(Event)
class EventAdmin(event_admin.EventAdmin):
    form = EventAdminForm
    list_display = [*event_admin.EventAdmin.list_display, "places", "waitlisted", "cancelled"]
    readonly_fields = ["registration_overview", *event_admin.EventAdmin.readonly_fields]
    inlines = [QuestionInline, RegistrationInline]
    fieldsets = _with_overview(event_admin.EventAdmin.fieldsets)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_count=_count("confirmed"),
                waitlisted_count=_count("waitlisted"),
                cancelled_count=_count("cancelled"),
            )
        )

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changed = services.change_event(event=obj, changed_fields=form.changed_data)
        if changed.notified:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registered person will be told about the change.",
                    "%(count)d registered people will be told about the change.",
                    changed.notified,
                )
                % {"count": changed.notified},
                messages.SUCCESS,
            )
        if changed.promoted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person moved up from the waiting list.",
                    "%(count)d people moved up from the waiting list.",
                    len(changed.promoted),
                )
                % {"count": len(changed.promoted)},
                messages.SUCCESS,
            )

    @admin.display(description=_("confirmed / capacity"), ordering="confirmed_count")
    def places(self, event):
        if event.capacity is None:
            return f"{event.confirmed_count} / ∞"
        if event.confirmed_count > event.capacity:
            return format_html(
                '{} / {} <strong class="errornote">{}</strong>',
                event.confirmed_count,
                event.capacity,
                _("over capacity"),
            )
        return f"{event.confirmed_count} / {event.capacity}"

    @admin.display(description=_("waiting"), ordering="waitlisted_count")
    def waitlisted(self, event):
        return event.waitlisted_count

    @admin.display(description=_("cancelled"), ordering="cancelled_count")
    def cancelled(self, event):
        return event.cancelled_count

    @admin.display(description=_("registrations"))
    def registration_overview(self, event):
        if not event.pk:
            return _("Save the event to see its registrations.")
        over = event.capacity is not None and event.confirmed_count > event.capacity
        registrations_url = reverse("admin:registrations_registration_changelist")
        return format_html(
            "{} confirmed · {} waiting · {} cancelled · capacity {}{}"
            ' — <a href="{}">{}</a> · <a href="{}">{}</a>',
            event.confirmed_count,
            event.waitlisted_count,
            event.cancelled_count,
            "∞" if event.capacity is None else event.capacity,
            _(" (over capacity)") if over else "",
            f"{registrations_url}?event__id__exact={event.pk}",
            _("Manage registrations"),
            reverse("admin:events_event_attendees_csv", args=[event.pk]),
            _("Download the attendee list (CSV)"),
        )

    # Organiser pages of one event: (address after the event's, view, name, needs a manager).
    EVENT_PAGES = [
        ("attendees.csv", admin_views.attendees_csv, "attendees_csv", False),
        ("attendees.xlsx", admin_views.attendees_xlsx, "attendees_xlsx", False),
        ("export/", admin_views.export, "export", False),
        ("sign-in-sheet/", admin_views.sign_in_sheet, "sign_in_sheet", False),
        ("catering/", admin_views.catering, "catering", False),
        ("dashboard/", admin_views.dashboard, "dashboard", False),
        ("checkin/", admin_views.checkin, "checkin", True),
        ("checkin/walk-in/", admin_views.walk_in, "walk_in", True),
        ("checkin/<int:registration_id>/", admin_views.checkin_entry, "checkin_entry", True),
        ("copy/", copy_event, "copy", True),
        ("add-registration/", add_registration, "add_registration", True),
    ]

    def get_urls(self):
        return [
            path(
                f"<int:object_id>/{route}",
                self.admin_site.admin_view(self._event_page(view, manager_only)),
                name=f"events_event_{name}",
            )
            for route, view, name, manager_only in self.EVENT_PAGES
        ] + [
            path(
                "<int:object_id>/message/",
                self.admin_site.admin_view(self.message_attendees),
                name="events_event_message",
            ),
            *super().get_urls(),
        ]

    def _event_page(self, view, manager_only: bool):
        """Open ``view`` on an event of the user's organisations only: 404 for any other."""

        def scoped(request, object_id, **kwargs):
            event = get_object_or_404(self.get_queryset(request), pk=object_id)
            if manager_only and not self.has_change_permission(request, event):
                raise PermissionDenied

            def admin_context():
                return {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "original": event,
                    "event": event,
                    "has_change_permission": self.has_change_permission(request, event),
                }

            return view(request, event, admin_context, **kwargs)

        return scoped

    def message_attendees(self, request, object_id):
        """Write to the event's attendees: a preview with the number of recipients, then send."""
        event = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        form = OrganiserMessageForm(request.POST or None)
        preview = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if "_send" in request.POST:
                sent = services.send_organiser_message(
                    event=event,
                    subject=data["subject"],
                    body=data["body"],
                    include_waitlisted=data["include_waitlisted"],
                    sent_by=request.user,
                )
                self.message_user(
                    request,
                    ngettext(
                        "Your message is on its way to %(count)d person.",
                        "Your message is on its way to %(count)d people.",
                        sent.recipient_count,
                    )
                    % {"count": sent.recipient_count},
                    messages.SUCCESS,
                )
                return redirect("admin:events_event_change", event.pk)
            preview = self._message_preview(event, data)
        return TemplateResponse(
            request,
            "admin/events/event/message.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": event,
                "title": _("Message the attendees of %(title)s") % {"title": event.title},
                "form": form,
                "preview": preview,
                "recipients": Registration.objects.filter(event=event).counts(),
                "sent_messages": event.messages.select_related("sent_by")[:10],
            },
        )

    def _message_preview(self, event, data) -> dict:
        recipients = emails.message_recipients(event, include_waitlisted=data["include_waitlisted"])
        sample = recipients.first() or Registration(
            event=event, name=_("Attendee name"), email="attendee@example.org"
        )
        text, _html = emails.render_organiser_message(
            event=event, registration=sample, body=data["body"]
        )
        return {"count": recipients.count(), "subject": data["subject"], "text": text}
