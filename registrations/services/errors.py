"""Why a registration change was refused, in words for the person who asked."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _


class RegistrationError(Exception):
    """A registration change that was refused, with a message fit for the person who asked."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class RegistrationRefused(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    def __init__(self):
        super().__init__(
            format_html(
                _(
                    "This email address is already registered for this event. Use the personal "
                    'link from your registration to see or change it. <a href="{}">Lost your '
                    "link?</a>"
                ),
                reverse("registrations:lost_link"),
            ),
            code="duplicate",
        )
