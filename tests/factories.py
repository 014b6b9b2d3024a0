from datetime import timedelta

import factory
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from events.models import Event, Membership, Organiser
from registrations.models import Question, Registration
from registrations.services import locking


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")


class OrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organiser

    name = factory.Sequence(lambda n: f"Organiser {n}")
    slug = factory.Sequence(lambda n: f"organiser-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organiser = factory.SubFactory(OrganiserFactory)
    role = Membership.Role.MANAGER


class EventFactory(factory.django.DjangoModelFactory):
    """A published event a month from now, open for registration, with 20 places."""

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    summary = "A short summary."
    description = "Some *Markdown*."
    # On the minute, as the admin's form enters times: an unchanged form changes no time.
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(second=0, microsecond=0) + timedelta(days=30)
    )
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=2))
    timezone = "Europe/Madrid"
    venue_name = "NH Canciller Ayala Vitoria"
    capacity = 20
    status = Event.Status.PUBLISHED
    organiser = factory.SubFactory(OrganiserFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Attendee {n}")
    email = factory.Sequence(lambda n: f"attendee{n}@example.org")
    organisation = "Example Org"
    privacy_consent_at = factory.LazyFunction(timezone.now)
    privacy_notice_version = settings.PRIVACY_NOTICE_VERSION
    status = Registration.Status.CONFIRMED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """A registration saved as it is given, without the services' rules; its event's kept
        counts are counted again, as the services keep them."""
        registration = super()._create(model_class, *args, **kwargs)
        with transaction.atomic():
            locking.recount(locking.locked_event(registration.event))
        return registration


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    event = factory.SubFactory(EventFactory)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = Question.Kind.SHORT_TEXT


def register_people(event, number: int, attendance: str = "", prefix: str = "p") -> None:
    """``number`` people registered for ``event`` as attendees do (through the service), at a
    hybrid event in the mode ``attendance``."""
    from registrations import services

    for index in range(number):
        services.register(
            event=event,
            name=f"{prefix.upper()} {index}",
            email=f"{prefix}{index}@example.org",
            attendance=attendance,
        )
