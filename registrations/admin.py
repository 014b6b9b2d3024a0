from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.permissions import OrganiserScopedAdmin

from . import services
from .forms import no_control_characters
from .models import OrganiserMessage, OutboundEmail, Registration

DETAIL_FIELDS = ["name", "email", "organisation", "role", "access_needs", "dietary_requirements"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    fields = ["name", "email", "organisation", "status", "created_at", "checked_in_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ["status", "created_at"]


class RegistrationAdminForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "organisation", "role"):
            if name in self.fields:
                self.fields[name].validators.append(no_control_characters)

    def clean_email(self):
        email = self.cleaned_data["email"]
        duplicate = (
            Registration.objects.active()
            .filter(event_id=self.instance.event_id, email__iexact=email)
            .exclude(pk=self.instance.pk)
        )
        if duplicate.exists():
            raise ValidationError(
                _("Another registration for this event already uses this email address.")
            )
        return email


@admin.register(Registration)
class RegistrationAdmin(OrganiserScopedAdmin):
    form = RegistrationAdminForm
    list_display = [
        "name",
        "email",
        "organisation",
        "event",
        "status",
        "registered",
        "checked_in_at",
    ]
    list_filter = ["status", ("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "email", "organisation"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
    actions = ["cancel_registrations"]
    fieldsets = [
        (None, {"fields": ["event", "status", *DETAIL_FIELDS]}),
        (
            _("Record"),
            {
                "fields": [
                    "created_at",
                    "privacy_consent_at",
                    "privacy_notice_version",
                    "cancelled_at",
                    "cancellation_reason",
                    "checked_in_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "event",
        "status",
        "created_at",
        "privacy_consent_at",
        "privacy_notice_version",
        "cancelled_at",
        "cancellation_reason",
        "checked_in_at",
    ]

    def has_add_permission(self, request):
        # Places are only given through the public form, which checks capacity and consent.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would hide who held a place; cancelling keeps the record.
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in DETAIL_FIELDS
        }
        services.update_details(registration=obj, **changes)

    @admin.display(description=_("registered at"), ordering="created_at")
    def registered(self, registration):
        return timezone.localtime(registration.created_at, registration.event.tzinfo).strftime(
            "%Y-%m-%d %H:%M"
        )

    @admin.action(description=_("Cancel selected registrations"))
    def cancel_registrations(self, request, queryset):
        reason = _("Cancelled by %(user)s") % {"user": request.user.get_username()}
        count = promoted = 0
        for registration in queryset.exclude(status=Registration.Status.CANCELLED):
            promoted += len(services.cancel(registration=registration, reason=reason))
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d registration cancelled.", "%(count)d registrations cancelled.", count
            )
            % {"count": count}
            + (
                " " + _("%(count)d moved up from the waiting list.") % {"count": promoted}
                if promoted
                else ""
            ),
        )


class ReadOnlyScopedAdmin(OrganiserScopedAdmin):
    """A record for organisers to look at: made by Turnout, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrganiserMessage)
class OrganiserMessageAdmin(ReadOnlyScopedAdmin):
    list_display = ["subject", "event", "sent_by", "sent_at", "recipient_count"]
    list_filter = [("event", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["event", "sent_by"]
    search_fields = ["subject", "body"]
    date_hierarchy = "sent_at"
    fields = [
        "event", "subject", "body", "include_waitlisted", "sent_by", "sent_at", "recipient_count",
    ]  # fmt: skip


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyScopedAdmin):
    list_display = ["subject", "recipient", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind", ("event", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["event"]
    search_fields = ["recipient", "recipient_name", "subject"]
    date_hierarchy = "created_at"
    fields = [
        "kind", "event", "registration", "recipient_name", "recipient", "subject", "status",
        "attempts", "created_at", "next_attempt_at", "sent_at", "last_error", "message_id",
        "body_text",
    ]  # fmt: skip
