"""Places held until addresses are confirmed stay exact under a burst, and expired holds free
their places to the waiting list while people register. PostgreSQL only, as in
test_concurrency.py, whose lock-removed control shows that such a burst overbooks without
the event's lock."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from registrations import services
from registrations.models import OutboundEmail, Registration
from registrations.services import locking
from tests.factories import EventFactory, RegistrationFactory
from tests.registrations.burst import burst, registration_form

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks; SQLite is covered by test_concurrency_sqlite.py",
    ),
]

PLACES = 10
Status = Registration.Status


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the gap between reading the counts and inserting, as a loaded server would."""
    read = locking.kept_counts

    def slowly(event, **options):
        result = read(event, **options)
        time.sleep(0.05)
        return result

    monkeypatch.setattr(locking, "kept_counts", slowly)


def statuses(event):
    counts = Registration.objects.filter(event=event).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in counts}


def register_requests(live_server, event, count):
    url = f"{live_server.url}/events/{event.slug}/register/"
    return [(url, registration_form(index)) for index in range(count)]


def test_burst_with_address_confirmation_holds_exactly_the_places(live_server, slow_count):
    event = EventFactory(capacity=PLACES, confirm_email_addresses=True)

    codes = burst(register_requests(live_server, event, 4 * PLACES))

    assert codes == [302] * (4 * PLACES)
    assert statuses(event) == {"confirmed": PLACES, "waitlisted": 3 * PLACES}
    assert Registration.objects.filter(event=event).on_hold().count() == 4 * PLACES
    assert OutboundEmail.objects.filter(kind="confirm_address").count() == 4 * PLACES


def test_holds_expiring_during_burst_free_places_for_the_waiting_list_first(
    live_server, slow_count
):
    event = EventFactory(capacity=PLACES, confirm_email_addresses=True)
    past = timezone.now() - timedelta(minutes=1)
    expired = RegistrationFactory.create_batch(PLACES // 2, event=event, hold_expires_at=past)
    RegistrationFactory.create_batch(PLACES - len(expired), event=event)
    waiting = RegistrationFactory.create_batch(3, event=event, status=Status.WAITLISTED)
    RegistrationFactory.create_batch(2, event=event, status=Status.WAITLISTED, hold_expires_at=past)
    crons_done = []

    def cron():
        # The release command, run from cron while people register.
        for _round in range(5):
            crons_done.append(services.release_expired_holds())
            time.sleep(0.02)
        connection.close()

    crons = [threading.Thread(target=cron) for _index in range(2)]
    for thread in crons:
        thread.start()
    codes = burst(register_requests(live_server, event, 2 * PLACES))
    for thread in crons:
        thread.join(timeout=60)

    assert codes == [302] * (2 * PLACES)
    assert len(crons_done) == 10
    # The expired holds are gone, the three who waited have the places they freed, and two
    # newcomers the places left; nobody beyond capacity.
    assert statuses(event) == {"confirmed": PLACES, "waitlisted": 2 * PLACES - 2}
    assert not Registration.objects.filter(pk__in=[r.pk for r in expired]).exists()
    assert set(
        Registration.objects.filter(pk__in=[r.pk for r in waiting]).values_list("status", flat=True)
    ) == {Status.CONFIRMED}
    promoted_emails = OutboundEmail.objects.filter(kind="promoted")
    assert sorted(promoted_emails.values_list("registration_id", flat=True)) == sorted(
        r.pk for r in waiting
    )
