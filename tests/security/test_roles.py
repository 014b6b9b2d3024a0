"""Roles that hold in the admin: each role goes through the admin as that person would.

One event is led by "Lead Org" and co-organised by "Partner Org"; "Other Org" has an event of
its own. The people: a staff user with no membership, a viewer of the lead, a manager and a
viewer of the other organisation, a manager of the other organisation who is a viewer of the
lead, the partner's manager, the lead's manager and a superuser.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Membership, Organiser
from registrations import emails
from registrations.models import OrganiserMessage, OutboundEmail, Question, Registration
from tests.admin_forms import event_change_data
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganiserFactory,
    QuestionFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MANAGER, VIEWER = Membership.Role.MANAGER, Membership.Role.VIEWER
Status = Registration.Status
CHANGELIST = "admin:registrations_registration_changelist"


@pytest.fixture
def lead():
    return OrganiserFactory(name="Lead Org", slug="lead-org")


@pytest.fixture
def partner():
    return OrganiserFactory(name="Partner Org", slug="partner-org")


@pytest.fixture
def other():
    return OrganiserFactory(name="Other Org", slug="other-org")


@pytest.fixture
def event(lead, partner):
    event = EventFactory(organiser=lead, title="Lead event", slug="lead-event")
    event.co_organisers.add(partner)
    return event


@pytest.fixture
def other_event(other):
    return EventFactory(organiser=other, title="Other event", slug="other-event")


@pytest.fixture
def people(lead, partner, other):
    def person(username, *memberships):
        user = UserFactory(username=username)
        for organiser, role in memberships:
            MembershipFactory(user=user, organiser=organiser, role=role)
        return user

    return {
        "stranger": person("stranger"),
        "viewer": person("viewer", (lead, VIEWER)),
        "outsider": person("outsider", (other, MANAGER)),
        "other_viewer": person("other_viewer", (other, VIEWER)),
        "mixed": person("mixed", (other, MANAGER), (lead, VIEWER)),
        "partner_manager": person("partner_manager", (partner, MANAGER)),
        "lead_manager": person("lead_manager", (lead, MANAGER)),
        "superuser": UserFactory(username="root", is_superuser=True),
    }


@pytest.fixture
def login(client, people):
    def as_role(role):
        client.force_login(people[role])
        return client

    return as_role


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def action_choices(client) -> list[str]:
    action_form = client.get(reverse(CHANGELIST)).context["action_form"]
    if action_form is None:
        return []
    return [name for name, _label in action_form.fields["action"].choices]


# "View on site" follows the admin's scope


def view_on_site_url(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


@pytest.mark.parametrize("role", ["stranger", "outsider", "other_viewer"])
def test_view_on_site_of_another_organisations_draft_event_not_found(login, event, role):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)

    response = login(role).get(view_on_site_url(event))

    assert response.status_code == 404
    assert "lead-event" not in response.headers.get("Location", "")


@pytest.mark.parametrize(
    "role", ["viewer", "mixed", "partner_manager", "lead_manager", "superuser"]
)
def test_view_on_site_of_draft_event_redirects_its_organisers(login, event, role):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)

    response = login(role).get(view_on_site_url(event))

    assert response.status_code == 302
    assert response["Location"] == "http://testserver/events/lead-event/"


def test_view_on_site_of_a_model_without_admin_not_found(login, lead, people):
    membership = Membership.objects.get(user=people["lead_manager"])

    response = login("superuser").get(view_on_site_url(membership))

    assert response.status_code == 404


def test_view_on_site_of_unknown_event_not_found(login, event):
    content_type = ContentType.objects.get_for_model(Event)

    missing = login("superuser").get(reverse("admin:view_on_site", args=[content_type.pk, 0]))
    not_a_number = login("superuser").get(f"/admin/r/{content_type.pk}/abc/")

    assert (missing.status_code, not_a_number.status_code) == (404, 404)


# Registration actions: only for managers, and only on events they manage


def cancel_post(client, *registrations):
    return client.post(
        reverse(CHANGELIST),
        {
            "action": "cancel_registrations",
            "_selected_action": [registration.pk for registration in registrations],
            "confirm": "yes",
            "reason": "No longer needed",
        },
        follow=True,
    )


def promote_post(client, *registrations):
    return client.post(
        reverse(CHANGELIST),
        {
            "action": "promote_registrations",
            "_selected_action": [registration.pk for registration in registrations],
            "allow_over_capacity": "yes",
        },
        follow=True,
    )


def test_registration_actions_not_offered_to_viewer(login, event):
    RegistrationFactory(event=event)

    assert action_choices(login("viewer")) == []


def test_registration_actions_offered_to_manager(login, event):
    RegistrationFactory(event=event)

    assert action_choices(login("partner_manager")) == [
        "",
        "cancel_registrations",
        "promote_registrations",
    ]


def test_cancel_action_by_viewer_changes_nothing(login, event):
    registration = RegistrationFactory(event=event)

    response = cancel_post(login("viewer"), registration)

    assert (response.status_code, messages_of(response)) == (200, [])
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert OutboundEmail.objects.count() == 0
    assert LogEntry.objects.count() == 0


def test_cancel_action_on_event_only_viewed_changes_nothing(login, event, other_event):
    own = RegistrationFactory(event=other_event)
    viewed = RegistrationFactory(event=event)

    response = cancel_post(login("mixed"), own, viewed)

    assert messages_of(response) == [
        "Nothing was changed: you may see but not change the registrations of Lead event."
    ]
    assert list(Registration.objects.values_list("status", flat=True)) == [
        Status.CONFIRMED,
        Status.CONFIRMED,
    ]
    assert OutboundEmail.objects.count() == 0
    assert LogEntry.objects.count() == 0


def test_cancel_action_by_partner_manager_cancels(login, event):
    registration = RegistrationFactory(event=event)

    response = cancel_post(login("partner_manager"), registration)

    assert messages_of(response) == ["1 registration cancelled."]
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED


def test_promote_action_by_viewer_changes_nothing(login, event):
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED)

    promote_post(login("viewer"), waiting)

    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED
    assert OutboundEmail.objects.count() == 0


def test_promote_action_on_event_only_viewed_changes_nothing(login, event, other_event):
    own = RegistrationFactory(event=other_event, status=Status.WAITLISTED)
    viewed = RegistrationFactory(event=event, status=Status.WAITLISTED)

    response = promote_post(login("mixed"), own, viewed)

    assert messages_of(response) == [
        "Nothing was changed: you may see but not change the registrations of Lead event."
    ]
    assert list(Registration.objects.values_list("status", flat=True)) == [
        Status.WAITLISTED,
        Status.WAITLISTED,
    ]
    assert OutboundEmail.objects.count() == 0


def test_promote_action_by_lead_manager_gives_place(login, event):
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED)

    response = promote_post(login("lead_manager"), waiting)

    assert messages_of(response) == ["1 person now has a place."]
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


# Other ways to change registrations and events


@pytest.mark.parametrize("role", ["viewer", "mixed"])
def test_registration_change_by_post_refused_to_viewer(login, event, role):
    registration = RegistrationFactory(event=event, name="Ada Lovelace")
    url = reverse("admin:registrations_registration_change", args=[registration.pk])

    page = login(role).get(url)
    posted = login(role).post(url, {"name": "Changed", "email": registration.email})

    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()
    assert posted.status_code == 403
    registration.refresh_from_db()
    assert registration.name == "Ada Lovelace"


@pytest.mark.parametrize("role", ["viewer", "mixed"])
def test_event_page_questions_read_only_for_viewer(login, event, role):
    QuestionFactory(event=event, label="Asked question")

    html = login(role).get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    assert "Asked question" in html
    assert 'name="questions-0-label"' not in html
    assert 'name="questions-0-DELETE"' not in html
    assert "questions-empty" not in html


def test_event_questions_not_changed_by_post_of_manager_who_only_views_event(login, client, event):
    question = QuestionFactory(event=event, label="Asked question")
    data = event_change_data(login("lead_manager"), event)
    data.update(
        {
            "questions-0-position": "0",
            "questions-0-label": "Hijacked",
            "questions-0-kind": Question.Kind.SHORT_TEXT,
            "questions-1-position": "1",
            "questions-1-label": "Added",
            "questions-1-kind": Question.Kind.SHORT_TEXT,
            "questions-TOTAL_FORMS": "2",
        }
    )

    response = login("mixed").post(reverse("admin:events_event_change", args=[event.pk]), data)
    deleted = login("mixed").post(
        reverse("admin:events_event_change", args=[event.pk]),
        {**data, "questions-0-DELETE": "on", "questions-TOTAL_FORMS": "1"},
    )

    assert (response.status_code, deleted.status_code) == (403, 403)
    assert list(Question.objects.values_list("label", "archived_at")) == [("Asked question", None)]
    question.refresh_from_db()
    assert question.label == "Asked question"


@pytest.mark.parametrize("role", ["viewer", "mixed"])
def test_checkin_posts_refused_to_viewer(login, event, role):
    registration = RegistrationFactory(event=event)
    client = login(role)

    entry = client.post(
        reverse("admin:events_event_checkin_entry", args=[event.pk, registration.pk]),
        {"action": "check_in"},
    )
    walk_in = client.post(
        reverse("admin:events_event_walk_in", args=[event.pk]),
        {"name": "Walk In", "email": "walk@example.org", "privacy_consent": "on"},
    )
    page = client.get(reverse("admin:events_event_checkin", args=[event.pk]))

    assert (entry.status_code, walk_in.status_code, page.status_code) == (403, 403, 403)
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert Registration.objects.count() == 1


def test_checkin_post_by_partner_manager_checks_in(login, event):
    registration = RegistrationFactory(event=event)

    before = timezone.now()
    login("partner_manager").post(
        reverse("admin:events_event_checkin_entry", args=[event.pk, registration.pk]),
        {"action": "check_in"},
    )
    after = timezone.now()

    registration.refresh_from_db()
    assert before <= registration.checked_in_at <= after


@pytest.mark.parametrize("role", ["viewer", "mixed"])
def test_message_sending_refused_to_viewer(login, event, role):
    RegistrationFactory(event=event)
    url = reverse("admin:events_event_message", args=[event.pk])

    page = login(role).get(url)
    sent = login(role).post(url, {"subject": "Hello", "body": "Hi all", "_send": "Send"})

    assert (page.status_code, sent.status_code) == (403, 403)
    assert OrganiserMessage.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


@pytest.mark.parametrize("role", ["viewer", "mixed"])
def test_event_page_offers_viewer_no_page_that_refuses(login, event, role):
    client = login(role)

    change_page = client.get(reverse("admin:events_event_change", args=[event.pk])).content
    dashboard = client.get(reverse("admin:events_event_dashboard", args=[event.pk])).content

    for refused in ("checkin", "message", "walk_in"):
        url = reverse(f"admin:events_event_{refused}", args=[event.pk])
        assert url.encode() not in change_page
        assert url.encode() not in dashboard


def test_event_page_offers_manager_checkin_and_message(login, event):
    client = login("partner_manager")

    change_page = client.get(reverse("admin:events_event_change", args=[event.pk])).content
    dashboard = client.get(reverse("admin:events_event_dashboard", args=[event.pk])).content

    checkin = reverse("admin:events_event_checkin", args=[event.pk]).encode()
    assert checkin in change_page
    assert checkin in dashboard
    assert reverse("admin:events_event_message", args=[event.pk]).encode() in change_page


# Only the lead's managers choose the lead and the co-organisers


def organisers_of(event) -> tuple[str, list[str]]:
    event.refresh_from_db()
    return event.organiser.name, [partner.name for partner in event.co_organisers.all()]


def test_partner_manager_cannot_take_the_lead_by_crafted_post(login, event, partner):
    client = login("partner_manager")
    data = event_change_data(client, event, title="Renamed", organiser=partner.pk)
    data["co_organisers"] = []

    response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed"
    assert organisers_of(event) == ("Lead Org", ["Partner Org"])


def test_partner_manager_sees_organisers_read_only(login, event):
    response = login("partner_manager").get(reverse("admin:events_event_change", args=[event.pk]))

    form = response.context["adminform"].form
    assert "organiser" not in form.fields
    assert "co_organisers" not in form.fields
    assert "Lead Org" in response.content.decode()


def test_partner_manager_cannot_delete_the_leads_event(login, event):
    url = reverse("admin:events_event_delete", args=[event.pk])

    page = login("partner_manager").get(url)
    posted = login("partner_manager").post(url, {"post": "yes"})

    assert (page.status_code, posted.status_code) == (403, 403)
    assert Event.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("role", ["partner_manager", "mixed"])
def test_delete_selected_refused_on_an_event_the_user_does_not_lead(
    login, event, other_event, role
):
    response = login(role).post(
        reverse("admin:events_event_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )

    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_lead_manager_changes_co_organisers_among_partners(login, event, other, other_event):
    # The lead once worked with Other Org, so it is a known partner.
    other_event.co_organisers.add(event.organiser)
    client = login("lead_manager")
    data = event_change_data(client, event)
    data["co_organisers"] = [other.pk]

    response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    assert response.status_code == 302
    assert organisers_of(event) == ("Lead Org", ["Other Org"])


def test_lead_manager_moves_the_lead_to_another_organisation_they_manage(
    login, event, people, partner
):
    second = OrganiserFactory(name="Second Org", slug="second-org")
    MembershipFactory(user=people["lead_manager"], organiser=second, role=MANAGER)
    client = login("lead_manager")

    response = client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_change_data(client, event, organiser=second.pk, co_organisers=[partner.pk]),
    )

    assert response.status_code == 302
    assert organisers_of(event) == ("Second Org", ["Partner Org"])


@pytest.mark.parametrize("target", ["partner", "other"])
def test_lead_manager_cannot_hand_the_event_to_an_organisation_they_do_not_manage(
    login, event, partner, other, target
):
    client = login("lead_manager")
    chosen = {"partner": partner, "other": other}[target]

    response = client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_change_data(client, event, organiser=chosen.pk, co_organisers=[partner.pk]),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organiser"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert organisers_of(event) == ("Lead Org", ["Partner Org"])


def test_lead_manager_cannot_add_an_unknown_organisation_as_co_organiser(
    login, event, partner, other
):
    client = login("lead_manager")

    response = client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_change_data(client, event, co_organisers=[partner.pk, other.pk]),
    )

    assert response.status_code == 200
    assert "co_organisers" in response.context["adminform"].form.errors
    assert organisers_of(event) == ("Lead Org", ["Partner Org"])


def test_superuser_hands_the_event_to_any_organisation(login, event, other):
    client = login("superuser")

    response = client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_change_data(client, event, organiser=other.pk, co_organisers=[]),
    )

    assert response.status_code == 302
    assert organisers_of(event) == ("Other Org", [])


# Organisations: each member sees those they work with


def test_organiser_list_shows_member_only_the_organisations_they_work_with(login, event, other):
    OrganiserFactory(name="Unrelated Org", slug="unrelated-org")

    response = login("partner_manager").get(reverse("admin:events_organiser_changelist"))

    assert [organiser.name for organiser in response.context["cl"].result_list] == [
        "Lead Org",
        "Partner Org",
    ]


def test_organiser_list_shows_superuser_every_organisation(login, event, other):
    response = login("superuser").get(reverse("admin:events_organiser_changelist"))

    assert [organiser.name for organiser in response.context["cl"].result_list] == [
        "Lead Org",
        "Other Org",
        "Partner Org",
    ]


def test_organisation_search_names_only_organisations_worked_with(login, event, other):
    response = login("partner_manager").get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": "event", "field_name": "organiser", "term": "Org"},
    )

    assert [result["text"] for result in response.json()["results"]] == [
        "Lead Org",
        "Partner Org",
    ]


def test_organiser_list_refused_to_staff_without_membership(login):
    response = login("stranger").get(reverse("admin:events_organiser_changelist"))

    assert response.status_code == 403


def test_event_organiser_filter_names_only_organisations_of_visible_events(
    login, event, other_event
):
    EventFactory(organiser=OrganiserFactory(name="Unrelated Org"), title="Unrelated event")

    response = login("mixed").get(reverse("admin:events_event_changelist"))

    organiser_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.title == "lead organiser"
    )
    assert [label for _pk, label in organiser_filter.lookup_choices] == ["Lead Org", "Other Org"]
    assert "Unrelated Org" not in response.content.decode()


def test_event_form_offers_only_known_organisations(login, event, other_event):
    OrganiserFactory(name="Unrelated Org", slug="unrelated-org")

    response = login("lead_manager").get(reverse("admin:events_event_change", args=[event.pk]))

    fields = response.context["adminform"].form.fields
    assert [str(org) for org in fields["organiser"].queryset] == ["Lead Org"]
    assert [str(org) for org in fields["co_organisers"].queryset] == ["Lead Org", "Partner Org"]
    assert "Unrelated Org" not in response.content.decode()


def organiser_change_data(client, organiser, **changes) -> dict:
    """What the organisation's admin form posts back unchanged, with ``changes`` applied."""
    page = client.get(reverse("admin:events_organiser_change", args=[organiser.pk]))
    data = {
        "name": organiser.name,
        "slug": organiser.slug,
        "website": organiser.website,
        "contact_email": organiser.contact_email,
        "timezone": organiser.timezone,
    }
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.total_form_count()
        data[f"{formset.prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        for index, form in enumerate(formset.initial_forms):
            data[f"{formset.prefix}-{index}-id"] = form.instance.pk
            data[f"{formset.prefix}-{index}-organiser"] = organiser.pk
    return {**data, **changes}


def test_manager_edits_own_organisation_details(login, lead):
    client = login("lead_manager")
    url = reverse("admin:events_organiser_change", args=[lead.pk])
    data = organiser_change_data(
        client, lead, name="Lead Org Renamed", contact_email="hello@lead.example.org"
    )

    response = client.post(url, data)

    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.name, lead.contact_email) == ("Lead Org Renamed", "hello@lead.example.org")


@pytest.mark.parametrize("role", ["partner_manager", "viewer"])
def test_organisation_not_changed_by_partner_or_viewer(login, event, lead, role):
    url = reverse("admin:events_organiser_change", args=[lead.pk])

    page = login(role).get(url)
    posted = login(role).post(url, {"name": "Hijacked", "slug": "lead-org"})

    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()
    assert posted.status_code == 403
    lead.refresh_from_db()
    assert lead.name == "Lead Org"


MEMBERSHIPS = [
    ("lead_manager", "Lead Org", MANAGER),
    ("mixed", "Lead Org", VIEWER),
    ("mixed", "Other Org", MANAGER),
    ("other_viewer", "Other Org", VIEWER),
    ("outsider", "Other Org", MANAGER),
    ("partner_manager", "Partner Org", MANAGER),
    ("viewer", "Lead Org", VIEWER),
]


def memberships() -> list[tuple[str, str, str]]:
    return sorted(Membership.objects.values_list("user__username", "organiser__name", "role"))


def test_manager_cannot_change_memberships_by_crafted_post(login, people, lead):
    client = login("lead_manager")
    data = organiser_change_data(client, lead, contact_email="hello@lead.example.org")
    viewer_row = next(
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and value == Membership.objects.get(user=people["viewer"]).pk
    )
    added = data["memberships-TOTAL_FORMS"]
    data.update(
        {
            f"{viewer_row}-user": people["viewer"].pk,
            f"{viewer_row}-role": MANAGER,
            f"memberships-{added}-organiser": lead.pk,
            f"memberships-{added}-user": people["outsider"].pk,
            f"memberships-{added}-role": MANAGER,
            "memberships-TOTAL_FORMS": added + 1,
        }
    )

    page = client.get(reverse("admin:events_organiser_change", args=[lead.pk]))
    response = client.post(reverse("admin:events_organiser_change", args=[lead.pk]), data)

    assert 'name="memberships-0-role"' not in page.content.decode()
    assert "viewer" in page.content.decode()
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.contact_email == "hello@lead.example.org"
    assert memberships() == MEMBERSHIPS


def test_manager_cannot_join_a_partner_organisation(login, people, event, partner):
    client = login("lead_manager")
    data = organiser_change_data(
        client,
        partner,
        **{
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 0,
            "memberships-0-organiser": partner.pk,
            "memberships-0-user": people["lead_manager"].pk,
            "memberships-0-role": MANAGER,
        },
    )

    response = client.post(reverse("admin:events_organiser_change", args=[partner.pk]), data)

    assert response.status_code == 403
    assert memberships() == MEMBERSHIPS


def test_manager_with_model_permissions_cannot_join_another_organisation(login, people, other):
    # Django's permissions, as an installation might grant them so that organisers edit
    # their organisation's details, do not widen what a member may do.
    people["lead_manager"].user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_organiser", "change_organiser", "add_membership"]
        )
    )
    data = {
        "name": "Other Org",
        "slug": "other-org",
        "website": "",
        "contact_email": "",
        "timezone": "Europe/London",
        "memberships-TOTAL_FORMS": 1,
        "memberships-INITIAL_FORMS": 0,
        "memberships-0-organiser": other.pk,
        "memberships-0-user": people["lead_manager"].pk,
        "memberships-0-role": MANAGER,
    }

    response = login("lead_manager").post(
        reverse("admin:events_organiser_change", args=[other.pk]), data
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert memberships() == MEMBERSHIPS


def test_only_superuser_adds_organisations(login):
    manager = login("lead_manager").get(reverse("admin:events_organiser_add"))
    superuser = login("superuser").get(reverse("admin:events_organiser_add"))

    assert (manager.status_code, superuser.status_code) == (403, 200)
    assert Organiser.objects.count() == 3


# Records of emails, messages and history stay within scope


@pytest.fixture
def records(event, other_event, people):
    ours = RegistrationFactory(event=event, email="ours@example.org")
    theirs = RegistrationFactory(event=other_event, email="theirs@example.org")
    emails.queue_registration_email(ours)
    emails.queue_registration_email(theirs)
    emails.queue_organiser_message(
        event=event, subject="Lead news", body="Hi", include_waitlisted=False, sent_by=None
    )
    emails.queue_organiser_message(
        event=other_event, subject="Other news", body="Hi", include_waitlisted=False, sent_by=None
    )
    for registration in (ours, theirs):
        LogEntry.objects.log_actions(
            user_id=people["superuser"].pk,
            queryset=[registration],
            action_flag=2,
            change_message="Noted in the history",
            single_object=True,
        )
    return ours, theirs


@pytest.mark.parametrize(
    ("role", "recipients"),
    [
        ("viewer", ["ours@example.org"]),
        ("other_viewer", ["theirs@example.org"]),
        ("mixed", ["ours@example.org", "theirs@example.org"]),
        ("partner_manager", ["ours@example.org"]),
    ],
)
def test_email_records_listed_only_within_scope(login, records, role, recipients):
    client = login(role)

    listed = client.get(reverse("admin:registrations_outboundemail_changelist"))
    messages = client.get(reverse("admin:registrations_organisermessage_changelist"))

    assert sorted({email.recipient for email in listed.context["cl"].result_list}) == recipients
    subjects = {"ours@example.org": "Lead news", "theirs@example.org": "Other news"}
    assert sorted(message.subject for message in messages.context["cl"].result_list) == sorted(
        subjects[recipient] for recipient in recipients
    )


@pytest.mark.parametrize("role", ["other_viewer", "outsider"])
def test_email_records_of_another_organisation_not_readable(login, records, role):
    ours, _theirs = records
    email = OutboundEmail.objects.get(registration=ours, kind=OutboundEmail.Kind.CONFIRMATION)
    message = OrganiserMessage.objects.get(subject="Lead news")
    client = login(role)

    email_page = client.get(reverse("admin:registrations_outboundemail_change", args=[email.pk]))
    message_page = client.get(
        reverse("admin:registrations_organisermessage_change", args=[message.pk])
    )

    assert (email_page.status_code, message_page.status_code) == (302, 302)
    assert email_page["Location"] == reverse("admin:index")
    assert b"ours@example.org" not in email_page.content


def test_email_records_refused_to_staff_without_membership(login, records):
    client = login("stranger")

    listed = client.get(reverse("admin:registrations_outboundemail_changelist"))
    messages = client.get(reverse("admin:registrations_organisermessage_changelist"))

    assert (listed.status_code, messages.status_code) == (403, 403)


@pytest.mark.parametrize(
    ("role", "status"), [("viewer", 200), ("other_viewer", 302), ("stranger", 302)]
)
def test_registration_history_only_within_scope(login, records, role, status):
    ours, _theirs = records

    response = login(role).get(reverse("admin:registrations_registration_history", args=[ours.pk]))

    assert response.status_code == status
    assert (b"Noted in the history" in response.content) == (status == 200)


@pytest.mark.parametrize(("role", "status"), [("viewer", 200), ("outsider", 302)])
def test_event_history_only_within_scope(login, event, people, role, status):
    LogEntry.objects.log_actions(
        user_id=people["superuser"].pk,
        queryset=[event],
        action_flag=2,
        change_message="Venue noted",
        single_object=True,
    )

    response = login(role).get(reverse("admin:events_event_history", args=[event.pk]))

    assert response.status_code == status
    assert (b"Venue noted" in response.content) == (status == 200)


# Secrets are never a filter


SECRET_LOOKUPS = [
    "/admin/registrations/registration/?token__startswith=a",
    "/admin/registrations/registration/?token=abc",
    "/admin/registrations/registration/?submission_key__startswith=a",
    "/admin/registrations/registration/?answers__registration__token__startswith=a",
    "/admin/registrations/outboundemail/?registration__token__startswith=a",
    "/admin/registrations/outboundemail/?registration__submission_key=a",
    "/admin/events/event/?registrations__token__startswith=a",
    "/admin/registrations/organisermessage/?event__registrations__token__startswith=a",
]


@pytest.mark.parametrize("url", SECRET_LOOKUPS)
def test_lookup_on_a_secret_refused_to_manager(login, event, url):
    RegistrationFactory(event=event)

    response = login("lead_manager").get(url)

    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [*SECRET_LOOKUPS, "/admin/auth/user/?memberships__organiser__events__registrations__token=a"],
)
def test_lookup_on_a_secret_refused_to_superuser(login, event, url):
    RegistrationFactory(event=event)

    response = login("superuser").get(url)

    assert response.status_code == 400
