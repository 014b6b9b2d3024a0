"""Dietary options per event, and each core detail asked, required or left out per event."""

import pytest
from django.urls import reverse

from registrations.models import Asked, Registration, RegistrationSettings
from tests.admin_forms import event_change_data
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def register_url(event):
    return reverse("registrations:register", args=[event.slug])


def form_data(**overrides):
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "organisation": "Analytical Engines",
        "privacy_consent": "on",
        "website": "",
        "submission_key": "key-1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def asking_event(organiser_client, event):
    """The organiser requires the organisation, leaves the role out and offers two diets,
    through the event's admin page."""
    url = reverse("admin:events_event_change", args=[event.pk])
    response = organiser_client.post(
        url,
        event_change_data(
            organiser_client,
            event,
            organisation_asked="required",
            role_asked="hidden",
            dietary_options=["vegan", "halal"],
        ),
    )
    assert response.status_code == 302
    return event


def test_asked_fields_saved_from_the_admin(asking_event):
    saved = RegistrationSettings.objects.get(event=asking_event)

    assert [
        saved.organisation_asked,
        saved.role_asked,
        saved.access_needs_asked,
        saved.dietary_requirements_asked,
        saved.dietary_options,
    ] == ["required", "hidden", "optional", "optional", "vegan,halal"]


def test_asked_fields_shape_the_register_form(client, asking_event):
    form = client.get(register_url(asking_event)).context["form"]

    assert [field.name for field in form.core_fields()] == [
        "organisation",
        "access_needs",
        "dietary_options",
        "dietary_requirements",
    ]
    assert form.fields["organisation"].required is True
    assert [str(label) for _code, label in form.fields["dietary_options"].choices] == [
        "Vegan",
        "Halal",
        "No dietary requirements",
        "Other",
    ]


def test_asked_fields_required_organisation_missing_refused_with_input_kept(client, asking_event):
    response = client.post(register_url(asking_event), form_data(organisation=""))

    assert response.status_code == 400
    assert response.context["form"].errors == {"organisation": ["Enter your organisation"]}
    assert response.context["form"]["name"].value() == "Ada Lovelace"
    assert Registration.objects.count() == 0


def test_dietary_options_stored_with_the_words_for_other(client, asking_event):
    response = client.post(
        register_url(asking_event),
        form_data(dietary_options=["vegan", "other"], dietary_requirements="No nuts", role="x"),
    )

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert (registration.dietary_options, registration.dietary_requirements, registration.role) == (
        "vegan,other",
        "No nuts",
        "",
    )


def test_dietary_options_words_without_other_count_as_other(client, event):
    client.post(register_url(event), form_data(dietary_requirements="Coeliac"))

    registration = Registration.objects.get()
    assert (registration.dietary_options, registration.dietary_requirements) == (
        "other",
        "Coeliac",
    )


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"dietary_options": ["none", "vegan"]},
            {
                "dietary_options": [
                    "Choose “No dietary requirements” or the requirements you have, not both."
                ]
            },
        ),
        (
            {"dietary_options": ["other"]},
            {"dietary_requirements": ["Say which dietary requirement you have"]},
        ),
        (
            {"dietary_options": ["kosher"]},
            {
                "dietary_options": [
                    "Select a valid choice. kosher is not one of the available choices."
                ]
            },
        ),
    ],
)
def test_dietary_options_mistakes_shown_next_to_the_field(client, asking_event, data, errors):
    response = client.post(register_url(asking_event), form_data(**data))

    assert response.status_code == 400
    assert response.context["form"].errors == errors


def test_dietary_options_required_needs_a_choice(client, event):
    RegistrationSettings.objects.create(event=event, dietary_requirements_asked=Asked.REQUIRED)

    missing = client.post(register_url(event), form_data())
    none = client.post(register_url(event), form_data(dietary_options=["none"]))

    assert missing.context["form"].errors == {
        "dietary_options": ["Choose your dietary requirements, or “No dietary requirements”"]
    }
    assert none.status_code == 302
    assert Registration.objects.get().dietary_options == "none"


def test_dietary_options_hidden_not_asked(client, event):
    RegistrationSettings.objects.create(event=event, dietary_requirements_asked=Asked.HIDDEN)

    form = client.get(register_url(event)).context["form"]

    assert [field.name for field in form.core_fields()] == ["organisation", "role", "access_needs"]


def test_catering_counts_dietary_options_and_old_answers_as_other(organiser_client, event):
    RegistrationFactory(event=event, name="Ada", dietary_options="vegan,gluten_free")
    RegistrationFactory(event=event, name="Bea", dietary_options="vegan")
    RegistrationFactory(
        event=event, name="Cy", dietary_options="halal,other", dietary_requirements="No nuts"
    )
    RegistrationFactory(event=event, name="Di", dietary_requirements="no nuts")  # before options
    RegistrationFactory(event=event, name="Ed", dietary_options="none")
    RegistrationFactory(event=event, name="Flo")

    response = organiser_client.get(reverse("admin:events_event_catering", args=[event.pk]))

    context = response.context
    assert context["dietary_counts"] == [
        ("Vegan", 2),
        ("Gluten-free", 1),
        ("Halal", 1),
        ("Other", 2),
    ]
    assert context["other_counts"] == [("No nuts", 2)]
    assert [(person.name, text) for person, text in context["dietary"]] == [
        ("Ada", "Vegan, Gluten-free"),
        ("Bea", "Vegan"),
        ("Cy", "Halal, Other: No nuts"),
        ("Di", "Other: no nuts"),
    ]
    assert context["no_dietary"] == 2


def test_personal_page_follows_the_asked_fields(client, asking_event):
    registration = RegistrationFactory(
        event=asking_event, organisation="Analytical Engines", role="Researcher"
    )
    url = registration.personal_path

    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "name": registration.name,
            "email": registration.email,
            "organisation": "Analytical Engines",
            "dietary_options": ["halal"],
        },
    )

    registration.refresh_from_db()
    assert "role" not in form.fields
    assert response.status_code == 302
    assert (registration.dietary_options, registration.role) == ("halal", "Researcher")


def test_export_and_sign_in_sheet_leave_out_fields_not_asked(organiser_client, event):
    RegistrationSettings.objects.create(
        event=event, organisation_asked=Asked.HIDDEN, dietary_requirements_asked=Asked.HIDDEN
    )
    RegistrationFactory(event=event, name="Ada")

    export = organiser_client.get(reverse("admin:events_event_attendees_csv", args=[event.pk]))
    sheet = organiser_client.get(reverse("admin:events_event_sign_in_sheet", args=[event.pk]))

    header = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header.split(",")[:5] == ["Registration ID", "Name", "Email", "Role", "Access needs"]
    assert "Organisation" not in sheet.content.decode()
