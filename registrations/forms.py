import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Registration

DETAIL_FIELDS = ["name", "email", "organisation", "role", "access_needs", "dietary_requirements"]


def no_control_characters(value: str) -> None:
    if any(ord(char) < 32 for char in value):
        raise ValidationError(_("Please use a single line without line breaks or tabs."))


class AttendeeDetailsForm(forms.ModelForm):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "organisation", "role"):
            self.fields[name].validators.append(no_control_characters)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        local, _at, domain = email.rpartition("@")
        return f"{local}@{domain.lower()}"

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

    def service_arguments(self) -> dict[str, str]:
        arguments = {name: self.cleaned_data[name] for name in DETAIL_FIELDS}
        arguments["submission_key"] = self.cleaned_data.get("submission_key") or ""
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
