import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registrations import admin_views, emails, services, tasks
from registrations.admin import QuestionInline, RegistrationInline
from registrations.forms import OrganiserMessageForm
from registrations.models import Registration, with_registration_counts

from .models import Event, Membership, Organiser, Topic
from .permissions import (
    OrganiserScopedAdmin,
    TurnoutModelAdmin,
    can_manage,
    is_member,
    managed_organisers,
    manages_lead,
)

LOCAL_TIME_FIELDS = ["starts_at", "ends_at", "registration_opens_at", "registration_closes_at"]


class EventAdminForm(forms.ModelForm):
    """Times are typed and shown in the event's own timezone, whatever the organiser's is."""

    class Meta:
        model = Event
        fields = [
            "title", "slug", "kind", "status", "summary", "description", "topics", "timezone",
            "starts_at", "ends_at", "venue_name", "venue_address", "map_url", "organiser",
            "co_organisers", "capacity", "waitlist_enabled", "waitlist_limit",
            "confirm_email_addresses",
            "registration_opens_at", "registration_closes_at", "external_registration_url",
            "website_url", "image", "category", "featured", "needs_review", "review_notes",
            "retention_days",
        ]  # fmt: skip
        help_texts = {
            "starts_at": _("In the event's timezone."),
            "ends_at": _("In the event's timezone."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            tz = self.instance.tzinfo
            for name in LOCAL_TIME_FIELDS:
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial[name] = timezone.localtime(value, tz).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        tz_name = cleaned.get("timezone")
        if tz_name:
            event_tz = zoneinfo.ZoneInfo(tz_name)
            for name in LOCAL_TIME_FIELDS:
                value = cleaned.get(name)
                if value is not None:
                    wall_clock = timezone.make_naive(value)
                    cleaned[name] = timezone.make_aware(wall_clock, event_tz)
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity is not None:
            confirmed = Registration.objects.confirmed().filter(event=self.instance).count()
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


REVIEW_FIELDSET = (_("Review"), {"fields": ["needs_review", "review_notes", "source_file"]})


@admin.register(Event)
class EventAdmin(OrganiserScopedAdmin):
    event_field = ""
    form = EventAdminForm
    list_display = [
        "title",
        "local_start",
        "status",
        "organiser",
        "places",
        "waitlisted",
        "cancelled",
    ]
    list_filter = [
        "status",
        "needs_review",
        ("organiser", admin.RelatedOnlyFieldListFilter),
        "topics",
        ("starts_at", admin.DateFieldListFilter),
    ]
    search_fields = ["title", "slug", "summary", "venue_name"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["co_organisers", "topics"]
    date_hierarchy = "starts_at"
    readonly_fields = ["registration_overview", "source_file"]
    inlines = [QuestionInline, RegistrationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "summary", "description", "topics"]}),
        REVIEW_FIELDSET,
        (_("When"), {"fields": ["timezone", "starts_at", "ends_at"]}),
        (_("Where"), {"fields": ["venue_name", "venue_address", "map_url"]}),
        (_("Organisers"), {"fields": ["organiser", "co_organisers"]}),
        (
            _("Registration"),
            {
                "fields": [
                    "registration_overview",
                    "capacity",
                    "waitlist_enabled",
                    "waitlist_limit",
                    "confirm_email_addresses",
                    "registration_opens_at",
                    "registration_closes_at",
                    "external_registration_url",
                ]
            },
        ),
        (_("Personal data"), {"fields": ["retention_days"]}),
        (
            _("On the website"),
            {
                "fields": [
                    "website_url",
                    "image",
                    "category",
                    "featured",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return with_registration_counts(super().get_queryset(request)).select_related("organiser")

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.needs_review:
            return self.fieldsets
        # Nothing to review: the section is folded away at the end.
        name, options = REVIEW_FIELDSET
        others = [fieldset for fieldset in self.fieldsets if fieldset is not REVIEW_FIELDSET]
        return [*others, (name, {**options, "classes": ["collapse"]})]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not manages_lead(request.user, obj):
            # A partner's manager could otherwise make their organisation the lead and drop the
            # real one, which would lose the event and its attendees.
            readonly += ["organiser", "co_organisers"]
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organiser":
            # An event is never handed to an organisation its lead's manager does not manage.
            kwargs["queryset"] = managed_organisers(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "co_organisers":
            kwargs["queryset"] = Organiser.objects.working_with(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not manages_lead(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            # The admin saves a change in one transaction: the emails are queued in it.
            stored = emails.queue_event_change_emails(event=obj, changed_fields=form.changed_data)
            tasks.enqueue_delivery(*stored)
            notified = len(stored)
            if notified:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d registered person will be told about the change.",
                        "%(count)d registered people will be told about the change.",
                        notified,
                    )
                    % {"count": notified},
                    messages.SUCCESS,
                )
        if change and {"capacity", "waitlist_enabled", "status"} & set(form.changed_data):
            promoted = services.fill_free_places(event=obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d person moved up from the waiting list.",
                        "%(count)d people moved up from the waiting list.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )

    @admin.display(description=_("starts"), ordering="starts_at")
    def local_start(self, event):
        return timezone.localtime(event.starts_at, event.tzinfo).strftime("%Y-%m-%d %H:%M %Z")

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
                with transaction.atomic():
                    sent, stored = emails.queue_organiser_message(
                        event=event,
                        subject=data["subject"],
                        body=data["body"],
                        include_waitlisted=data["include_waitlisted"],
                        sent_by=request.user,
                    )
                    tasks.enqueue_delivery(*stored)
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
        recipients = {
            "confirmed": Registration.objects.confirmed().filter(event=event).count(),
            "waitlisted": Registration.objects.waitlisted().filter(event=event).count(),
        }
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
                "recipients": recipients,
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


class MembershipInline(admin.TabularInline):
    """Who works for the organisation. Only superusers change it: a member who could would
    make themselves a manager, or a member of any organisation."""

    model = Membership
    extra = 1
    autocomplete_fields = ["user"]

    def has_view_permission(self, request, obj=None):
        # Without an organisation, Django asks whether to fetch any memberships at all.
        if obj is None or request.user.is_superuser:
            return is_member(request.user)
        return obj.memberships.filter(user=request.user).exists()

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Organiser)
class OrganiserAdmin(TurnoutModelAdmin):
    """Members see the organisations they work with; managers change their own's details."""

    list_display = ["name", "slug", "website", "contact_email"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).working_with(request.user)

    def has_module_permission(self, request):
        return is_member(request.user)

    def has_view_permission(self, request, obj=None):
        if not is_member(request.user):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        if not can_manage(request.user):
            return False
        return obj is None or managed_organisers(request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Topic)
class TopicAdmin(TurnoutModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
