import pytest
from django.urls import reverse

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_admin_needs_review_filter_lists_flagged_events(organiser_client, organiser):
    EventFactory(organiser=organiser, title="Imported without a time", needs_review=True)
    EventFactory(organiser=organiser, title="Checked event")

    response = organiser_client.get(
        reverse("admin:events_event_changelist"), {"needs_review__exact": "1"}
    )

    assert response.status_code == 200
    assert [event.title for event in response.context["cl"].result_list] == [
        "Imported without a time"
    ]


def test_admin_event_form_shows_imported_fields(organiser_client, organiser):
    event = EventFactory(
        organiser=organiser,
        needs_review=True,
        review_notes="No time and venue found in the text: imported as an all-day event.",
        source_file="2025-10-06-procurement-participation.md",
    )

    response = organiser_client.get(reverse("admin:events_event_change", args=[event.pk]))

    assert response.status_code == 200
    form = response.context["adminform"].form
    for name in [
        "needs_review", "review_notes", "website_url", "image", "category", "featured", "kind",
    ]:  # fmt: skip
        assert name in form.fields
    html = response.content.decode()
    assert "2025-10-06-procurement-participation.md" in html
    assert "No time and venue found in the text: imported as an all-day event." in html
