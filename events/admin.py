"""The admin of organisers, events and topics.

``registrations.admin`` registers a subclass of ``EventAdmin`` in its place, which adds what
belongs to registrations: the questions and registrations of an event, its counts and the
organiser pages (export, sign-in sheet, catering, dashboard, check-in, message).
"""

import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import team
from .models import LANGUAGE_CODES, Event, Membership, Organiser, Topic, translation_field_names
from .permissions import (
    OrganiserScopedAdmin,
    TurnoutModelAdmin,
    can_manage,
    is_member,
    managed_organisers,
    manages_lead,
)

LOCAL_TIME_FIELDS = ["starts_at", "ends_at", "registration_opens_at", "registration_closes_at"]


def event_time_widget():
    """The browser's own date and time inputs, without the admin's "Now" and "Today"
    shortcuts: those give the organiser's clock and warn "You are N hours ahead of server
    time", while these fields are the time where the event happens."""
    return forms.SplitDateTimeWidget(
        date_attrs={"type": "date"},
        time_attrs={"type": "time"},
        date_format="%Y-%m-%d",
        time_format="%H:%M",
    )


class EventAdminForm(forms.ModelForm):
    """Times are typed and shown in the event's own timezone, whatever the organiser's is."""

    class Meta:
        model = Event
        fields = [
            "title", "slug", "kind", "status", "main_language", "summary", "description",
            "topics", "timezone",
            "starts_at", "ends_at", "attendance_mode", "venue_name", "venue_address", "map_url",
            "join_url", "organiser",
            "co_organisers", "capacity", "online_capacity", "waitlist_enabled", "waitlist_limit",
            "confirm_email_addresses", "network_limit_lifted",
            "registration_opens_at", "registration_closes_at", "external_registration_url",
            "website_url", "image", "category", "featured", "needs_review", "review_notes",
            "retention_days",
            *[name for code in LANGUAGE_CODES for name in translation_field_names(code)],
        ]  # fmt: skip
        widgets = {name: event_time_widget() for name in LOCAL_TIME_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = self.initial.get("timezone") or self.instance.timezone
        for name in LOCAL_TIME_FIELDS:
            if name in self.fields:
                field = self.fields[name]
                note = _("In the event's timezone (%(zone)s, or the one chosen above).") % {
                    "zone": zone
                }
                field.help_text = f"{field.help_text} {note}".strip()
        # A form posted without it (a script, an older page) keeps the event's language.
        if "main_language" in self.fields:
            self.fields["main_language"].required = False
        if self.instance.pk:
            tz = self.instance.tzinfo
            for name in LOCAL_TIME_FIELDS:
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial[name] = timezone.localtime(value, tz).replace(tzinfo=None)

    def clean_main_language(self):
        return self.cleaned_data["main_language"] or self.instance.main_language

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
        return cleaned


# The admin's methods that show the event's times to who may not change them.
SHOWN_TIMES = {name: f"{name}_shown" for name in LOCAL_TIME_FIELDS}

REVIEW_FIELDSET = (_("Review"), {"fields": ["needs_review", "review_notes", "source_file"]})
REGISTRATION_FIELDSET = (
    _("Registration"),
    {
        "fields": [
            "capacity",
            "online_capacity",
            "waitlist_enabled",
            "waitlist_limit",
            "confirm_email_addresses",
            "network_limit_lifted",
            "registration_opens_at",
            "registration_closes_at",
            "external_registration_url",
        ]
    },
)


# The event admin's first fieldset: what the event is, in its main language.
FIRST = ["title", "slug", "kind", "status", "main_language", "summary", "description", "topics"]


@admin.register(Event)
class EventAdmin(OrganiserScopedAdmin):
    event_field = ""
    form = EventAdminForm
    list_display = [
        "title",
        "local_start",
        "status",
        "organiser",
    ]
    list_filter = [
        "status",
        "needs_review",
        ("organiser", admin.RelatedOnlyFieldListFilter),
        "topics",
        ("starts_at", admin.DateFieldListFilter),
    ]
    search_fields = ["title", "title_en", "title_es", "title_eu", "slug", "summary", "venue_name"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["co_organisers", "topics"]
    date_hierarchy = "starts_at"
    readonly_fields = ["source_file"]
    fieldsets = [
        (None, {"fields": FIRST}),
        REVIEW_FIELDSET,
        (_("When"), {"fields": ["timezone", "starts_at", "ends_at"]}),
        (
            _("Where"),
            {
                "fields": [
                    "attendance_mode",
                    "venue_name",
                    "venue_address",
                    "map_url",
                    "join_url",
                ]
            },
        ),
        (_("Organisers"), {"fields": ["organiser", "co_organisers"]}),
        REGISTRATION_FIELDSET,
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
        # The event's words in each language, for pages and emails in that language; folded
        # away, as most events are written in one.
        *[
            (
                name,
                {
                    "fields": translation_field_names(code),
                    "classes": ["collapse"],
                    "description": _("Leave empty to show the text in the main language."),
                },
            )
            for code, name in [
                ("en", _("In English")),
                ("es", _("In Spanish")),
                ("eu", _("In Basque")),
            ]
        ],
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organiser")

    def get_changeform_initial_data(self, request):
        """A new event is led by the user's organisation, in its timezone."""
        initial = super().get_changeform_initial_data(request)
        organiser = managed_organisers(request.user).order_by("pk").first()
        if organiser is not None:
            initial.setdefault("organiser", organiser.pk)
            initial.setdefault("timezone", organiser.timezone)
        return initial

    def get_fieldsets(self, request, obj=None):
        fieldsets = self.fieldsets
        if obj is None or not obj.needs_review:
            # Nothing to review: the section is folded away at the end.
            name, options = REVIEW_FIELDSET
            others = [fieldset for fieldset in fieldsets if fieldset is not REVIEW_FIELDSET]
            fieldsets = [*others, (name, {**options, "classes": ["collapse"]})]
        if obj is not None and not self.has_change_permission(request, obj):
            # Shown, not edited: the event's times in its timezone, with its name.
            fieldsets = [
                (name, {**options, "fields": [SHOWN_TIMES.get(f, f) for f in options["fields"]]})
                for name, options in fieldsets
            ]
        return fieldsets

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

    @admin.display(description=_("starts"), ordering="starts_at")
    def local_start(self, event):
        return event.local_time_text(event.starts_at)

    def _shown_time(name):
        @admin.display(description=Event._meta.get_field(name).verbose_name)
        def shown(self, event):
            value = getattr(event, name)
            return "" if value is None else event.local_time_text(value)

        return shown

    starts_at_shown = _shown_time("starts_at")
    ends_at_shown = _shown_time("ends_at")
    registration_opens_at_shown = _shown_time("registration_opens_at")
    registration_closes_at_shown = _shown_time("registration_closes_at")
    del _shown_time


class MembershipFormSet(forms.BaseInlineFormSet):
    """Members added or removed here gain or lose staff status with their membership."""

    def save_new(self, form, commit=True):
        membership = super().save_new(form, commit=False)
        return team.add_membership(membership=membership) if commit else membership

    def delete_existing(self, obj, commit=True):
        if commit:
            team.remove_member(membership=obj)


class MembershipInline(admin.TabularInline):
    """Who works for the organisation. Its managers add colleagues by inviting them ("Invite
    a colleague") and remove members here. Only superusers add any existing account or change
    a role here: a manager who could would make anyone a member, or promote themselves."""

    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ["user"]

    def _manages(self, request, obj) -> bool:
        if request.user.is_superuser:
            return True
        return obj is not None and managed_organisers(request.user).filter(pk=obj.pk).exists()

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
        return self._manages(request, obj)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Their email address"),
        max_length=254,
        help_text=_("They receive an email with a link to choose their password."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


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

    def get_urls(self):
        invite = path(
            "<int:object_id>/invite/",
            self.admin_site.admin_view(self.invite),
            name="events_organiser_invite",
        )
        return [invite, *super().get_urls()]

    def invite(self, request, object_id):
        """A manager invites a colleague to the organisation, by email, with a role."""
        organiser = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, organiser):
            raise PermissionDenied
        form = InvitationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                team.invite_member(
                    organiser=organiser,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    gettext("The invitation is on its way to %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                    messages.SUCCESS,
                )
                return redirect("admin:events_organiser_change", organiser.pk)
        return TemplateResponse(
            request,
            "admin/events/organiser/invite.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": organiser,
                "title": gettext("Invite a colleague to %(organiser)s")
                % {"organiser": organiser.name},
                "form": form,
            },
            status=400 if form.errors else 200,
        )


@admin.register(Topic)
class TopicAdmin(TurnoutModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
