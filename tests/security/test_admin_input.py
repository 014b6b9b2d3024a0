"""Whatever an address or a form holds, the answer is a page or a clear refusal, never a 500.

PostgreSQL refuses NUL characters in text and Python's dates end at the year 9999: both used
to reach the database from the admin's filters and searches. These run on both databases.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from registrations.models import Registration
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

NUL_IN_QUERY = [
    "/admin/events/event/{event}/checkin/?q=%00",
    "/admin/events/event/?q=%00",
    "/admin/events/event/?status=%00",
    "/admin/events/event/?%00=1",
    "/admin/registrations/registration/?q=Ada%00",
    "/admin/registrations/registration/?status=%00",
    "/admin/registrations/registration/?event__id__exact=%00",
    "/admin/registrations/outboundemail/?q=%00",
    "/admin/events/event/{event}/attendees.csv?statuses=%00",
    "/admin/events/organiser/?q=%00",
    "/events/?topic=%00",
]


@pytest.fixture
def admin_user_client(admin_client):
    # Errors come back as the 500 page, as in production, instead of failing the test.
    admin_client.raise_request_exception = False
    return admin_client


@pytest.mark.parametrize("url", NUL_IN_QUERY)
def test_nul_in_the_address_is_a_bad_request(admin_user_client, event, url):
    RegistrationFactory(event=event, name="Ada Lovelace")

    response = admin_user_client.get(url.format(event=event.pk))

    assert response.status_code == 400
    assert b"cannot be read" in response.content


def test_nul_in_the_address_is_a_bad_request_for_a_member(organiser_client, event):
    organiser_client.raise_request_exception = False

    response = organiser_client.get(f"/admin/events/event/{event.pk}/checkin/?q=%00")

    assert response.status_code == 400


BAD_FILTERS = [
    "/admin/events/event/?created_at__year=99999999",
    "/admin/events/event/?starts_at__year=99999999",
    "/admin/events/event/?starts_at__year=99999999&starts_at__month=1",
    "/admin/events/event/?starts_at__year=2025&starts_at__month=13",
    "/admin/events/event/?starts_at__year=abc",
    "/admin/events/event/?starts_at__gte=99999-01-01",
    "/admin/events/event/?capacity=abc",
    "/admin/registrations/registration/?created_at__year=99999999",
    "/admin/registrations/registration/?checked_in_at__year=99999999",
    "/admin/registrations/outboundemail/?created_at__year=99999999",
    "/admin/registrations/outboundemail/?sent_at__year=99999999",
    "/admin/registrations/organisermessage/?sent_at__year=99999999",
]


@pytest.mark.parametrize("url", BAD_FILTERS)
def test_filter_the_database_cannot_apply_is_a_bad_request(admin_user_client, event, url):
    RegistrationFactory(event=event)

    response = admin_user_client.get(url)

    assert response.status_code == 400
    assert b"cannot be read" in response.content


def test_filter_the_database_cannot_apply_is_a_bad_request_for_a_member(organiser_client, event):
    organiser_client.raise_request_exception = False

    response = organiser_client.get("/admin/events/event/?created_at__year=99999999")

    assert response.status_code == 400


def test_filters_that_apply_still_filter(admin_user_client, event):
    RegistrationFactory(event=event, name="Ada Lovelace")
    year = event.created_at.year

    response = admin_user_client.get(
        f"/admin/registrations/registration/?created_at__year={year}&status=confirmed&q=Ada"
    )

    assert response.status_code == 200
    assert [str(registration.name) for registration in response.context["cl"].result_list] == [
        "Ada Lovelace"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/event/{event}/message/",
        "/admin/events/event/{event}/checkin/",
        "/admin/events/event/{event}/dashboard/",
        "/admin/events/event/{event}/checkin/99999999999999999999/",
        "/admin/events/event/99999999999999999999/message/",
        "/admin/events/event/99999999999999999999/checkin/",
    ],
)
def test_event_page_of_a_number_that_is_no_event_not_found(admin_user_client, event, url):
    response = admin_user_client.get(url.format(event="0" if "{event}" in url else event.pk))

    assert response.status_code == 404


@pytest.mark.parametrize("route", ["message", "checkin", "dashboard", "attendees.csv"])
def test_event_page_of_a_word_goes_where_the_admin_sends_unknown_events(
    admin_user_client, event, route
):
    response = admin_user_client.get(f"/admin/events/event/abc/{route}/", follow=True)

    assert response.redirect_chain[-1] == (reverse("admin:index"), 302)
    assert [str(message) for message in response.context["messages"]] == [
        f"event with ID “abc/{route}” doesn’t exist. Perhaps it was deleted?"
    ]


@pytest.mark.parametrize("selected", ["\x00", "abc", "99999999999999999999"])
def test_action_on_a_selection_that_is_no_registration_changes_nothing(
    admin_user_client, event, selected
):
    registration = RegistrationFactory(event=event)

    response = admin_user_client.post(
        reverse("admin:registrations_registration_changelist"),
        {
            "action": "cancel_registrations",
            "_selected_action": [registration.pk, selected],
            "confirm": "yes",
            "reason": "Crafted",
        },
    )

    assert response.status_code == 400
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_nul_in_an_admin_form_is_an_error_next_to_the_field(admin_user_client, event):
    registration = RegistrationFactory(event=event, name="Ada Lovelace", organisation="Org")
    url = reverse("admin:registrations_registration_change", args=[registration.pk])

    response = admin_user_client.post(
        url,
        {
            "name": "Ada\x00",
            "email": registration.email,
            "organisation": "Kept Org",
            "answers-TOTAL_FORMS": "0",
            "answers-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {
        "name": [
            "Null characters are not allowed.",
            "Please use a single line without line breaks or tabs.",
        ]
    }
    assert form["organisation"].value() == "Kept Org"
    registration.refresh_from_db()
    assert registration.name == "Ada Lovelace"


def test_every_admin_list_refuses_a_year_past_9999_to_a_superuser(admin_client):
    """Django's own lists (users, sign-in attempts, two-factor devices) included."""
    answers = {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        dates = [
            field.name
            for field in model._meta.fields
            if field.get_internal_type() in ("DateTimeField", "DateField")
        ]
        for name in dates:
            answers[f"{model.__name__}.{name}"] = admin_client.get(
                f"{url}?{name}__year=99999999"
            ).status_code

    assert answers == {key: 400 for key in answers}
    assert "User.date_joined" in answers
