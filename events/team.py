"""Who works for an organisation: colleagues invited by its managers, and the staff status
that follows membership (a member is staff; someone who is no longer a member of any
organisation is not)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from . import tasks
from .models import Membership, Organiser


@transaction.atomic
def invite_member(*, organiser: Organiser, email: str, role: str) -> Membership:
    """Make the person with ``email`` a member of ``organiser`` with ``role``, creating their
    account if they have none, and email them (a link to set their password, for a new
    account). Raises ValidationError if they are a member already."""
    User = get_user_model()
    email = email.strip()
    user = (
        User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        .order_by("pk")
        .first()
    )
    if user is None:
        # The address is the username: colleagues sign in with what the invitation names.
        user = User(username=email.lower(), email=email)
        user.set_unusable_password()
        user.save()
    elif organiser.memberships.filter(user=user).exists():
        raise ValidationError(
            {
                "email": _("This person is already a member of %(organiser)s.")
                % {"organiser": organiser.name}
            }
        )
    membership = Membership(user=user, organiser=organiser, role=role)
    membership.full_clean(validate_unique=False)
    membership.save()
    _make_staff(user)
    tasks.enqueue(tasks.send_invitation, membership.pk)
    return membership


def add_membership(*, membership: Membership) -> Membership:
    """Save a membership made in the admin; its user becomes staff."""
    membership.save()
    _make_staff(membership.user)
    return membership


@transaction.atomic
def remove_member(*, membership: Membership) -> None:
    """End a membership; a user left without any organisation is no longer staff (superusers
    keep their access)."""
    user = membership.user
    membership.delete()
    if not user.is_superuser and not user.memberships.exists() and user.is_staff:
        user.is_staff = False
        user.save(update_fields=["is_staff"])


def _make_staff(user) -> None:
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
