"""Records organisers look at and never edit: the messages they sent and the emails."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.permissions import OrganiserScopedAdmin
from registrations import delivery
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

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            level, text = worker_state()
            if text:
                self.message_user(request, text, level)
        return super().changelist_view(request, extra_context)


def worker_state() -> tuple[int, str]:
    """What the Emails page says about the email worker: when it last ran, and a warning
    when emails wait and no worker has run for a while (``manage.py db_worker`` is down)."""
    now = timezone.now()
    waiting = delivery.waiting_without_worker(now)
    last = delivery.worker_last_ran()
    if waiting and last is None:
        return messages.WARNING, ngettext(
            "%(count)d email has waited more than 10 minutes and no email worker has run "
            "yet: is manage.py db_worker running?",
            "%(count)d emails have waited more than 10 minutes and no email worker has run "
            "yet: is manage.py db_worker running?",
            waiting,
        ) % {"count": waiting}
    if waiting:
        return messages.WARNING, ngettext(
            "%(count)d email has waited more than 10 minutes and the email worker last ran "
            "%(when)s: is manage.py db_worker running?",
            "%(count)d emails have waited more than 10 minutes and the email worker last ran "
            "%(when)s: is manage.py db_worker running?",
            waiting,
        ) % {"count": waiting, "when": _minutes_ago(now, last)}
    if last is None:
        return messages.INFO, ""
    return messages.INFO, _("The email worker last ran %(when)s.") % {
        "when": _minutes_ago(now, last)
    }


def _minutes_ago(now, then) -> str:
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 1:
        return _("less than a minute ago")
    return ngettext("%(count)d minute ago", "%(count)d minutes ago", minutes) % {"count": minutes}
