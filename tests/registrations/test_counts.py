import pytest
from django.utils import timezone

from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted_event():
    event = EventFactory()
    RegistrationFactory(event=event, checked_in_at=timezone.now())
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status="waitlisted")
    RegistrationFactory(event=event, status="cancelled", cancelled_at=timezone.now())
    RegistrationFactory(event=EventFactory())  # another event's
    return event


def test_counts_of_an_event_in_one_query(counted_event, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = Registration.objects.filter(event=counted_event).counts()

    assert counts == {"confirmed": 2, "waitlisted": 1, "cancelled": 1, "checked_in": 1}


def test_counts_of_nothing_are_zero():
    assert Registration.objects.none().counts() == {
        "confirmed": 0,
        "waitlisted": 0,
        "cancelled": 0,
        "checked_in": 0,
    }


def test_counts_by_event_match_counts(counted_event, django_assert_num_queries):
    other = EventFactory()
    RegistrationFactory(event=other, status="waitlisted")

    with django_assert_num_queries(1):
        by_event = Registration.objects.filter(event__in=[counted_event, other]).counts_by_event()

    assert by_event == {
        counted_event.pk: Registration.objects.filter(event=counted_event).counts(),
        other.pk: {"confirmed": 0, "waitlisted": 1, "cancelled": 0, "checked_in": 0},
    }
