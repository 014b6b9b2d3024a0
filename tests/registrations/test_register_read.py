"""The registration form's event, read by written-out queries for the public: the same event,
organiser, settings and questions as the ORM reads, on both databases."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from events.models import Event, rows
from registrations.models import Question, RegistrationSettings
from registrations.views.shared import event_for_registering
from tests.factories import EventFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def anonymous_request():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


def values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_the_event_read_is_the_orm_read_with_its_settings_and_questions():
    event = EventFactory(
        title_es="Gobierno abierto",
        imported_values={"title": "Open", "times": [1, 2]},
        online_capacity=5,
        attendance_mode=Event.AttendanceMode.HYBRID,
        registration_closes_at=timezone.now() + timedelta(days=3),
    )
    RegistrationSettings.objects.create(
        event=event, organisation_asked="required", reminder_hours_before=5
    )
    second = QuestionFactory(event=event, position=2, label="Second")
    first = QuestionFactory(
        event=event, position=1, label="First", kind=Question.Kind.RADIO, options="A\nB"
    )
    QuestionFactory(event=event, position=0, label="Archived", archived_at=timezone.now())

    read, questions = event_for_registering(anonymous_request(), event.slug)

    stored = Event.objects.select_related("organiser", "registration_settings").get(pk=event.pk)
    assert values(read) == values(stored.in_language())
    assert read.imported_values == {"title": "Open", "times": [1, 2]}
    assert values(read.organiser) == values(stored.organiser)
    assert values(RegistrationSettings.for_event(read)) == values(stored.registration_settings)
    assert [question.pk for question in questions] == [first.pk, second.pk]
    assert [values(question) for question in questions] == [
        values(question) for question in Question.objects.filter(pk__in=[first.pk, second.pk])
    ]


def test_an_event_without_settings_of_its_own_has_the_defaults(django_assert_num_queries):
    event = EventFactory()

    read, questions = event_for_registering(anonymous_request(), event.slug)

    with django_assert_num_queries(0):
        settings = RegistrationSettings.for_event(read)
        assert read.organiser.name
    assert settings.pk is None
    assert settings.organisation_asked == RegistrationSettings().organisation_asked
    assert questions == []


def test_the_words_are_in_the_language_of_the_request(settings):
    from django.utils import translation

    event = EventFactory(title="Open government", title_es="Gobierno abierto")
    with translation.override("es"):
        read, _questions = event_for_registering(anonymous_request(), event.slug)
    assert read.title == "Gobierno abierto"


@pytest.mark.parametrize(
    ("status", "found"),
    [
        (Event.Status.PUBLISHED, True),
        (Event.Status.CANCELLED, True),
        (Event.Status.DRAFT, False),
    ],
)
def test_the_public_finds_only_listed_events(status, found):
    event = EventFactory(status=status)
    if found:
        assert event_for_registering(anonymous_request(), event.slug)[0].pk == event.pk
    else:
        with pytest.raises(Http404):
            event_for_registering(anonymous_request(), event.slug)


def test_an_unknown_address_is_not_found():
    with pytest.raises(Http404):
        event_for_registering(anonymous_request(), "no-such-event")


def test_a_row_is_converted_as_the_orm_converts_it():
    from django.db import connection

    event = EventFactory(imported_values={"a": 1})
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {rows.columns(Event, 'e')} FROM {Event._meta.db_table} e WHERE e.id = %s",  # noqa: S608
            [event.pk],
        )
        read = rows.instance(Event, cursor.fetchone())
    assert values(read) == values(Event.objects.get(pk=event.pk))
    assert not read._state.adding
