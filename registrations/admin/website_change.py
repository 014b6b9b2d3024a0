"""The organiser page that applies the time or place the website now states for a published
event, which the import keeps waiting (``Event.pending_import``): the same confirmation as a
change in the admin (what changes, old → new, and whether to tell the attendees, with the
email they would get), or Turnout's time and place kept."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events import services as event_services
from events.models import Event
from registrations import changes, services

TELL, DONT_TELL, KEEP = "_tell_attendees", "_dont_tell_attendees", "_keep_turnout"


def _proposed(event: Event) -> Event:
    """``event`` as it would be with the website's change, in memory only."""
    proposed = Event.objects.select_related("organiser").get(pk=event.pk)
    event_services.take_website_change(event=proposed)
    return proposed


def website_changes(event: Event) -> list[dict[str, str]]:
    """What the website now says differently, old → new, for the event page's banner."""
    if not event.pending_import:
        return []
    return changes.event_changes(event, _proposed(event))


def website_change(request, event: Event, admin_context):
    if not event.pending_import:
        messages.info(request, _("The website states no new time or place for this event."))
        return redirect("admin:events_event_change", event.pk)
    if request.method == "POST" and KEEP in request.POST:
        event_services.dismiss_website_change(event=event)
        messages.success(
            request,
            _("Turnout's time and place are kept; a new import leaves them alone."),
        )
        return redirect("admin:events_event_change", event.pk)
    if request.method == "POST" and (TELL in request.POST or DONT_TELL in request.POST):
        return _apply(request, event, notify=TELL in request.POST)
    proposed = _proposed(event)
    kind = changes.change_kind(proposed, list(event.pending_import))
    recipients = changes.change_recipients(event)
    count = recipients.count() if kind else 0
    details = {"changes": changes.event_changes(event, proposed), "reason": ""}
    preview = ""
    if count:
        sample = recipients.first()
        text, _html = changes.render_event_change(
            event=proposed, registration=sample, kind=kind, details=details
        )
        preview = text.replace(sample.personal_link_placeholder, _("(their link)"))
    return render(
        request,
        "admin/events/event/website_change.html",
        {
            **admin_context(),
            "title": _("The website now says …"),
            "count": count,
            "cancelling": False,
            "changes": details["changes"],
            "subject": changes.change_subject(kind, proposed) if kind else "",
            "preview": preview,
            "posted": [],
            "tell": TELL,
            "dont_tell": DONT_TELL,
            "keep": KEEP,
        },
    )


def _apply(request, event: Event, *, notify: bool):
    try:
        changed = services.apply_website_change(event=event, notify=notify)
    except ValidationError as error:
        messages.error(
            request,
            _("The website's change was not applied: %(why)s Change the event here instead.")
            % {"why": " ".join(error.messages)},
        )
        return redirect("admin:events_event_change", event.pk)
    if changed.notified:
        messages.success(
            request,
            ngettext(
                "%(count)d registered person will be told about the change.",
                "%(count)d registered people will be told about the change.",
                changed.notified,
            )
            % {"count": changed.notified},
        )
    else:
        messages.success(request, _("The website's time and place are applied."))
    return redirect("admin:events_event_change", event.pk)
