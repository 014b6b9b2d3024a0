"""The personal link is the attendee's secret: no staff page leads to it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from registrations.models import Registration
from tests.factories import MembershipFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def shortcut_url(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


def test_view_on_site_of_a_registration_is_not_found_even_for_its_organisers(client, event):
    registration = RegistrationFactory(event=event)
    client.force_login(MembershipFactory(organiser=event.organiser).user)

    response = client.get(shortcut_url(registration))

    assert response.status_code == 404
    assert registration.token not in response.headers.get("Location", "")


def test_registration_has_no_absolute_url():
    assert not hasattr(Registration, "get_absolute_url")
