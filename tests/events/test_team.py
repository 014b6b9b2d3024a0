"""Setting up the team from the admin: a manager invites colleagues, membership gives access."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from events.models import Membership
from tests.factories import MembershipFactory, OrganiserFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long new password 2026"
# The worker closes its database connection: tests that run it commit for real.
with_worker = pytest.mark.django_db(transaction=True)


def invite(client, organiser, email="noa@example.org", role="viewer"):
    return client.post(
        reverse("admin:events_organiser_invite", args=[organiser.pk]),
        {"email": email, "role": role},
    )


@with_worker
def test_invitation_by_a_manager_creates_a_staff_member_and_emails_a_link(
    organiser_client, organiser, run_worker, mailoutbox
):
    response = invite(organiser_client, organiser)
    run_worker()

    user = User.objects.get(email="noa@example.org")
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("admin:events_organiser_change", args=[organiser.pk]),
    )
    assert (user.username, user.is_staff, user.has_usable_password()) == (
        "noa@example.org",
        True,
        False,
    )
    assert list(user.memberships.values_list("organiser__name", "role")) == [
        ("Connected by Data", "viewer")
    ]
    assert [(m.subject, m.to) for m in mailoutbox] == [
        ("You are invited to manage the events of Connected by Data", ["noa@example.org"])
    ]
    assert "Your username: noa@example.org" in mailoutbox[0].body


@with_worker
def test_invitation_link_sets_the_password_once_and_the_colleague_signs_in(
    organiser_client, organiser, run_worker, mailoutbox, client
):
    invite(organiser_client, organiser)
    run_worker()
    organiser_client.logout()
    link = re.search(r"http://\S+/admin/set-password/\S+", mailoutbox[0].body).group()
    path = link.removeprefix("http://localhost:8000")

    form_page = client.get(path, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    signed_in = client.post(
        reverse("admin:login"),
        {"username": "noa@example.org", "password": NEW_PASSWORD, "next": "/admin/"},
    )
    reused = client.get(path, follow=True)

    assert (done.status_code, done["Location"]) == (302, reverse("set_password_done"))
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/admin/")
    assert reused.context["validlink"] is False


def test_invitation_of_an_existing_member_is_refused_next_to_the_address(
    organiser_client, organiser, organiser_user
):
    response = invite(organiser_client, organiser, email="OLIVIA@example.org")

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "email": ["This person is already a member of Connected by Data."]
    }


@with_worker
def test_invitation_of_an_existing_account_adds_a_membership_without_a_new_user(
    organiser_client, organiser, run_worker, mailoutbox
):
    other = MembershipFactory(user=UserFactory(username="ana"), role="manager").user

    invite(organiser_client, organiser, email="ana@example.org", role="manager")
    run_worker()

    assert User.objects.filter(email="ana@example.org").count() == 1
    assert sorted(other.memberships.values_list("role", flat=True)) == ["manager", "manager"]
    assert "Sign in with your existing account here:" in mailoutbox[0].body


def test_invitation_page_refused_to_a_viewer_and_to_another_organisation(client, organiser):
    viewer = MembershipFactory(organiser=organiser, role="viewer").user
    outsider = MembershipFactory(organiser=OrganiserFactory()).user

    client.force_login(viewer)
    as_viewer = invite(client, organiser)
    client.force_login(outsider)
    as_outsider = invite(client, organiser)

    assert (as_viewer.status_code, as_outsider.status_code) == (403, 404)
    assert not User.objects.filter(email="noa@example.org").exists()


def test_removing_the_last_membership_removes_staff_status(organiser_client, organiser):
    colleague = MembershipFactory(organiser=organiser, role="viewer").user
    other = OrganiserFactory()
    page = organiser_client.get(reverse("admin:events_organiser_change", args=[organiser.pk]))
    form = page.context["adminform"].form
    formset = page.context["inline_admin_formsets"][0].formset
    data = {name: form.initial[name] for name in ("name", "slug", "timezone")}
    data.update(
        {
            f"{formset.prefix}-TOTAL_FORMS": formset.total_form_count(),
            f"{formset.prefix}-INITIAL_FORMS": formset.initial_form_count(),
        }
    )
    for index, inline_form in enumerate(formset.initial_forms):
        membership = inline_form.instance
        data[f"{formset.prefix}-{index}-id"] = membership.pk
        data[f"{formset.prefix}-{index}-organiser"] = organiser.pk
        if membership.user == colleague:
            data[f"{formset.prefix}-{index}-DELETE"] = "on"

    response = organiser_client.post(
        reverse("admin:events_organiser_change", args=[organiser.pk]), data
    )
    colleague.refresh_from_db()

    assert response.status_code == 302
    assert (colleague.is_staff, Membership.objects.filter(user=colleague).count()) == (False, 0)
    assert other.memberships.count() == 0
