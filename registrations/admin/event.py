"""The event admin with registrations, registered in place of events' own (as Django's docs
extend ``UserAdmin``): questions, registrations, counts and the organiser pages of one event
(export, sign-in sheet, catering, dashboard, check-in, message). Rules stay in services."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from events import admin as event_admin
from events.models import Event
from registrations import admin_views, changes, emails, services
from registrations.audiences import message_recipients
from registrations.forms import OrganiserMessageForm
from registrations.models import OrganiserMessage, Registration

from .added import add_registration
from .copy import copy_event
from .event_form import EventAdminForm, count_column, online_overview, places_text, with_overview
from .registration import QuestionInline
from .reports import report_page
from .settings import (
    changed_settings,
)
from .website_change import website_change, website_changes

# The buttons of the page that asks before a change is saved (``_ask_before_telling``).
TELL, DONT_TELL = "_tell_attendees", "_dont_tell_attendees"

# How many registrations the event's own page lists; the registrations list has them all.
LATEST_REGISTRATIONS = 20


admin.site.unregister(Event)


@admin.register(Event)
class EventAdmin(event_admin.EventAdmin):
    form = EventAdminForm
    list_display = [*event_admin.EventAdmin.list_display, "places", "waitlisted", "cancelled"]
    readonly_fields = [
        "registration_overview",
        "latest_registrations",
        *event_admin.EventAdmin.readonly_fields,
    ]
    # Registrations are listed, not an inline: an inline sends hidden fields for every row,
    # and an event of 500 people would pass Django's limit of 1,000 fields and not save.
    inlines = [QuestionInline]
    fieldsets = with_overview(event_admin.EventAdmin.fieldsets)

    def visible_events(self, request):
        """The events the user may see, without the counts the list and the event's page show:
        the organiser pages of one event (exports, check-in…) need no count of its
        registrations, which costs more the bigger the event."""
        return super().get_queryset(request).select_related("registration_settings")

    def get_queryset(self, request):
        return self.visible_events(request).annotate(
            confirmed_count=count_column("confirmed"),
            waitlisted_count=count_column("waitlisted"),
            cancelled_count=count_column("cancelled"),
            confirmed_online_count=count_column(
                "confirmed", attendance=Registration.Attendance.ONLINE
            ),
            waitlisted_online_count=count_column(
                "waitlisted", attendance=Registration.Attendance.ONLINE
            ),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            asking = self._ask_before_telling(request, object_id)
            if asking is not None:
                return asking
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.RegistrationRefused as refused:
            # Places were confirmed between the form's check and the save: nothing was saved.
            self.message_user(request, refused.message, messages.ERROR)
            return redirect(request.get_full_path())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        event = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        if event is not None and event.pending_import:
            # The banner "The website now says …", leading to its confirmation.
            extra_context = {**(extra_context or {}), "website_changes": website_changes(event)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        self._save_model(request, obj, form, change)
        changed = changed_settings(form)
        if changed:
            services.save_registration_settings(event=obj, **changed)

    def _save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        cancelling = changes.change_kind(obj, form.changed_data) == emails.Kind.EVENT_CANCELLED
        changed = services.change_event(
            event=obj,
            changed_fields=form.changed_data,
            # Told unless the organiser chose not to; a cancellation is always told.
            notify=cancelling or DONT_TELL not in request.POST,
            reason=request.POST.get("cancel_reason", "").strip()[:1000],
        )
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

    def _ask_before_telling(self, request, object_id):
        """Before a change of the time or place, or a cancellation, is saved: the page that
        asks whether to tell the attendees, with the email they would get; a cancellation
        also asks for the reason. None when there is nothing to ask (the change is saved as
        it comes)."""
        answered = TELL in request.POST or DONT_TELL in request.POST
        reason = request.POST.get("cancel_reason", "").strip()
        if answered and reason:
            return None
        event = self.get_object(request, unquote(object_id))
        if event is None or not self.has_change_permission(request, event):
            return None
        before = self.get_object(request, unquote(object_id))
        fields = flatten_fieldsets(self.get_fieldsets(request, event))
        form = self.get_form(request, event, change=True, fields=fields)(
            request.POST, request.FILES, instance=event
        )
        if not form.is_valid():
            return None
        kind = changes.change_kind(event, form.changed_data)
        recipients = changes.change_recipients(before)
        count = recipients.count() if kind else 0
        cancelling = kind == emails.Kind.EVENT_CANCELLED
        if not count or (answered and not cancelling):
            return None
        details = {
            "changes": changes.event_changes(before, event),
            "reason": str(_("(the reason you give below)")),
        }
        sample = recipients.first()
        text, _html = changes.render_event_change(
            event=event, registration=sample, kind=kind, details=details
        )
        return TemplateResponse(
            request,
            "admin/events/event/change_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": before,
                "title": _("Tell the attendees?"),
                "count": count,
                "cancelling": cancelling,
                "changes": details["changes"],
                "subject": changes.change_subject(kind, event),
                "preview": text.replace(sample.personal_link_placeholder, str(_("(their link)"))),
                "posted": [
                    (name, value)
                    for name, values in request.POST.lists()
                    if name not in ("csrfmiddlewaretoken", "cancel_reason", TELL, DONT_TELL)
                    for value in values
                ],
                # A cancellation confirmed without a reason is asked again.
                "reason_missing": answered,
                "tell": TELL,
                "dont_tell": DONT_TELL,
            },
        )

    @admin.display(description=_("confirmed / capacity"), ordering="confirmed_count")
    def places(self, event):
        if not event.is_hybrid:
            return places_text(event.confirmed_count, event.capacity)
        # Each mode of a hybrid event against its own capacity.
        return format_html(
            "{}: {} · {}: {}",
            _("in person"),
            places_text(event.confirmed_count - event.confirmed_online_count, event.capacity),
            _("online"),
            places_text(event.confirmed_online_count, event.online_capacity),
        )

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
        in_person = event.confirmed_count - (event.confirmed_online_count if event.is_hybrid else 0)
        over = event.capacity is not None and in_person > event.capacity
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
        ) + (online_overview(event) if event.is_hybrid else "")

    @admin.display(description=_("registrations"))
    def latest_registrations(self, event):
        if not event.pk:
            return ""
        registrations = Registration.objects.filter(event=event).order_by("-created_at", "-pk")
        return render_to_string(
            "admin/events/event/latest_registrations.html",
            {
                "registrations": registrations[:LATEST_REGISTRATIONS],
                "total": event.confirmed_count + event.waitlisted_count + event.cancelled_count,
                "list_url": reverse("admin:registrations_registration_changelist")
                + f"?event__id__exact={event.pk}",
            },
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
        ("website-change/", website_change, "website_change", True),
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
                "reports/",
                self.admin_site.admin_view(lambda request: report_page(self, request)),
                name="events_event_report",
            ),
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
            event = get_object_or_404(self.visible_events(request), pk=object_id)
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
        form = OrganiserMessageForm(
            request.POST or None, event=event, initial=self._message_initial(event)
        )
        preview = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            audience = form.audience()
            if "_send" in request.POST:
                sent = services.send_organiser_message(
                    event=event,
                    subject=data["subject"],
                    body=data["body"],
                    sent_by=request.user,
                    **audience,
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
            preview = self._message_preview(event, data, audience)
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

    def _message_initial(self, event) -> dict:
        # After the event the usual message is a thank-you to those who came.
        if event.ends_at > timezone.now():
            return {}
        return {
            "subject": gettext("Thank you for coming to %(title)s") % {"title": event.title},
            "attendance": OrganiserMessage.Attendance.CAME,
        }

    def _message_preview(self, event, data, audience) -> dict:
        recipients = message_recipients(event, **audience)
        sample = recipients.first() or Registration(
            event=event, name=_("Attendee name"), email="attendee@example.org"
        )
        text, _html = emails.render_organiser_message(
            event=event, registration=sample, body=data["body"]
        )
        return {"count": recipients.count(), "subject": data["subject"], "text": text}
