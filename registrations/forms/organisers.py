"""The forms organisers fill in on their pages of an event."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..models import OrganiserMessage, Question, Registration, validate_name
from ..models.questions import YES_NO_LABELS
from .fields import (
    DETAIL_FIELDS,
    DietsField,
    LanguageSelect,
    no_control_characters,
    normalise_email,
    other_diet_checked,
)
from .public import QuestionsMixin


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
    attendance = forms.ChoiceField(
        label=_("By attendance"),
        required=False,
        choices=OrganiserMessage.Attendance.choices,
        help_text=_("After the event: write to those who came, or to those who did not."),
    )
    answer = forms.ChoiceField(
        label=_("By an answer"),
        required=False,
        help_text=_("Only to those who gave this answer."),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        # Each option of each question with options, as "<question id>:<option number>".
        self.answers = {}
        groups = []
        questions = Question.objects.filter(event=event).current().order_by("position", "pk")
        for question in questions:
            if question.kind == Question.Kind.YES_NO:
                options = [(value, str(label)) for value, label in YES_NO_LABELS.items()]
            elif question.kind in Question.CHOICE_KINDS:
                options = [(option, option) for option in question.option_list]
            else:
                continue
            choices = []
            for index, (value, label) in enumerate(options):
                key = f"{question.pk}:{index}"
                self.answers[key] = (question, value)
                choices.append((key, label))
            groups.append((question.label, choices))
        self.fields["answer"].choices = [("", _("Any answer")), *groups]
        if not groups:
            del self.fields["answer"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("attendance") and cleaned.get("include_waitlisted"):
            self.add_error(
                "include_waitlisted",
                _(
                    "People on the waiting list had no place to attend: untick this box or "
                    "write to everyone whether they came or not."
                ),
            )
        return cleaned

    def audience(self) -> dict:
        """The service's arguments for whom the message goes to."""
        question, option = self.answers.get(self.cleaned_data.get("answer") or "", (None, ""))
        return {
            "include_waitlisted": self.cleaned_data["include_waitlisted"],
            "attendance": self.cleaned_data["attendance"],
            "answer_question": question,
            "answer_option": option,
        }


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


def language_field() -> forms.ChoiceField:
    """The language of the emails of someone an organiser registers. The page offers the
    event's main language first (``initial``); a form sent without one gets it too."""
    return forms.ChoiceField(
        label=_("Language of their emails"),
        choices=settings.LANGUAGES,
        widget=LanguageSelect,
        required=False,
        help_text=_("The event's main language, unless they read another one better."),
    )


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
    language = language_field()
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
    dietary_options = DietsField(label=_("Dietary requirements"), required=False)
    dietary_requirements = forms.CharField(
        label=_("Other dietary requirement"),
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
    language = language_field()
    allow_over_capacity = forms.BooleanField(
        label=_("Give a place over capacity"),
        required=False,
        help_text=_("Only if the venue has room: the event may already be full."),
    )

    def __init__(self, *args, questions=(), hybrid=False, **kwargs):
        super().__init__(*args, **kwargs)
        if hybrid:  # a place in person or online, each mode with its own capacity
            self.fields["attendance"] = forms.ChoiceField(
                label=_("How they will attend"),
                choices=Registration.Attendance.choices,
                initial=Registration.Attendance.IN_PERSON,
                widget=forms.RadioSelect,
            )
        self.add_questions(questions)
        for question in self.questions:
            # The organisers may not know every answer; the attendee can add it later.
            self.fields[question.field_name].required = False

    def clean(self):
        cleaned = super().clean()
        other_diet_checked(self)
        return cleaned

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def service_arguments(self) -> dict:
        arguments = {
            name: self.cleaned_data[name]
            for name in [*DETAIL_FIELDS, "note", "language", "allow_over_capacity"]
        }
        arguments["answers"] = self.answers()
        arguments["attendance"] = self.cleaned_data.get("attendance", "")
        return arguments


class ReportForm(forms.Form):
    """The period of a report across events: the days the events start on, both included."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period comes before its start."))
        return cleaned
