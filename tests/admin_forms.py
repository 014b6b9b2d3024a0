"""What the admin's forms post, for tests that change events through the admin."""

from django.urls import reverse
from django.utils import timezone


def event_change_data(client, event, **changes):
    """What the event's admin form posts back unchanged, with ``changes`` applied."""
    page = client.get(reverse("admin:events_event_change", args=[event.pk]))
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in ("co_organisers", "topics", "starts_at", "ends_at")
    }
    for name in ("starts_at", "ends_at"):
        local = timezone.localtime(getattr(event, name), event.tzinfo)
        data[f"{name}_0"] = local.strftime("%Y-%m-%d")
        data[f"{name}_1"] = local.strftime("%H:%M")
    data["organiser"] = event.organiser_id
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.total_form_count()
        data[f"{formset.prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        for index, form in enumerate(formset.initial_forms):
            data[f"{formset.prefix}-{index}-id"] = form.instance.pk
            data[f"{formset.prefix}-{index}-event"] = event.pk
    data.update(changes)
    return data
