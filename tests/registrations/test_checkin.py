from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import segno
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Membership
from registrations import services
from registrations.models import OutboundEmail, Registration
from tests.factories import EventFactory, MembershipFactory, OrganiserFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def checkin_url(event):
    return reverse("admin:events_event_checkin", args=[event.pk])


def entry_url(registration):
    return reverse(
        "admin:events_event_checkin_entry", args=[registration.event_id, registration.pk]
    )


def walk_in_url(event):
    return reverse("admin:events_event_walk_in", args=[event.pk])


def walk_in_data(**changes):
    return {
        "name": "Grace Hopper",
        "email": "grace@Navy.example",
        "organisation": "US Navy",
        "privacy_consent": "on",
        **changes,
    }


# The services


def test_check_in_confirmed_records_time(event):
    registration = RegistrationFactory(event=event)
    moment = timezone.now()

    services.check_in(registration=registration, now=moment)

    registration.refresh_from_db()
    assert registration.checked_in_at == moment


def test_check_in_twice_keeps_first_time(event):
    registration = RegistrationFactory(event=event)
    first = timezone.now()

    services.check_in(registration=registration, now=first)
    services.check_in(registration=registration, now=first + timedelta(minutes=5))

    registration.refresh_from_db()
    assert registration.checked_in_at == first


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            "cancelled",
            "Ada cancelled this registration, so there is no place to check in to.",
        ),
        (
            "waitlisted",
            "Ada is on the waiting list and has no place. Give them a place from the "
            "registrations first, if there is room.",
        ),
    ],
)
def test_check_in_without_place_refused_with_reason(event, status, message):
    registration = RegistrationFactory(
        event=event,
        name="Ada",
        status=status,
        cancelled_at=timezone.now() if status == "cancelled" else None,
    )

    with pytest.raises(services.RegistrationRefused) as error:
        services.check_in(registration=registration)

    assert error.value.message == message
    assert error.value.code == status
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_undo_check_in_clears_time(event):
    registration = RegistrationFactory(event=event, checked_in_at=timezone.now())

    services.undo_check_in(registration=registration)

    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_walk_in_registered_confirmed_and_checked_in(event):
    moment = timezone.now()

    registration = services.register_walk_in(
        event=event, name="Grace", email="grace@example.org", now=moment
    )

    assert registration.status == Registration.Status.CONFIRMED
    assert registration.checked_in_at == moment
    assert registration.privacy_consent_at == moment
    emails = OutboundEmail.objects.filter(registration=registration)
    assert list(emails.values_list("kind", flat=True)) == [OutboundEmail.Kind.CONFIRMATION]


def test_walk_in_after_registration_closed_allowed(event):
    Event.objects.filter(pk=event.pk).update(registration_closes_at=timezone.now())
    event.refresh_from_db()

    registration = services.register_walk_in(event=event, name="Grace", email="g@example.org")

    assert registration.status == Registration.Status.CONFIRMED


def test_walk_in_at_capacity_refused(event):
    Event.objects.filter(pk=event.pk).update(capacity=2)
    RegistrationFactory.create_batch(2, event=event)

    with pytest.raises(services.RegistrationRefused) as error:
        services.register_walk_in(event=event, name="Grace", email="grace@example.org")

    assert error.value.code == "full"
    assert Registration.objects.filter(event=event).count() == 2


def test_walk_in_at_capacity_with_override_admitted(event):
    Event.objects.filter(pk=event.pk).update(capacity=2)
    RegistrationFactory.create_batch(2, event=event)

    services.register_walk_in(
        event=event, name="Grace", email="grace@example.org", allow_over_capacity=True
    )

    assert Registration.objects.confirmed().filter(event=event).count() == 3


def test_walk_in_one_place_left_admitted_without_override(event):
    Event.objects.filter(pk=event.pk).update(capacity=2)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status="waitlisted")

    services.register_walk_in(event=event, name="Grace", email="grace@example.org")

    assert Registration.objects.confirmed().filter(event=event).count() == 2


def test_walk_in_cancelled_event_refused(event):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)

    with pytest.raises(services.RegistrationRefused) as error:
        services.register_walk_in(event=event, name="Grace", email="grace@example.org")

    assert error.value.code == "cancelled"


def test_walk_in_already_registered_refused(event):
    RegistrationFactory(event=event, email="grace@example.org")

    with pytest.raises(services.RegistrationRefused) as error:
        services.register_walk_in(event=event, name="Grace", email="GRACE@example.org")

    assert error.value.code == "duplicate"


# The organiser's page


def test_checkin_page_lists_people_by_name_with_counts(organiser_client, event):
    RegistrationFactory(event=event, name="Zed", checked_in_at=timezone.now())
    RegistrationFactory(event=event, name="Ada")
    RegistrationFactory(event=event, name="Waiting", status="waitlisted")

    response = organiser_client.get(checkin_url(event))

    assert response.status_code == 200
    assert [r.name for r in response.context["registrations"]] == ["Ada", "Waiting", "Zed"]
    assert response.context["counts"] == {
        "confirmed": 2,
        "waitlisted": 1,
        "cancelled": 0,
        "checked_in": 1,
    }
    html = response.content.decode()
    assert '<strong data-count="checked-in">1</strong> / <span data-count="confirmed">2</span>' in (
        html
    )
    assert 'name="viewport"' in html


@pytest.mark.parametrize(
    ("query", "found"),
    [("ada", ["Ada Lovelace"]), ("BABBAGE.ORG", ["Ada Lovelace"]), ("engines", ["Charles"])],
)
def test_checkin_search_by_name_email_or_organisation(organiser_client, event, query, found):
    RegistrationFactory(event=event, name="Ada Lovelace", email="ada@babbage.org")
    RegistrationFactory(event=event, name="Charles", organisation="Difference Engines")
    RegistrationFactory(event=event, name="Grace", organisation="Navy")

    response = organiser_client.get(checkin_url(event), {"q": query})

    assert [r.name for r in response.context["registrations"]] == found


def test_checkin_search_nobody_found_says_so(organiser_client, event):
    response = organiser_client.get(checkin_url(event), {"q": "nobody"})

    assert "Nobody found for “nobody”." in response.content.decode()


def test_checkin_tap_checks_in_and_returns_to_search(organiser_client, event):
    registration = RegistrationFactory(event=event, name="Ada")
    back = f"{checkin_url(event)}?q=ada"

    before = timezone.now()
    response = organiser_client.post(
        entry_url(registration), {"action": "check_in", "next": back}, follow=True
    )
    after = timezone.now()

    assert response.redirect_chain == [(back, 302)]
    registration.refresh_from_db()
    assert before <= registration.checked_in_at <= after
    html = response.content.decode()
    assert "Ada is checked in." in html
    assert "Undo" in html


def test_checkin_undo(organiser_client, event):
    registration = RegistrationFactory(event=event, name="Ada", checked_in_at=timezone.now())

    response = organiser_client.post(entry_url(registration), {"action": "undo"}, follow=True)

    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert "Ada: check-in undone." in response.content.decode()


def test_checkin_cancelled_refused_with_reason_on_page(organiser_client, event):
    registration = RegistrationFactory(
        event=event, name="Ada", status="cancelled", cancelled_at=timezone.now()
    )

    response = organiser_client.post(entry_url(registration), {"action": "check_in"}, follow=True)

    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert "Ada cancelled this registration" in response.content.decode()


def test_checkin_next_to_other_site_ignored(organiser_client, event):
    registration = RegistrationFactory(event=event)

    response = organiser_client.post(
        entry_url(registration), {"action": "check_in", "next": "https://evil.example/"}
    )

    assert response.url == checkin_url(event)


def test_checkin_without_csrf_token_refused(organiser_user, event):
    registration = RegistrationFactory(event=event)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(organiser_user)

    response = strict.post(entry_url(registration), {"action": "check_in"})

    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_checkin_entry_page_shows_one_person(organiser_client, event):
    registration = RegistrationFactory(event=event, name="Ada Lovelace")
    RegistrationFactory(event=event, name="Someone Else")

    html = organiser_client.get(entry_url(registration)).content.decode()

    assert "Ada Lovelace" in html
    assert "Someone Else" not in html
    assert f'action="{entry_url(registration)}"' in html


def test_checkin_entry_of_another_event_404(organiser_client, event):
    elsewhere = RegistrationFactory(event=EventFactory(organiser=event.organiser))

    response = organiser_client.get(
        reverse("admin:events_event_checkin_entry", args=[event.pk, elsewhere.pk])
    )

    assert response.status_code == 404


def test_walk_in_form_registers_and_checks_in(organiser_client, event):
    before = timezone.now()
    response = organiser_client.post(walk_in_url(event), walk_in_data(), follow=True)
    after = timezone.now()

    registration = Registration.objects.get()
    assert (registration.name, registration.email) == ("Grace Hopper", "grace@navy.example")
    assert before <= registration.checked_in_at <= after
    assert "Grace Hopper is registered and checked in." in response.content.decode()
    assert [r.name for r in response.context["registrations"]] == ["Grace Hopper"]


def test_walk_in_form_at_capacity_refused_then_overridden(organiser_client, event):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    RegistrationFactory(event=event)

    refused = organiser_client.post(walk_in_url(event), walk_in_data())
    admitted = organiser_client.post(walk_in_url(event), walk_in_data(allow_over_capacity="on"))

    assert refused.status_code == 400
    assert refused.context["walk_in_form"].non_field_errors() == [
        "The event is full: all 1 places are taken. Tick “Let them in over capacity” to "
        "register this person anyway."
    ]
    assert refused.context["walk_in_form"]["name"].value() == "Grace Hopper"
    assert admitted.status_code == 302
    assert Registration.objects.confirmed().filter(event=event).count() == 2


def test_walk_in_form_without_consent_keeps_input(organiser_client, event):
    response = organiser_client.post(walk_in_url(event), walk_in_data(privacy_consent=""))

    assert response.status_code == 400
    assert response.context["walk_in_form"].errors == {
        "privacy_consent": ["Ask them to agree to the privacy notice first."]
    }
    assert 'value="Grace Hopper"' in response.content.decode()
    assert not Registration.objects.exists()


def test_walk_in_with_a_known_address_is_found_not_refused(organiser_client, event):
    known = RegistrationFactory(
        event=event, name="Grace Hopper", email="grace@navy.example", status="waitlisted"
    )

    response = organiser_client.post(walk_in_url(event), walk_in_data(), follow=True)

    assert response.redirect_chain == [(f"{checkin_url(event)}?q=grace%40navy.example", 302)]
    assert [str(message) for message in response.context["messages"]] == [
        "Grace Hopper is already registered with this address: check them in or give them a "
        "place below."
    ]
    assert response.context["registrations"] == [known]
    assert "Give a place<span" in response.content.decode()
    assert Registration.objects.count() == 1


@pytest.mark.parametrize("page", ["checkin", "walk_in", "entry"])
def test_checkin_other_organisers_event_404(organiser_client, page):
    other = EventFactory(organiser=OrganiserFactory(name="Other Org"))
    registration = RegistrationFactory(event=other)
    urls = {
        "checkin": checkin_url(other),
        "walk_in": walk_in_url(other),
        "entry": entry_url(registration),
    }

    got = organiser_client.get(urls[page])
    posted = organiser_client.post(urls[page], {"action": "check_in", **walk_in_data()})

    assert (got.status_code, posted.status_code) == (404, 404)
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert Registration.objects.count() == 1


def test_checkin_viewer_forbidden(client, event):
    registration = RegistrationFactory(event=event)
    viewer = MembershipFactory(organiser=event.organiser, role=Membership.Role.VIEWER).user
    client.force_login(viewer)

    response = client.post(entry_url(registration), {"action": "check_in"})

    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_checkin_anonymous_sent_to_login(client, event):
    response = client.get(checkin_url(event))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# The attendee's QR code


def test_personal_page_shows_qr_code_of_checkin_entry(client, event, settings):
    # The same code as in the emails, which know the site by SITE_URL only.
    settings.SITE_URL = "https://events.example.org"
    registration = RegistrationFactory(event=event)

    html = client.get(registration.personal_path).content.decode()

    entry = f"https://events.example.org{entry_url(registration)}"
    qr = segno.make(entry, error="m").svg_inline(scale=5, border=2, title="Check-in code")
    assert qr in html
    assert "Show this code at the entrance" in html


def test_personal_page_waitlisted_has_no_qr_code(client, event):
    registration = RegistrationFactory(event=event, status="waitlisted")

    html = client.get(registration.personal_path).content.decode()

    assert 'class="segno"' not in html


# The dashboard


def test_dashboard_counts_and_chart(organiser_client, event):
    madrid = ZoneInfo("Europe/Madrid")
    days = [
        datetime(2026, 11, 1, 23, 30, tzinfo=madrid),  # 22:30 UTC: still the 1st in Madrid
        datetime(2026, 11, 1, 9, tzinfo=madrid),
        datetime(2026, 11, 3, 0, 30, tzinfo=madrid),  # 23:30 UTC on the 2nd: the 3rd in Madrid
    ]
    for index, created in enumerate(days):
        registration = RegistrationFactory(event=event, checked_in_at=created if index else None)
        Registration.objects.filter(pk=registration.pk).update(created_at=created)
    RegistrationFactory(event=event, status="waitlisted")
    Registration.objects.filter(status="waitlisted").update(created_at=days[2])

    response = organiser_client.get(reverse("admin:events_event_dashboard", args=[event.pk]))

    context = response.context
    assert context["counts"] == {"confirmed": 3, "waitlisted": 1, "cancelled": 0, "checked_in": 2}
    assert context["capacity_used"] == 15
    assert [(day.isoformat(), count) for day, count in context["days"]] == [
        ("2026-11-01", 2),
        ("2026-11-02", 0),
        ("2026-11-03", 2),
    ]
    chart = context["chart"]
    assert [(bar["count"], bar["running"]) for bar in chart["bars"]] == [(2, 2), (0, 2), (2, 4)]
    assert chart["bars"][1]["height"] == 0
    assert chart["bars"][0]["height"] == chart["bars"][2]["height"] == 120
    html = response.content.decode()
    assert '<svg class="registrations-chart"' in html
    assert "<polyline" in html
    assert "4 registrations made from 1 Nov 2026 to 3 Nov 2026" in html
    assert 'value="3"' in html


def test_dashboard_without_registrations(organiser_client, event):
    response = organiser_client.get(reverse("admin:events_event_dashboard", args=[event.pk]))

    assert response.status_code == 200
    assert "Nobody has registered yet." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("garcia", ["María García"]),
        ("GARCÍA", ["María García"]),
        ("muller", ["Jürgen Müller"]),
        ("sanchez ayuntamiento", ["Luis Sánchez"]),
        ("MULLER@", ["Jürgen Müller"]),
        ("jose", []),
    ],
)
def test_checkin_search_ignores_accents_and_case(organiser_client, event, query, found):
    RegistrationFactory(event=event, name="María García", email="maria@example.org")
    RegistrationFactory(event=event, name="Jürgen Müller", email="müller@example.org")
    RegistrationFactory(event=event, name="Luis Sánchez", organisation="Ayuntamiento de Vitoria")

    response = organiser_client.get(checkin_url(event), {"q": query})

    assert [r.name for r in response.context["registrations"]] == found


def test_checkin_search_finds_a_corrected_name(organiser_client, event):
    registration = RegistrationFactory(event=event, name="Maria Garcia")
    services.update_details(registration=registration, name="María Gómez")

    response = organiser_client.get(checkin_url(event), {"q": "gomez"})

    assert [r.name for r in response.context["registrations"]] == ["María Gómez"]
