from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from events.permissions import OrganiserScopedAdmin, can_manage, is_member
from registrations import services
from registrations.forms import DETAIL_FIELDS, no_control_characters, question_field
from registrations.forms.fields import DietsField, LanguageSelect, other_diet_checked
from registrations.models import Answer, Question, Registration

Status = Registration.Status


class ReadOnlyInline(admin.TabularInline):
    """Shown on pages the organiser may already see; changes go through the actions."""

    extra = 0
    max_num = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return is_member(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuestionFormSet(forms.BaseInlineFormSet):
    def delete_existing(self, obj, commit=True):
        # A question people answered is archived, so their answers stay in the exports.
        if commit:
            services.remove_question(question=obj)


class QuestionInline(admin.TabularInline):
    model = Question
    formset = QuestionFormSet
    fields = ["position", "label", "kind", "required", "help_text", "options"]
    extra = 0
    ordering = ["position", "pk"]
    verbose_name = gettext_lazy("registration question")
    verbose_name_plural = gettext_lazy(
        "Registration questions (asked after name, email, organisation, role, access needs "
        "and dietary requirements)"
    )
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 28})},
    }

    def get_queryset(self, request):
        return super().get_queryset(request).current()

    # The event admin limits which events a user sees, and Django shows these read-only on
    # an event the user may not change.
    def has_view_permission(self, request, obj=None):
        return is_member(request.user)

    def has_add_permission(self, request, obj=None):
        return can_manage(request.user)

    def has_change_permission(self, request, obj=None):
        return can_manage(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_manage(request.user)


class AnswerInline(ReadOnlyInline):
    """The attendee's answers, as they gave them; attendees change them from their own page."""

    model = Answer
    fields = ["question_label", "value"]
    readonly_fields = fields


class RegistrationAdminForm(forms.ModelForm):
    questions: list[Question] = []
    dietary_options = DietsField(label=gettext_lazy("Dietary requirements"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "organisation", "role"):
            if name in self.fields:
                self.fields[name].validators.append(no_control_characters)
        if "language" in self.fields:
            # A form sent without it (an older page) keeps the language as it is.
            self.fields["language"].required = False
            self.fields["language"].widget = LanguageSelect(choices=self.fields["language"].choices)
        stored = {answer.question_id: answer.value for answer in self.instance.answers.all()}
        for question in self.questions:
            if question.pk in stored:
                self.initial[question.field_name] = question.from_storage(stored[question.pk])

    def changed_answers(self) -> dict[Question, str]:
        return {
            question: question.to_storage(self.cleaned_data.get(question.field_name))
            for question in self.questions
            if question.field_name in self.changed_data
        }

    def clean(self):
        cleaned = super().clean()
        other_diet_checked(self)
        return cleaned

    def clean_language(self):
        return self.cleaned_data["language"] or self.instance.language

    def clean_email(self):
        email = self.cleaned_data["email"]
        holder = services.active_registration_for(self.instance.event, email)
        if holder is not None and holder.pk != self.instance.pk:
            raise ValidationError(
                _("Another registration for this event already uses this email address.")
            )
        return email


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("Kept with each registration and in its history."),
    )


@admin.register(Registration)
class RegistrationAdmin(OrganiserScopedAdmin):
    form = RegistrationAdminForm
    inlines = [AnswerInline]
    list_display = [
        "name",
        "email",
        "organisation",
        "event",
        "status",
        "attendance",
        "language",
        "registered",
        "checked_in_at",
    ]
    list_filter = [
        "status",
        "attendance",
        "language",
        ("event", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "email", "organisation"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
    actions = ["cancel_registrations", "promote_registrations"]
    fieldsets = [
        (None, {"fields": ["event", "status", "attendance", *DETAIL_FIELDS, "language"]}),
        (
            gettext_lazy("Record"),
            {
                "fields": [
                    "created_at",
                    "privacy_consent_at",
                    "privacy_notice_version",
                    "organiser_note",
                    "cancelled_at",
                    "cancellation_reason",
                    "checked_in_at",
                    "email_confirmed_at",
                    "hold_expires_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "event",
        "status",
        "attendance",
        "created_at",
        "privacy_consent_at",
        "privacy_notice_version",
        "organiser_note",
        "cancelled_at",
        "cancellation_reason",
        "checked_in_at",
        "email_confirmed_at",
        "hold_expires_at",
    ]

    def has_add_permission(self, request):
        # Organisers add people from the event's page ("Add a registration"), for one event.
        return False

    def _questions(self, obj) -> list[Question]:
        return list(obj.event.questions.current()) if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The details, and each of the event's questions for an organiser who edits the
        answers of someone who phoned."""
        questions = self._questions(obj) if self.has_change_permission(request, obj) else []
        fields = {question.field_name: question_field(question) for question in questions}
        for field in fields.values():
            field.required = False  # the organisers may not know every answer
        form = type("RegistrationAdminForm", (self.form,), {**fields, "questions": questions})
        return super().get_form(request, obj, change, form=form, **kwargs)

    def get_fieldsets(self, request, obj=None):
        questions = self._questions(obj) if self.has_change_permission(request, obj) else []
        if not questions:
            return self.fieldsets
        answers = (gettext_lazy("Answers"), {"fields": [q.field_name for q in questions]})
        return [self.fieldsets[0], answers, *self.fieldsets[1:]]

    def get_inlines(self, request, obj):
        # Who may change the answers edits them in the form instead.
        return [] if self.has_change_permission(request, obj) else self.inlines

    def get_urls(self):
        cancel = path(
            "<int:object_id>/cancel/",
            self.admin_site.admin_view(self.cancel_view),
            name="registrations_registration_cancel",
        )
        return [cancel, *super().get_urls()]

    def cancel_view(self, request, object_id):
        """Cancel one registration from its page, with a reason, as the list's action does."""
        registration = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, registration):
            raise PermissionDenied
        if registration.status == Status.CANCELLED:
            return redirect("admin:registrations_registration_change", registration.pk)
        form = CancelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            moved_up = services.cancel(registration=registration, reason=reason)
            self.log_change(request, registration, _("Cancelled: %(reason)s") % {"reason": reason})
            for person in moved_up:
                self.log_change(request, person, _("Moved up from the waiting list."))
            self.message_user(request, _("The registration is cancelled."), messages.SUCCESS)
            return redirect("admin:registrations_registration_change", registration.pk)
        return self._confirmation(
            request,
            self.get_queryset(request).filter(pk=registration.pk),
            "cancel_confirmation.html",
            form=form,
            single=registration,
        )

    def has_delete_permission(self, request, obj=None):
        # Deleting would hide who held a place; cancelling keeps the record.
        return request.user.is_superuser

    def delete_model(self, request, obj):
        services.delete(registration=obj)

    def delete_queryset(self, request, queryset):
        for registration in queryset:
            services.delete(registration=registration)

    def save_model(self, request, obj, form, change):
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in [*DETAIL_FIELDS, "language"]
        }
        services.update_details(registration=obj, answers=form.changed_answers(), **changes)

    @admin.display(description=gettext_lazy("registered at"), ordering="created_at")
    def registered(self, registration):
        # Not one of the event's times: in the organiser's timezone, as the admin shows others.
        return formats.date_format(timezone.localtime(registration.created_at), "DATETIME_FORMAT")

    def _confirmation(self, request, queryset, template, **context):
        return TemplateResponse(
            request,
            f"admin/registrations/registration/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "registrations": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                **context,
            },
        )

    def _refuse_events_only_viewed(self, request, queryset) -> bool:
        """Whether the selection holds registrations of events the user only views: then the
        action changes nothing at all, and says why."""
        only_viewed = list(self.events_only_viewed(request, queryset))
        if only_viewed:
            self.message_user(
                request,
                _(
                    "Nothing was changed: you may see but not change the registrations of "
                    "%(events)s."
                )
                % {"events": ", ".join(event.title for event in only_viewed)},
                messages.ERROR,
            )
        return bool(only_viewed)

    @admin.action(
        description=gettext_lazy("Cancel selected registrations…"), permissions=["change"]
    )
    def cancel_registrations(self, request, queryset):
        if self._refuse_events_only_viewed(request, queryset):
            return None
        queryset = queryset.exclude(status=Status.CANCELLED).select_related("event")
        form = CancelForm(request.POST if "confirm" in request.POST else None)
        if not form.is_valid():
            return self._confirmation(request, queryset, "cancel_confirmation.html", form=form)
        reason = form.cleaned_data["reason"]
        cancelled = promoted = 0
        for registration in queryset:
            moved_up = services.cancel(registration=registration, reason=reason)
            self.log_change(request, registration, _("Cancelled: %(reason)s") % {"reason": reason})
            for person in moved_up:
                self.log_change(request, person, _("Moved up from the waiting list."))
            cancelled += 1
            promoted += len(moved_up)
        message = ngettext(
            "%(count)d registration cancelled.", "%(count)d registrations cancelled.", cancelled
        ) % {"count": cancelled}
        if promoted:
            message += " " + ngettext(
                "%(count)d person moved up from the waiting list.",
                "%(count)d people moved up from the waiting list.",
                promoted,
            ) % {"count": promoted}
        self.message_user(request, message, messages.SUCCESS)
        return None

    @admin.action(
        description=gettext_lazy("Give a place to selected people on the waiting list…"),
        permissions=["change"],
    )
    def promote_registrations(self, request, queryset):
        if self._refuse_events_only_viewed(request, queryset):
            return None
        waiting = (
            queryset.filter(status=Status.WAITLISTED)
            .select_related("event")
            .order_by("created_at", "pk")
        )
        allow_over = "allow_over_capacity" in request.POST
        promoted, refused = [], []
        for registration in waiting:
            try:
                services.promote(registration=registration, allow_over_capacity=allow_over)
            except services.RegistrationRefused as error:
                refused.append((registration, error.message))
            else:
                promoted.append(registration)
                note = _("Given a place over capacity.") if allow_over else _("Given a place.")
                self.log_change(request, registration, note)
        if promoted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person now has a place.",
                    "%(count)d people now have a place.",
                    len(promoted),
                )
                % {"count": len(promoted)},
                messages.SUCCESS,
            )
        over_capacity = [registration for registration, _message in refused]
        if over_capacity:
            # Ask before going over capacity, listing exactly who would be affected.
            return self._confirmation(
                request,
                queryset.filter(pk__in=[registration.pk for registration in over_capacity]),
                "promote_confirmation.html",
                refusals=[message for _registration, message in refused],
            )
        if not waiting:
            self.message_user(
                request, _("None of the selected people is on the waiting list."), messages.WARNING
            )
        return None
