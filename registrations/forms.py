import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _

from .models import YES_NO_LABELS, Question, Registration, validate_name

DETAIL_FIELDS = ["name", "email", "organisation", "role", "access_needs", "dietary_requirements"]


def no_control_characters(value: str) -> None:
    if any(ord(char) < 32 for char in value):
        raise ValidationError(_("Please use a single line without line breaks or tabs."))


def normalise_email(email: str) -> str:
    """The domain of an address is case-insensitive; the part before the @ is kept as typed."""
    local, _at, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def question_field(question: Question) -> forms.Field:
    """The form field that asks ``question`` and checks the answer by its type.

    The organisers' wording is escaped here, once: form renderers show help texts as HTML,
    and an escaped label or option is never escaped twice.
    """
    Kind = Question.Kind
    common = {
        "label": escape(question.label),
        "help_text": escape(question.help_text),
        "required": question.required,
    }
    choices = [(option, escape(option)) for option in question.option_list]
    if question.kind == Kind.SHORT_TEXT:
        return forms.CharField(max_length=500, validators=[no_control_characters], **common)
    if question.kind == Kind.LONG_TEXT:
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if question.kind == Kind.RADIO:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == Kind.SELECT:
        return forms.ChoiceField(choices=[("", _("Choose…")), *choices], **common)
    if question.kind == Kind.CHECKBOXES:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if question.kind == Kind.YES_NO:
        # Two buttons, not one checkbox: "required" means an answer either way.
        return forms.TypedChoiceField(
            choices=list(YES_NO_LABELS.items()),
            coerce=lambda value: value == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if question.kind == Kind.NUMBER:
        return forms.DecimalField(
            max_digits=15,
            decimal_places=4,
            widget=forms.NumberInput(attrs={"step": "any"}),
            **common,
        )
    if question.kind == Kind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if question.kind == Kind.EMAIL:
        return forms.EmailField(**common)
    if question.kind == Kind.URL:
        return forms.URLField(max_length=500, assume_scheme="https", **common)
    raise ValueError(f"Unknown question type {question.kind!r}")


class QuestionsMixin:
    """Adds one field per question of the event, after the core fields, with stored answers."""

    def add_questions(self, questions, answers=None) -> None:
        self.questions = list(questions)
        stored = {answer.question_id: answer.value for answer in answers or ()}
        for question in self.questions:
            self.fields[question.field_name] = question_field(question)
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


class AttendeeDetailsForm(QuestionsMixin, forms.ModelForm):
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
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "role": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "access_needs": forms.Textarea(attrs={"rows": 2}),
            "dietary_requirements": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, questions=(), answers=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "organisation", "role"):
            self.fields[name].validators.append(no_control_characters)
        # The model's own checks are left to the service (see _post_clean); this one is
        # about the input, so it is shown next to the field.
        self.fields["name"].validators.append(validate_name)
        self.add_questions(questions, answers)

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def _post_clean(self):
        # The service checks uniqueness under the event lock; the form only checks input.
        pass


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

    class Meta(AttendeeDetailsForm.Meta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["privacy_consent"].label = format_html(
            _(
                "I agree that my details are used to organise this event, "
                'as the <a href="{}">privacy notice</a> explains.'
            ),
            reverse("privacy"),
        )
        if not self.is_bound:
            self.initial["submission_key"] = secrets.token_urlsafe(16)

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(_("Please leave this field empty."))
        return ""

    def service_arguments(self) -> dict:
        arguments = {name: self.cleaned_data[name] for name in DETAIL_FIELDS}
        arguments["submission_key"] = self.cleaned_data.get("submission_key") or ""
        arguments["answers"] = self.answers()
        return arguments


class LostLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address you registered with."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip()


class OrganiserMessageForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=200, validators=[no_control_characters]
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text=_(
            "Plain text. Each attendee's email adds a greeting, the event details and their "
            "personal link."
        ),
    )
    include_waitlisted = forms.BooleanField(
        label=_("Also send to the waiting list"), required=False
    )


class ExportForm(forms.Form):
    """Which columns and which registrations go into an export; nothing chosen means all."""

    columns = forms.MultipleChoiceField(
        label=_("Columns"), required=False, widget=forms.CheckboxSelectMultiple
    )
    statuses = forms.MultipleChoiceField(
        label=_("Registrations"),
        required=False,
        choices=Registration.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    # Sent by the export page, whose boxes start ticked: there, an empty choice is a mistake.
    chosen = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, export_columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = [(column.key, column.title) for column in export_columns]
        self.initial.setdefault("columns", [column.key for column in export_columns])
        self.initial.setdefault("statuses", Registration.Status.values)
        self.initial.setdefault("chosen", True)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("chosen"):
            if not cleaned.get("columns"):
                self.add_error("columns", _("Choose at least one column."))
            if not cleaned.get("statuses"):
                self.add_error("statuses", _("Choose at least one kind of registration."))
        return cleaned

    def export_arguments(self) -> dict:
        return {
            "columns": self.cleaned_data["columns"] or None,
            "statuses": self.cleaned_data["statuses"] or None,
        }


class WalkInForm(forms.Form):
    """Someone who turns up without a place, registered and checked in at the door."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        validators=[no_control_characters, validate_name],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("Needed for the record and to send them event updates."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200, required=False, validators=[no_control_characters]
    )
    privacy_consent = forms.BooleanField(
        label=_("They agreed to the privacy notice."),
        error_messages={"required": _("Ask them to agree to the privacy notice first.")},
    )
    allow_over_capacity = forms.BooleanField(
        label=_("Let them in over capacity"),
        required=False,
        help_text=_("Only if the venue has room: the event may already be full."),
    )

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class OrganiserRegistrationForm(QuestionsMixin, forms.Form):
    """Someone the organisers register themselves, with a note in place of consent."""

    name = forms.CharField(
        label=_("Name"), max_length=200, validators=[no_control_characters, validate_name]
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("They receive their confirmation and personal link here."),
    )
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200, required=False, validators=[no_control_characters]
    )
    role = forms.CharField(
        label=_("Role or job title"),
        max_length=200,
        required=False,
        validators=[no_control_characters],
    )
    access_needs = forms.CharField(
        label=_("Access needs"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )
    dietary_requirements = forms.CharField(
        label=_("Dietary requirements"),
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        validators=[no_control_characters],
        help_text=_(
            "Who they are and how they agreed, in place of the form's consent: “Speaker, "
            "agreed by email”."
        ),
    )
    allow_over_capacity = forms.BooleanField(
        label=_("Give a place over capacity"),
        required=False,
        help_text=_("Only if the venue has room: the event may already be full."),
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_questions(questions)
        for question in self.questions:
            # The organisers may not know every answer; the attendee can add it later.
            self.fields[question.field_name].required = False

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def service_arguments(self) -> dict:
        arguments = {
            name: self.cleaned_data[name]
            for name in [*DETAIL_FIELDS, "note", "allow_over_capacity"]
        }
        arguments["answers"] = self.answers()
        return arguments
