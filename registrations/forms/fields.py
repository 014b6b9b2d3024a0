"""What every form of attendees and organisers shares: cleaning text and addresses, the
field each kind of question is asked with."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _

from ..models import (
    ASKED_FIELDS,
    NONE_OF_THESE_LABEL,
    OFFERABLE_DIETS,
    YES_NO_LABELS,
    Asked,
    Diet,
    Question,
    RegistrationSettings,
    diet_list,
)

DETAIL_FIELDS = [
    "name", "email", "organisation", "role", "access_needs", "dietary_options",
    "dietary_requirements",
]  # fmt: skip


EMAIL_FORMAT_MESSAGE = _("Enter an email address in the correct format, like name@example.org")


TOO_LONG_MESSAGE = _("Shorten this to %(limit_value)d characters or fewer: it has %(show_value)d.")


# Fields people never see or never leave out: they get no "(optional)".
NOT_MARKED_OPTIONAL = {"website", "submission_key"}


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
        "error_messages": {
            "required": _("Select an answer to this question")
            if question.kind in (*Question.CHOICE_KINDS, Kind.YES_NO)
            else _("Answer this question")
        },
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
        hint = _("Select all that apply.")
        common["help_text"] = (
            format_html("{} {}", hint, common["help_text"]) if question.help_text else hint
        )
        return ChecksWithNoneField(
            choices=[*choices, (Question.NONE_OF_THESE, NONE_OF_THESE_LABEL)],
            # static/forms.js unticks the other boxes when this one is ticked, and back.
            widget=forms.CheckboxSelectMultiple(attrs={"data-exclusive": Question.NONE_OF_THESE}),
            **common,
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


class ChecksWithNoneField(forms.MultipleChoiceField):
    """Checkboxes with "None of these", which cannot be chosen together with another box."""

    def validate(self, value):
        super().validate(value)
        if Question.NONE_OF_THESE in value and len(value) > 1:
            raise ValidationError(
                _("Select “None of these” or the options that apply, not both"),
                code="none_and_others",
            )


class DietsField(forms.MultipleChoiceField):
    """Dietary options as checkboxes, given and taken as the model stores them: codes
    separated by commas, in the order of the choices."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, offered=OFFERABLE_DIETS, always=(Diet.NONE, Diet.OTHER), **kwargs):
        choices = [(code, Diet(code).label) for code in [*offered, *always]]
        super().__init__(choices=choices, **kwargs)

    def __deepcopy__(self, memo):
        # Each form gets a copy of its fields. The choices are pairs of texts, which nothing
        # changes: a new list of the same pairs, where a deep copy of each pair took longer
        # than copying every other field of the registration form.
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = list(self._choices)
        return result

    def prepare_value(self, value):
        return diet_list(value) if isinstance(value, str) else value

    def to_python(self, value):
        # A form posted back with the stored value as it was ("" for none) chose nothing.
        return [code for code in super().to_python(value) for code in diet_list(code)]

    def validate(self, value):
        super().validate(value)
        if Diet.NONE in value and len(value) > 1:
            raise ValidationError(
                _("Choose “No dietary requirements” or the requirements you have, not both."),
                code="none_and_diets",
            )

    def clean(self, value):
        chosen = set(super().clean(value))
        return ",".join(code for code, _label in self.choices if code in chosen)

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial or ""), data)


def other_diet_checked(form: forms.Form) -> None:
    """Words in "other" count as choosing it; choosing it asks for the words."""
    if "dietary_options" not in form.fields or form.has_error("dietary_options"):
        return
    chosen = diet_list(form.cleaned_data.get("dietary_options", ""))
    text = form.cleaned_data.get("dietary_requirements", "").strip()
    if text and Diet.OTHER not in chosen:
        if Diet.NONE in chosen:
            form.add_error(
                "dietary_requirements",
                _("You chose “No dietary requirements”: leave this empty, or choose “Other”."),
            )
            return
        form.cleaned_data["dietary_options"] = ",".join([*chosen, Diet.OTHER])
        if "dietary_options" not in form.changed_data:
            form.changed_data.append("dietary_options")
    elif Diet.OTHER in chosen and not text:
        form.add_error("dietary_requirements", _("Say which dietary requirement you have"))


# What each core field says when it is required and left empty.
REQUIRED_MESSAGES = {
    "organisation": _("Enter your organisation"),
    "role": _("Enter your role or job title"),
    "access_needs": _("Enter your access needs, or “none”"),
    "dietary_requirements": _("Choose your dietary requirements, or “No dietary requirements”"),
}


def ask_core_fields(fields: dict[str, forms.Field], field_settings: RegistrationSettings) -> None:
    """Ask, require or leave out the core ``fields`` of a form as the event's settings say, and
    offer the event's dietary options (the text box is then for "other")."""
    for name in ASKED_FIELDS:
        asked = field_settings.asked(name)
        if name == "dietary_requirements" and asked != Asked.HIDDEN:
            fields["dietary_options"] = DietsField(
                offered=field_settings.offered_diets,
                label=_("Dietary requirements"),
                required=asked == Asked.REQUIRED,
                error_messages={"required": REQUIRED_MESSAGES[name]},
            )
            text = fields["dietary_requirements"]
            text.label = _("Other dietary requirement")
            text.help_text = _("If you chose “Other”: what you need, allergies included.")
            continue
        if asked == Asked.HIDDEN:
            del fields[name]
            if name == "dietary_requirements":
                fields.pop("dietary_options", None)
        elif asked == Asked.REQUIRED:
            fields[name].required = True
            fields[name].error_messages["required"] = REQUIRED_MESSAGES[name]


class LanguageSelect(forms.Select):
    """The site's languages, each named in its own language and marked with it, so a screen
    reader reads "Euskara" as Basque on an English page."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"] = {"lang": value, **option["attrs"]}
        return option
