"""Writes to events that are more than a form's save: importing a website's event pages."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import page_text
from .jekyll import TIMES, Page, PageError
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


# The event fields an import writes, in groups that change together. What it wrote is kept in
# ``Event.imported_values``: a field whose value differs from it was changed in Turnout, and
# the import leaves it alone.
IMPORTED_FIELDS = [
    ("title",),
    ("kind",),
    ("summary",),
    ("description",),
    ("timezone", "starts_at", "ends_at"),
    ("attendance_mode",),
    ("venue_name",),
    ("venue_address",),
    ("map_url",),
    ("image",),
    ("category",),
    ("website_url",),
    ("external_registration_url",),
    ("featured",),
    ("topics",),
]
# The groups of ``IMPORTED_FIELDS`` that say when and where a published event is: attendees
# are told when they change, so a change from the website waits for an organiser's
# confirmation (``Event.pending_import``) instead of being applied by the import.
PENDING_GROUPS = [
    ("timezone", "starts_at", "ends_at"),
    ("attendance_mode",),
    ("venue_name",),
    ("venue_address",),
    ("map_url",),
]
# The review notes of a page, by what they are about (``ReviewNote.about``).
NOTE_FIELDS = {TIMES: ("timezone", "starts_at", "ends_at")}


@dataclass(frozen=True)
class KeptField:
    """A field an organiser changed in Turnout, left as it is though the website differs."""

    name: str
    turnout: str
    website: str


@dataclass
class Imported:
    outcome: str
    event: Event
    review_notes: list[str] = field(default_factory=list)
    kept: list[KeptField] = field(default_factory=list)
    # The registration links in the description replaced by Turnout's own registration page.
    replaced_links: list[str] = field(default_factory=list)
    # Asked to publish, not published: the event needs review first.
    publishing_refused: bool = False
    # The fields this import wrote.
    applied: set[str] = field(default_factory=set)
    # The time or place the website changed on a published event, not applied: they wait for
    # an organiser's confirmation in the admin (``Event.pending_import``).
    pending: list[KeptField] = field(default_factory=list)


@transaction.atomic
def import_page(*, page: Page, organiser: Organiser, publish: bool = False) -> Imported:
    """Create the event of ``page``, or update the event a previous import made from it.

    A re-import changes only the fields whose value is still the one the last import wrote:
    what an organiser changed in Turnout stays, and ``Imported.kept`` lists where the website
    now says otherwise. A new time or place of a published event is not applied: it is kept
    in ``Event.pending_import`` and the event flagged for review, for an organiser to apply
    (telling the attendees, through the admin's change flow) or dismiss. A draft or cancelled
    event takes it at once: nobody is told about those.

    ``publish`` publishes a new event, and an imported event that is still a draft, unless it
    needs review; a cancelled event stays cancelled. An event that fails validation raises
    ``PageError`` saying which field is wrong, and nothing of that page is saved.
    Registrations are never touched.
    """
    event = Event.objects.filter(source_file=page.source_file).first()
    if event is None:
        event = Event(
            organiser=organiser,
            slug=_unique_slug(slug=page.slug, page=page),
            status=Event.Status.DRAFT,
        )
        result = Imported(Outcome.CREATED, event)
        _fill(event, page, result)
    elif event.source_hash == page.source_hash:
        result = Imported(Outcome.UNCHANGED, event)
        _point_registration_links_here(event, result)
    else:
        result = Imported(Outcome.UPDATED, event)
        _fill(event, page, result)
    if publish and event.status == Event.Status.DRAFT:
        if event.needs_review:
            result.publishing_refused = True
        else:
            event.status = Event.Status.PUBLISHED
            result.outcome = result.outcome if event.pk is None else Outcome.UPDATED
    if result.outcome == Outcome.UNCHANGED:
        return result
    try:
        event.full_clean()
    except ValidationError as error:
        raise PageError(_describe(error)) from error
    event.save()
    if "topics" in result.applied:
        topics = _topics_named(names=page.topics)
        event.topics.set(topics)
        # A page's "data rights" may be the existing topic "Data rights": remember the name
        # the event has, or the next import would take it for an organiser's change.
        names = sorted((topic.name for topic in topics), key=str.lower)
        if names != event.imported_values["topics"]:
            event.imported_values["topics"] = names
            Event.objects.filter(pk=event.pk).update(imported_values=event.imported_values)
    return result


def _fill(event: Event, page: Page, result: Imported) -> None:
    new = _page_values(event, page)
    new["description"] = _description_here(event, new, result)
    old = event.imported_values if event.pk is not None else {}
    current = _current_values(event) if event.pk is not None else {}
    applied = set()
    pending = {}
    for group in IMPORTED_FIELDS:
        if any(name in old and current[name] != old[name] for name in group):
            result.kept += [
                KeptField(name, str(current[name]), str(new[name]))
                for name in group
                if current[name] != new[name]
            ]
            continue
        if _waits_for_confirmation(event, group, current, new):
            pending.update({name: new[name] for name in group})
            result.pending += [
                KeptField(name, str(current[name]), str(new[name]))
                for name in group
                if current[name] != new[name]
            ]
            continue
        applied.update(group)
        for name in group:
            if name != "topics":
                setattr(event, name, _python(event, name, new[name]))
    if "description" in applied and "external_registration_url" not in applied:
        # Registration is what the organiser made it: the description follows it.
        event.description = _description_here(event, _current_values(event), result)
        new["description"] = event.description
    result.applied = applied
    notes = [
        note.text
        for note in page.review_notes
        # A note on the website's waiting time is for whoever confirms it.
        if set(NOTE_FIELDS.get(note.about, (note.about,))) <= applied | set(pending)
        and (event.pk is None or event.needs_review or _changed(note.about, current, new))
    ]
    notes += _description_notes(event)
    if pending:
        notes.append(pending_note())
    result.review_notes = notes
    event.needs_review = bool(notes)
    event.review_notes = "\n".join(notes)
    # What waits is not written yet: the values last written stay the imported ones, so the
    # next import still compares Turnout's values with them (and sees no organiser's change).
    event.imported_values = {**new, **{name: old[name] for name in pending}}
    event.pending_import = pending
    event.source_file = page.source_file
    event.source_hash = page.source_hash


def _waits_for_confirmation(event: Event, group: tuple, current: dict, new: dict) -> bool:
    return (
        event.pk is not None
        and event.status == Event.Status.PUBLISHED
        and group in PENDING_GROUPS
        and any(current[name] != new[name] for name in group)
    )


def pending_note() -> str:
    """The review note of an event whose website change waits for confirmation."""
    # In the site's language whoever writes or clears it (the import or an organiser in
    # another language), so that the note is found again to be removed.
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The website changed the time or place: review it and apply it or keep Turnout's "
            "in the admin (“The website now says …”)."
        )


def take_website_change(*, event: Event) -> list[str]:
    """Put the time or place the website stated, waiting in ``event.pending_import``, on
    ``event`` (in memory: the caller saves it, through the admin's change flow), as what the
    import wrote, and clear its review note. Returns the fields whose value changed."""
    changed = []
    for name, value in event.pending_import.items():
        if _json(getattr(event, name)) != value:
            changed.append(name)
        setattr(event, name, _python(event, name, value))
        event.imported_values[name] = value
    _clear_pending(event)
    return changed


@transaction.atomic
def dismiss_website_change(*, event: Event) -> Event:
    """Keep Turnout's time and place instead of the website's waiting change: the website's
    values are remembered as imported, so the next import takes Turnout's for an organiser's
    change, leaves them alone and reports the difference."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    event.imported_values.update(event.pending_import)
    _clear_pending(event)
    event.save(update_fields=["imported_values", "pending_import", "needs_review", "review_notes"])
    return event


def _clear_pending(event: Event) -> None:
    note = pending_note()
    notes = [line for line in event.review_notes.splitlines() if line != note]
    event.pending_import = {}
    event.review_notes = "\n".join(notes)
    # Still to review only if it was and other notes remain; an organiser who had already
    # unticked it reviewed those.
    event.needs_review = event.needs_review and bool(notes)


def _changed(about: str, current: dict, new: dict) -> bool:
    return any(current.get(name) != new[name] for name in NOTE_FIELDS.get(about, (about,)))


def _page_values(event: Event, page: Page) -> dict:
    """What the page says, field by field, as ``imported_values`` keeps it."""
    tz_name, starts_at, ends_at = page.times(event.organiser.timezone)
    return {
        "title": page.title[:200],
        "kind": Event.Kind.LISTING if page.is_listing else Event.Kind.ORGANISED,
        "summary": page.summary,
        "description": page.description,
        "timezone": tz_name,
        "starts_at": _json(starts_at),
        "ends_at": _json(ends_at),
        "attendance_mode": page.attendance_mode,
        "venue_name": page.venue_name[:200],
        "venue_address": page.venue_address,
        "map_url": page.map_url,
        "image": page.image[:300],
        "category": page.category[:100],
        "website_url": page.website_url,
        "external_registration_url": page.external_registration_url,
        "featured": page.featured,
        "topics": sorted(page.topics, key=str.lower),
    }


def _current_values(event: Event) -> dict:
    values = {}
    for group in IMPORTED_FIELDS:
        for name in group:
            values[name] = _json(getattr(event, name)) if name != "topics" else None
    values["topics"] = sorted(event.topics.values_list("name", flat=True), key=str.lower)
    return values


def _json(value):
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value


def _python(event: Event, name: str, value):
    if name in ("starts_at", "ends_at"):
        return datetime.fromisoformat(value)
    return value


def _description_here(event: Event, values: dict, result: Imported) -> str:
    """The description, its "Register here" form links pointing at Turnout's registration
    when registration is Turnout's own."""
    description = values["description"]
    if values["external_registration_url"] or values["kind"] == Event.Kind.LISTING:
        return description
    here = f"{settings.SITE_URL}{event.get_absolute_url()}register/"
    for service, url in page_text.registration_urls(description):
        if service == "Google Forms":
            description = description.replace(url, here)
            result.replaced_links.append(url)
    return description


def _description_notes(event: Event) -> list[str]:
    """Registration links the description still has while registration is Turnout's."""
    if event.external_registration_url or event.is_listing:
        return []
    return [
        _(
            "The description links to registration on %(service)s (%(url)s), but registration "
            "is in Turnout: change or remove the link."
        )
        % {"service": service, "url": url}
        for service, url in page_text.registration_urls(event.description)
    ]


def _point_registration_links_here(event: Event, result: Imported) -> None:
    """An unchanged page whose event's registration an organiser moved to Turnout: its
    description's form links now point here, if the description is still the imported one."""
    if event.imported_values.get("description") != event.description:
        return
    description = _description_here(event, _current_values(event), result)
    if description != event.description:
        event.description = event.imported_values["description"] = description
        result.applied = {"description"}
        result.outcome = Outcome.UPDATED


def _describe(error: ValidationError) -> str:
    """Django's messages, field by field, without the last full stop: the command ends the
    line with its own."""
    if not hasattr(error, "message_dict"):
        return "; ".join(error.messages).rstrip(".")
    return "; ".join(
        f"{field_label(name)}: {' '.join(messages).rstrip('.')}"
        for name, messages in error.message_dict.items()
    )


def field_label(name: str) -> str:
    if name == "__all__":
        return _("event")
    return str(Event._meta.get_field(name).verbose_name)
