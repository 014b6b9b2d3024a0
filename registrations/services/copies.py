"""A new event copied from an earlier one: everything but its registrations."""

from datetime import datetime

from django.db import transaction
from django.utils.text import slugify

from events.models import Event

from ..models import Question, RegistrationSettings

# What a copy starts without: its own address, dates and state, and what the importer noted
# about the page the original came from.
NOT_COPIED = {
    "id", "title", "slug", "status", "starts_at", "ends_at", "registration_opens_at",
    "registration_closes_at", "source_file", "source_hash", "needs_review", "review_notes",
    "has_writeup", "created_at", "updated_at",
}  # fmt: skip


def unique_slug(title: str) -> str:
    base = slugify(title)[:180] or "event"
    slug, number = base, 1
    while Event.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def copy_event(*, event: Event, title: str, starts_at: datetime, ends_at: datetime) -> Event:
    """A draft copy of ``event`` with ``title`` and new dates: its details, organisers,
    topics and current questions, none of its registrations."""
    copy = Event(
        **{
            field.attname: getattr(event, field.attname)
            for field in Event._meta.concrete_fields
            if field.name not in NOT_COPIED
        },
        title=title,
        slug=unique_slug(title),
        status=Event.Status.DRAFT,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    copy.full_clean()
    copy.save()
    copy.co_organisers.set(event.co_organisers.all())
    copy.topics.set(event.topics.all())
    Question.objects.bulk_create(
        [
            Question(
                event=copy,
                label=question.label,
                help_text=question.help_text,
                kind=question.kind,
                required=question.required,
                options=question.options,
                position=question.position,
            )
            for question in event.questions.current().order_by("position", "pk")
        ]
    )
    copied = RegistrationSettings.for_event(event)
    if copied.pk is not None:
        copied.pk = None
        copied.event = copy
        copied.save(force_insert=True)
    return copy
