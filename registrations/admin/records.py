"""Records organisers look at and never edit: the messages they sent and the emails."""

from django.contrib import admin

from events.permissions import OrganiserScopedAdmin
from registrations.models import OrganiserMessage, OutboundEmail


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
        "event", "subject", "body", "include_waitlisted", "attendance", "answer_question",
        "answer_option", "sent_by", "sent_at", "recipient_count",
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
