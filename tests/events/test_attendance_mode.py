import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.models import Event
from tests.admin_forms import event_change_data
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

Mode = Event.AttendanceMode


def test_event_attendance_mode_defaults_to_in_person():
    event = EventFactory()

    assert (event.attendance_mode, event.is_online) == (Mode.IN_PERSON, False)


@pytest.mark.parametrize("mode", [Mode.ONLINE, Mode.HYBRID])
def test_event_clean_refuses_publishing_online_event_without_join_link(mode):
    event = EventFactory.build(attendance_mode=mode, status=Event.Status.PUBLISHED)

    with pytest.raises(ValidationError) as refused:
        event.clean()

    assert refused.value.message_dict == {
        "join_url": ["An online or hybrid event needs a join link before it is published."]
    }


def test_event_clean_allows_online_draft_without_join_link():
    event = EventFactory.build(attendance_mode=Mode.ONLINE, status=Event.Status.DRAFT)

    event.clean()

    assert event.join_url == ""


def test_event_clean_allows_published_online_event_with_join_link():
    event = EventFactory.build(
        attendance_mode=Mode.HYBRID, join_url="https://zoom.example/j/123", status="published"
    )

    event.clean()

    assert event.is_online is True


def test_event_clean_allows_published_online_listing_without_join_link():
    listing = EventFactory.build(
        kind=Event.Kind.LISTING, attendance_mode=Mode.ONLINE, status=Event.Status.PUBLISHED
    )

    listing.clean()

    assert listing.join_url == ""


def test_admin_refuses_publishing_online_event_without_join_link(organiser_client, event):
    data = event_change_data(organiser_client, event, attendance_mode="online", join_url="")

    response = organiser_client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["join_url"] == [
        "An online or hybrid event needs a join link before it is published."
    ]
    assert form["attendance_mode"].value() == "online"
    event.refresh_from_db()
    assert event.attendance_mode == Mode.IN_PERSON


def test_admin_saves_online_event_with_join_link(organiser_client, event):
    data = event_change_data(
        organiser_client, event, attendance_mode="online", join_url="https://zoom.example/j/1"
    )

    response = organiser_client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.attendance_mode, event.join_url) == ("online", "https://zoom.example/j/1")


def test_event_admin_where_section_has_mode_and_join_link(organiser_client, event):
    page = organiser_client.get(reverse("admin:events_event_change", args=[event.pk]))

    where = [fieldset for fieldset in page.context["adminform"] if str(fieldset.name) == "Where"]
    assert [list(where[0].fields)] == [
        ["attendance_mode", "venue_name", "venue_address", "map_url", "join_url"]
    ]


@pytest.mark.parametrize(
    ("mode", "shown"),
    [
        (Mode.IN_PERSON, "In person"),
        (Mode.ONLINE, "Online"),
        (Mode.HYBRID, "Hybrid: in person or online"),
    ],
)
def test_event_page_and_list_show_attendance_mode(client, mode, shown):
    event = EventFactory(attendance_mode=mode, join_url="https://zoom.example/j/1")

    page = client.get(event.get_absolute_url()).content.decode()
    listing = client.get(reverse("events:list")).content.decode()

    assert f'<dd class="col-sm-10 event-mode">{shown}</dd>' in page
    assert f'<span class="event-mode">{shown}</span>' in listing
