"""Two-factor sign-in for organisers: a code from an authenticator app (TOTP, django-otp).

A staff user sets it up on the admin's "Two-factor sign-in" page (a QR code, the secret as
text, then a first code to confirm). From then on the admin's login asks for the code too.
With ADMIN_REQUIRE_2FA=1 a superuser without it is sent to that page before anything else.
"""

import re
from base64 import b32encode

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

WRONG_CODE = gettext_lazy(
    "This code is not the one your authenticator app shows now. Check that the phone's clock "
    "is right, wait for the next code and try again."
)


def confirmed_devices(user) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.devices_for_user(user, confirmed=True))


def has_device(user) -> bool:
    # Asked several times for each admin page: looked up once per request's user.
    if not hasattr(user, "_has_two_factor_device"):
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=True)
        user._has_two_factor_device = devices.exists()
    return user._has_two_factor_device


def is_verified(user) -> bool:
    """Whether this session's sign-in used the user's code (set by django-otp's middleware)."""
    return getattr(user, "otp_device", None) is not None


def must_set_up(user) -> bool:
    return settings.ADMIN_REQUIRE_2FA and user.is_superuser and not has_device(user)


def code_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Two-factor code"),
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )


def _clean_code(value: str) -> str:
    return re.sub(r"\s", "", value or "")


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login: username and password, and the code for those who set one up.

    A wrong username and a wrong password get the same answer, as in Django: the page does
    not tell who has an account. Only someone who typed the right password is told that
    their account is not a member of any organisation.
    """

    otp_token = code_field()
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "This username and password do not match an account. Both are case-sensitive. "
            "New colleagues choose their password from the link in their invitation first."
        ),
        "not_member": gettext_lazy(
            "Your password is right, but your account is not a member of any organisation. "
            "Ask a manager of your organisation to invite you."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].help_text = _(
            "Only if you set up two-factor sign-in: the 6-digit code your authenticator app "
            "shows now."
        )

    def confirm_login_allowed(self, user):
        # Reached only once the password is right: the code is asked for after it.
        AuthenticationForm.confirm_login_allowed(self, user)  # an inactive account
        # Staff status follows membership (events.team): not staff means a member of none.
        if not user.is_staff:
            raise ValidationError(self.error_messages["not_member"], code="not_member")
        devices = confirmed_devices(user)
        if not devices:
            return
        code = _clean_code(self.cleaned_data.get("otp_token"))
        if not code:
            raise ValidationError(
                {
                    "otp_token": _(
                        "You set up two-factor sign-in: enter the 6-digit code that your "
                        "authenticator app shows now."
                    )
                },
                code="otp_missing",
            )
        device = next((device for device in devices if device.verify_token(code)), None)
        if device is None:
            # A wrong code counts as a failed sign-in, towards the network address's lockout.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username()},
                request=self.request,
            )
            raise ValidationError({"otp_token": WRONG_CODE}, code="otp_wrong")
        # django-otp records the device in the session when the login completes.
        user.otp_device = device


class ConfirmDeviceForm(forms.Form):
    otp_token = code_field()

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.fields["otp_token"].required = True
        self.fields["otp_token"].label = _("The 6-digit code your app shows now")
        self.fields["otp_token"].error_messages["required"] = _(
            "Enter the 6-digit code that your authenticator app shows for this account."
        )

    def clean_otp_token(self):
        code = _clean_code(self.cleaned_data["otp_token"])
        if not self.device.verify_token(code):
            raise ValidationError(WRONG_CODE, code="otp_wrong")
        return code


def _secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(re.findall(".{1,4}", secret))


def _qr_code(device: TOTPDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=2, title=_("QR code for your authenticator app")
    )
    return mark_safe(svg)  # noqa: S308 - segno builds the SVG from the device's own URL


@require_http_methods(["GET", "POST"])
def setup(request):
    """The admin page where a staff user turns on two-factor sign-in for their account."""
    site = admin.site
    context = {**site.each_context(request), "title": _("Two-factor sign-in")}
    if has_device(request.user):
        return TemplateResponse(request, "admin/two_factor.html", {**context, "enabled": True})
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user,
        confirmed=False,
        defaults={"name": _("Authenticator app")},
    )
    form = ConfirmDeviceForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # This session has just shown the code: it counts as signed in with it.
        django_otp.login(request, device)
        messages.success(
            request,
            _("Two-factor sign-in is on. From now on, signing in asks for a code from your app."),
        )
        return redirect("admin:index")
    return TemplateResponse(
        request,
        "admin/two_factor.html",
        {
            **context,
            "enabled": False,
            "form": form,
            "qr_code": _qr_code(device),
            "secret": _secret(device),
        },
    )


# The admin sends a superuser who must set up two-factor sign-in here, and nowhere else.
setup.allowed_before_two_factor = True
