from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations.dashboard import registrations_chart
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def dashboard(client, event):
    return client.get(reverse("admin:events_event_dashboard", args=[event.pk]))


def past(event):
    starts = timezone.now() - timedelta(days=1)
    Event.objects.filter(pk=event.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))


def test_dashboard_attendance_after_the_event_counts_no_shows(organiser_client, event):
    past(event)
    for _ in range(3):
        RegistrationFactory(event=event, checked_in_at=timezone.now())
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status="waitlisted")
    RegistrationFactory(event=event, status="cancelled", cancelled_at=timezone.now())

    response = dashboard(organiser_client, event)

    attendance = response.context["attendance"]
    assert attendance == {
        "started": True,
        "ended": True,
        "confirmed": 4,
        "checked_in": 3,
        "not_checked_in": 1,
        "rate": 75,
    }
    html = response.content.decode()
    assert "no-shows (confirmed, not checked in)" in html
    assert "75% of confirmed attendees checked in." in html


def test_dashboard_attendance_before_the_event_has_no_no_shows(organiser_client, event):
    RegistrationFactory(event=event)

    response = dashboard(organiser_client, event)

    assert response.context["attendance"]["started"] is False
    html = response.content.decode()
    assert "not checked in yet" in html
    assert "no-shows (confirmed, not checked in)" not in html


def test_dashboard_attendance_without_confirmed_people(organiser_client, event):
    past(event)
    RegistrationFactory(event=event, status="waitlisted")

    response = dashboard(organiser_client, event)

    assert response.context["attendance"]["rate"] is None
    assert "Nobody holds a confirmed place." in response.content.decode()


def test_dashboard_over_capacity_meter_not_in_the_good_region(organiser_client, event):
    Event.objects.filter(pk=event.pk).update(capacity=2)
    for _ in range(3):
        RegistrationFactory(event=event)

    response = dashboard(organiser_client, event)

    html = response.content.decode()
    assert response.context["over_capacity"] == 1
    assert "1 person over capacity" in html
    # Browsers draw a value above ``high`` with ``optimum`` below ``low`` as bad, not green.
    assert (
        '<meter id="capacity-used" class="capacity-meter" min="0" max="3" low="2" high="2" '
        'optimum="0" value="3">150%</meter>'
    ) in html


def test_dashboard_below_capacity_says_nothing_over(organiser_client, event):
    RegistrationFactory(event=event)

    response = dashboard(organiser_client, event)

    assert response.context["over_capacity"] == 0
    assert "over capacity" not in response.content.decode()


def test_chart_axes_have_ticks_for_days_and_running_total():
    madrid = ZoneInfo("Europe/Madrid")
    days = [
        (datetime(2026, 11, 1, tzinfo=madrid).date(), 4),
        (datetime(2026, 11, 2, tzinfo=madrid).date(), 2),
    ]

    chart = registrations_chart(days)

    # The plot runs from y=40 (top) to y=160 (baseline).
    assert chart["day_ticks"] == [
        {"value": 0, "y": 160.0},
        {"value": 2, "y": 100.0},
        {"value": 4, "y": 40.0},
    ]
    assert chart["total_ticks"] == [
        {"value": 0, "y": 160.0},
        {"value": 3, "y": 100.0},
        {"value": 6, "y": 40.0},
    ]


def test_chart_one_registration_has_two_ticks():
    chart = registrations_chart([(datetime(2026, 11, 1).date(), 1)])

    assert chart["day_ticks"] == [{"value": 0, "y": 160.0}, {"value": 1, "y": 40.0}]


def test_dashboard_chart_says_what_it_counts(organiser_client, event):
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status="cancelled", cancelled_at=timezone.now())

    html = dashboard(organiser_client, event).content.decode()

    assert "running total: 2 registrations made" in html
    assert (
        "2 registrations made in all, counting people who cancelled since and the waiting "
        "list; 1 hold a confirmed place now."
    ) in html
