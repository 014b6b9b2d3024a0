"""An attendee's details and answers, and the questions they answer."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Answer, Question, Registration
from . import locking
from .errors import AlreadyRegistered


def answer_rows(registration: Registration, answers: dict[Question, str]) -> list[Answer]:
    """The rows of the answers given (not empty), each with the question's wording."""
    return [
        Answer(
            registration=registration, question=question, question_label=question.label, value=value
        )
        for question, value in answers.items()
        if value != ""
    ]


def store_answers(registration: Registration, answers: dict[Question, str]) -> None:
    """Keep each answer with the question's wording; an empty answer removes the stored one."""
    given = answer_rows(registration, answers)
    emptied = [question.pk for question, value in answers.items() if value == ""]
    if emptied:
        Answer.objects.filter(registration=registration, question__in=emptied).delete()
    if not given:
        return
    Answer.objects.bulk_create(
        given,
        update_conflicts=True,
        unique_fields=["registration", "question"],
        update_fields=["question_label", "value", "updated_at"],
    )


@transaction.atomic
def update_details(
    *, registration: Registration, answers: dict[Question, str] | None = None, **fields: str
) -> Registration:
    """Change an attendee's own details and answers, or the language of their emails; the
    email stays unique within the event."""
    allowed = {
        "name", "email", "organisation", "role", "access_needs", "dietary_options",
        "dietary_requirements", "language",
    }  # fmt: skip
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Cannot update {', '.join(sorted(unknown))}")
    # The event first, as everywhere: a new address takes an entry in the unique index.
    locking.locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    for field, value in fields.items():
        setattr(registration, field, value)
    registration.full_clean(exclude=["event"], validate_unique=False, validate_constraints=False)
    try:
        # An address another active registration of the event uses is refused by the index.
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:
        raise AlreadyRegistered() from error
    if answers:
        store_answers(registration, answers)
    return registration


@transaction.atomic
def remove_question(*, question: Question, now: datetime | None = None) -> None:
    """Delete a question nobody answered; archive one with answers, which stay in exports."""
    if question.answers.exists():
        question.archived_at = now or timezone.now()
        question.save(update_fields=["archived_at"])
    else:
        question.delete()
