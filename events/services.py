"""Writes to events that are more than a form's save: importing a website's event pages."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .jekyll import Page, PageError
from .models import Event, Organiser, Topic


def _unique_slug(*, slug: str, page: Page) -> str:
    """``slug``, or one made unique with the event's date, then a number."""
    candidates = [slug, f"{slug}-{page.first_day.isoformat()}"]
    candidates += [f"{slug}-{page.first_day.isoformat()}-{n}" for n in range(2, 100)]
    taken = set(Event.objects.filter(slug__in=candidates).values_list("slug", flat=True))
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    raise PageError(_("no free address for the slug “%(slug)s”") % {"slug": slug})


def _topics_named(*, names: list[str]) -> list[Topic]:
    """The topics of these names, matched by slug or name, the missing ones created."""
    topics = []
    for name in names:
        slug = slugify(name)[:50]
        if not slug:
            continue
        topic = Topic.objects.filter(Q(slug=slug) | Q(name__iexact=name)).first()
        if topic is None:
            topic = Topic.objects.create(name=name[:100], slug=slug)
        topics.append(topic)
    return topics


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@transaction.atomic
def import_page(*, page: Page, organiser: Organiser, publish: bool = False) -> tuple[str, Event]:
    """Create the event of ``page``, or update the event a previous import made from it.

    ``publish`` publishes a new event, and an imported event that is still a draft; a
    cancelled event stays cancelled. An event that fails validation raises ``PageError``
    saying which field is wrong, and nothing of that page is saved. Registrations are never
    touched. An unchanged page leaves its event alone, so edits
    organisers made in the admin survive a new import of the same website.
    """
    event = Event.objects.filter(source_file=page.source_file).first()
    if event is None:
        event = Event(
            organiser=organiser,
            slug=_unique_slug(slug=page.slug, page=page),
            status=Event.Status.PUBLISHED if publish else Event.Status.DRAFT,
        )
        outcome = Outcome.CREATED
    elif event.source_hash == page.source_hash:
        if not (publish and event.status == Event.Status.DRAFT):
            return Outcome.UNCHANGED, event
        event.status = Event.Status.PUBLISHED
        event.save(update_fields=["status", "updated_at"])
        return Outcome.UPDATED, event
    else:
        if publish and event.status == Event.Status.DRAFT:
            event.status = Event.Status.PUBLISHED
        outcome = Outcome.UPDATED
    _fill(event, page)
    try:
        event.full_clean()
    except ValidationError as error:
        raise PageError(_describe(error)) from error
    event.save()
    event.topics.set(_topics_named(names=page.topics))
    return outcome, event


def _fill(event: Event, page: Page) -> None:
    keep_times = (
        event.pk is not None
        and page.start_time is None
        and not event.needs_review
        and event.local_starts_at.date() == page.first_day
    )
    if keep_times:
        # An organiser already gave this all-day page its real times; keep them.
        review_notes = []
    else:
        event.timezone, event.starts_at, event.ends_at = page.times(event.organiser.timezone)
        review_notes = page.review_notes
    event.title = page.title[:200]
    event.kind = Event.Kind.LISTING if page.is_listing else Event.Kind.ORGANISED
    event.summary = page.summary
    event.description = page.description
    if page.venue_name or not keep_times:
        event.venue_name = page.venue_name[:200]
        event.venue_address = page.venue_address
        event.map_url = page.map_url
    event.image = page.image[:300]
    event.category = page.category[:100]
    event.contact_name = page.contact_name[:200]
    event.website_url = page.website_url
    event.external_registration_url = page.external_registration_url
    event.projects = "\n".join(page.projects)
    event.featured = page.featured
    event.has_writeup = page.has_writeup
    event.needs_review = bool(review_notes)
    event.review_notes = "\n".join(review_notes)
    event.source_file = page.source_file
    event.source_hash = page.source_hash


def _describe(error: ValidationError) -> str:
    """Django's messages, field by field, without the last full stop: the command ends the
    line with its own."""
    if not hasattr(error, "message_dict"):
        return "; ".join(error.messages).rstrip(".")
    return "; ".join(
        f"{_field_label(name)}: {' '.join(messages).rstrip('.')}"
        for name, messages in error.message_dict.items()
    )


def _field_label(name: str) -> str:
    if name == "__all__":
        return _("event")
    return str(Event._meta.get_field(name).verbose_name)
