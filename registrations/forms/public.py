"""The forms attendees fill in: registering, their own details, asking for their link."""

import copy
import secrets
from functools import lru_cache

from django import forms
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..email_typos import suggested_address
from ..models import Question, Registration, RegistrationSettings, validate_name
from .fields import (
    DETAIL_FIELDS,
    EMAIL_FORMAT_MESSAGE,
    NOT_MARKED_OPTIONAL,
    TOO_LONG_MESSAGE,
    LanguageSelect,
    ask_core_fields,
    no_control_characters,
    normalise_email,
    other_diet_checked,
    question_field,
)


def mark_fields(fields: dict[str, forms.Field]) -> None:
    """Every limit of a public form's ``fields`` told in a message (the browser's ``maxlength``
    would cut pasted text short without a word), and optional fields saying so in words."""
    for name, field in fields.items():
        field.widget.attrs.pop("maxlength", None)
        field.error_messages["max_length"] = TOO_LONG_MESSAGE
        if isinstance(field, forms.EmailField):
            field.error_messages["invalid"] = EMAIL_FORMAT_MESSAGE
        if field.required or field.widget.is_hidden or name in NOT_MARKED_OPTIONAL:
            continue
        # format_html keeps an organiser's label, already escaped, from being escaped twice.
        field.label = format_html("{} {}", field.label, _("(optional)"))


class PublicFormMixin:
    """What the public forms share so that no mistake leaves anyone stuck: their fields are
    marked (``mark_fields``), and each error is listed with the field it is about."""

    def error_summary(self) -> list[tuple[str, str]]:
        """Each error with the id of the control to go to ("" for the form as a whole)."""
        summary = [("", error) for error in self.non_field_errors()]
        for bound_field in self:
            if not bound_field.errors:
                continue
            # The first control of the field: a text box, or the first of a group of options.
            subwidgets = bound_field.subwidgets
            anchor = (subwidgets[0].id_for_label if subwidgets else "") or bound_field.auto_id
            if bound_field.is_hidden:
                anchor = ""
            summary.extend((anchor, error) for error in bound_field.errors)
        return summary


class QuestionsMixin:
    """Adds one field per question of the event, after the core fields, with stored answers."""

    def add_questions(self, questions, answers=None) -> None:
        self.questions = list(questions)
        for question in self.questions:
            self.fields[question.field_name] = question_field(question)
        self.add_answers(answers)

    def add_answers(self, answers) -> None:
        """The stored ``answers`` as the initial values of their questions' fields."""
        stored = {answer.question_id: answer.value for answer in answers or ()}
        for question in self.questions:
            if question.pk in stored:
                self.initial[question.field_name] = question.from_storage(stored[question.pk])

    def question_fields(self):
        return [self[question.field_name] for question in self.questions]

    def answers(self, *, changed_only: bool = False) -> dict[Question, str]:
        """Each question with its answer as stored text ("" for no answer)."""
        return {
            question: question.to_storage(self.cleaned_data.get(question.field_name))
            for question in self.questions
            if not changed_only or question.field_name in self.changed_data
        }


def asked_fields(form_class, field_settings: RegistrationSettings, questions) -> dict:
    """The fields of ``form_class`` as an event with ``field_settings`` and ``questions`` asks
    them (``build_fields``), not to be changed: each form gets a copy of them.

    Built once for each way of asking, in each language and under each address of the site
    (an event's settings and questions give their values, not their rows): building them
    took a registration longer than the checks of what was typed."""
    return _built_fields(
        form_class,
        get_language(),
        get_script_prefix(),
        _asking(field_settings, with_id=False),
        tuple(_asking(question) for question in questions),
    )


def _asking(row, *, with_id=True) -> tuple:
    """What a row's own columns hold: those referring to other rows (its event) left out, and
    its own id unless ``with_id``."""
    return tuple(
        (field.attname, getattr(row, field.attname))
        for field in row._meta.concrete_fields
        if not field.is_relation and (with_id or not field.primary_key)
    )


@lru_cache(maxsize=128)
def _built_fields(form_class, _language, _script_prefix, field_settings, questions) -> dict:
    fields = copy.deepcopy(form_class.base_fields)
    form_class.build_fields(
        fields,
        RegistrationSettings(**dict(field_settings)),
        [Question(**dict(question)) for question in questions],
    )
    return fields


class AttendeeDetailsForm(PublicFormMixin, QuestionsMixin, forms.ModelForm):
    """The details an attendee gives and can later change from their personal link."""

    class Meta:
        model = Registration
        fields = DETAIL_FIELDS
        labels = {
            "name": _("Your name"),
            "email": _("Email address"),
            "organisation": _("Organisation"),
            "role": _("Role or job title"),
            "access_needs": _("Access needs"),
            "dietary_requirements": _("Dietary requirements"),
        }
        help_texts = {
            "email": _("We send your confirmation and your personal link here."),
            "access_needs": _(
                "Anything that would help you take part: step-free access, a hearing loop, …"
            ),
            "dietary_requirements": _("If food is served: allergies, vegetarian, vegan, halal, …"),
        }
        widgets = {
            # dir="auto": a name in Arabic or Hebrew is typed and shown right to left.
            "name": forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization", "dir": "auto"}),
            "role": forms.TextInput(attrs={"autocomplete": "organization-title", "dir": "auto"}),
            "access_needs": forms.Textarea(attrs={"rows": 2}),
            "dietary_requirements": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, questions=(), answers=(), field_settings=None, **kwargs):
        self.questions = list(questions)
        # Django gives each form a copy of its class's fields; this one gets a copy of the
        # fields as the event asks them, built once for each way of asking (``asked_fields``).
        self.base_fields = asked_fields(
            type(self), field_settings or RegistrationSettings(), self.questions
        )
        super().__init__(*args, **kwargs)
        self.add_answers(answers)

    @classmethod
    def build_fields(cls, fields, field_settings, questions) -> None:
        """Turn ``fields``, a copy of the class's, into those an event with ``field_settings``
        and ``questions`` asks."""
        for name in ("name", "organisation", "role"):
            fields[name].validators.append(no_control_characters)
        ask_core_fields(fields, field_settings)
        # The model's own checks are left to the service (see _post_clean); this one is
        # about the input, so it is shown next to the field.
        fields["name"].validators.append(validate_name)
        fields["name"].error_messages["required"] = _("Enter your name")
        fields["email"].error_messages["required"] = _("Enter your email address")
        for question in questions:
            fields[question.field_name] = question_field(question)
        mark_fields(fields)

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        other_diet_checked(self)
        return cleaned

    def core_fields(self):
        """The details the event asks besides the name and address, in the form's order."""
        return [self[name] for name in DETAIL_FIELDS[2:] if name in self.fields]

    def detail_values(self) -> dict:
        """The details the form asks, by name: those it leaves out are not changed."""
        return {name: self.cleaned_data[name] for name in DETAIL_FIELDS if name in self.fields}

    def _post_clean(self):
        # The service checks uniqueness under the event lock; the form only checks input.
        pass


class PersonalDetailsForm(AttendeeDetailsForm):
    """The details on the attendee's own page, with the language of their emails: someone may
    have registered from a browser in another language than the one they read best."""

    class Meta(AttendeeDetailsForm.Meta):
        fields = [*DETAIL_FIELDS, "language"]
        widgets = {**AttendeeDetailsForm.Meta.widgets, "language": LanguageSelect}
        labels = {**AttendeeDetailsForm.Meta.labels, "language": _("Language of your emails")}
        help_texts = {
            **AttendeeDetailsForm.Meta.help_texts,
            "language": _("Reminders and news about the event come in this language."),
        }

    @classmethod
    def build_fields(cls, fields, field_settings, questions) -> None:
        super().build_fields(fields, field_settings, questions)
        # Last, after the questions; a form sent without it (an older page) keeps it as it is.
        fields["language"] = fields.pop("language")
        fields["language"].required = False

    def clean_language(self):
        return self.cleaned_data["language"] or self.instance.language


class RegistrationForm(AttendeeDetailsForm):
    privacy_consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Please agree to the privacy notice to register.")},
    )
    # A field people never see: bots that fill in every field are turned away.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    # The address someone was asked about ("Did you mean …?") and kept as they typed it.
    email_checked = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta(AttendeeDetailsForm.Meta):
        pass

    def __init__(self, *args, modes=(), **kwargs):
        """``modes``: a hybrid event's places in person and online (``registration_summary``),
        of which the attendee chooses one."""
        super().__init__(*args, **kwargs)
        self.modes = {mode["attendance"]: mode for mode in modes}
        if self.modes:
            self.fields["attendance"] = forms.ChoiceField(
                label=_("How will you attend?"),
                choices=[(name, mode["text"]) for name, mode in self.modes.items()],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose how you will attend: in person or online")},
            )
        if not self.is_bound:
            self.initial["submission_key"] = secrets.token_urlsafe(16)

    @classmethod
    def build_fields(cls, fields, field_settings, questions) -> None:
        super().build_fields(fields, field_settings, questions)
        fields["privacy_consent"].label = format_html(
            _(
                "I agree that my details are used to organise this event, "
                'as the <a href="{}">privacy notice</a> explains.'
            ),
            reverse("privacy"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            # Bots fill in every field; so may a browser's autofill, for a person who cannot see
            # the field. The form comes back with it emptied and a word on what to do: a person
            # sends it again, most bots do not.
            self.add_error(
                None,
                _(
                    "Please check your details and select the button to send the form again: "
                    "a hidden field was filled in, perhaps by your browser."
                ),
            )
            self.data = self.data.copy()
            self.data["website"] = ""
            return cleaned
        email = cleaned.get("email")
        self.email_suggestion = ""
        if email and cleaned.get("email_checked") != email:
            self.email_suggestion = suggested_address(email)
        if self.email_suggestion:
            # Sent again from this form, the address is registered as typed.
            self.data = self.data.copy()
            self.data["email_checked"] = email
        return cleaned

    def clean_attendance(self):
        chosen = self.cleaned_data["attendance"]
        if not self.modes[chosen]["can_register"]:
            raise forms.ValidationError(self.modes[chosen]["message"], code="mode_full")
        return chosen

    def data_with_email(self, email: str) -> list[tuple[str, str]]:
        """What was sent, with ``email`` instead of the address typed: the form that accepts
        a suggested address in one click sends this."""
        replaced = {"email": email, "email_checked": email}
        pairs = [
            (name, value)
            for name, values in self.data.lists()
            if name not in replaced and name != "csrfmiddlewaretoken"
            for value in values
        ]
        return [*pairs, *replaced.items()]

    def service_arguments(self) -> dict:
        arguments = self.detail_values()
        arguments["submission_key"] = self.cleaned_data.get("submission_key") or ""
        arguments["answers"] = self.answers()
        arguments["attendance"] = self.cleaned_data.get("attendance", "")
        return arguments


class LostLinkForm(PublicFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address you registered with."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Enter the email address you registered with")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_fields(self.fields)

    def clean_email(self):
        return self.cleaned_data["email"].strip()
