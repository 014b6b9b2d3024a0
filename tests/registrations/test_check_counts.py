from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from registrations.models import PlaceCounts, Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def check_counts(*args) -> str:
    out = StringIO()
    call_command("check_counts", *args, stdout=out)
    return out.getvalue()


def test_check_counts_matching_counts_exits_quietly():
    RegistrationFactory.create_batch(2, event=EventFactory(slug="fine"))

    assert check_counts() == "The kept counts of every event match its registrations.\n"


def test_check_counts_difference_exits_1_naming_the_event_and_changes_nothing():
    event = EventFactory(slug="drifted")
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=EventFactory(slug="fine"))
    PlaceCounts.objects.filter(event=event).update(confirmed=5)
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("check_counts", stdout=out)

    assert raised.value.returncode == 1
    assert out.getvalue() == (
        f"drifted (id {event.pk}): kept 5 confirmed, 1 waitlisted, "
        "counted 2 confirmed, 1 waitlisted.\n"
    )
    assert PlaceCounts.objects.get(event=event).as_counts() == {
        "confirmed": 5,
        "waitlisted": 1,
        "confirmed_online": 0,
        "waitlisted_online": 0,
    }


def test_check_counts_registrations_without_kept_counts_is_a_difference():
    event = EventFactory(slug="uncounted")
    # Written past the services, as a hand-made import might.
    RegistrationFactory(event=event)
    PlaceCounts.objects.filter(event=event).delete()

    with pytest.raises(CommandError):
        check_counts()


def test_check_counts_fix_sets_the_counts_to_the_real_count():
    event = EventFactory(slug="drifted")
    RegistrationFactory.create_batch(2, event=event)
    PlaceCounts.objects.filter(event=event).update(confirmed=0, waitlisted=3)

    fixed = check_counts("--fix")

    assert fixed == (
        f"drifted (id {event.pk}): kept 0 confirmed, 3 waitlisted, "
        "counted 2 confirmed, 0 waitlisted; set to the count.\n"
    )
    assert PlaceCounts.objects.get(event=event).as_counts() == {
        "confirmed": 2,
        "waitlisted": 0,
        "confirmed_online": 0,
        "waitlisted_online": 0,
    }
    assert check_counts() == "The kept counts of every event match its registrations.\n"


def test_check_counts_finds_and_fixes_a_difference_in_the_online_places():
    event = EventFactory(slug="hybrid", attendance_mode="hybrid", join_url="https://call.test/x")
    RegistrationFactory(event=event, attendance="online")
    RegistrationFactory(event=event)
    # Both attend, but the count has the online one in person.
    PlaceCounts.objects.filter(event=event).update(confirmed_online=0)

    with pytest.raises(CommandError):
        check_counts()
    fixed = check_counts("--fix")

    assert fixed == (
        f"hybrid (id {event.pk}): kept 2 confirmed, 0 waitlisted, "
        "counted 2 confirmed, 0 waitlisted (1 and 0 online); set to the count.\n"
    )
    assert PlaceCounts.objects.get(event=event).confirmed_online == 1
    assert check_counts() == "The kept counts of every event match its registrations.\n"
