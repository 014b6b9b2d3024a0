"""Background tasks of events: the email inviting a colleague to an organisation.

Given the membership's id, never the address: task rows are kept after they run."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Membership


@task()
def send_invitation(membership_id: int) -> None:
    membership = (
        Membership.objects.select_related("user", "organiser").filter(pk=membership_id).first()
    )
    if membership is None:  # removed before the worker got to it
        return
    user = membership.user
    if user.has_usable_password():
        link = settings.SITE_URL + reverse("admin:index")
    else:
        # Django's password-reset token: single use (it changes with the password) and it
        # expires after PASSWORD_RESET_TIMEOUT.
        link = settings.SITE_URL + reverse(
            "set_password",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    context = {
        "organiser": membership.organiser,
        "role": membership.get_role_display(),
        "username": user.get_username(),
        "link": link,
        "new_account": not user.has_usable_password(),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    send_mail(
        subject=_("You are invited to manage the events of %(organiser)s")
        % {"organiser": membership.organiser.name},
        message=render_to_string("emails/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def enqueue(task_function, *args) -> None:
    """Queue ``task_function``: in the caller's transaction with the database backend, after
    the commit with the immediate one (which would run before the change is committed)."""
    if task_function.get_backend().supports_defer:
        task_function.enqueue(*args)
    else:
        transaction.on_commit(lambda: task_function.enqueue(*args))
