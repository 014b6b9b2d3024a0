"""Who an organisers' message goes to: by place, by attendance, by an answer."""

from django.db.models import Exists, OuterRef, Q

from events.models import Event

from .models import Answer, OrganiserMessage, Question, Registration


def message_recipients(
    event: Event,
    *,
    include_waitlisted: bool,
    attendance: str = "",
    answer_question: Question | None = None,
    answer_option: str = "",
):
    """Who an organisers' message goes to: the confirmed attendees (and the waiting list, if
    asked), or those who came or did not, and of them those who gave an answer."""
    # Not to addresses nobody has confirmed yet.
    registrations = Registration.objects.filter(event=event).active().not_on_hold()
    if attendance:
        # Only a confirmed place could be attended: the waiting list neither came nor missed it.
        registrations = registrations.confirmed().filter(
            checked_in_at__isnull=attendance != OrganiserMessage.Attendance.CAME
        )
    elif not include_waitlisted:
        registrations = registrations.confirmed()
    if answer_question is not None:
        registrations = registrations.filter(
            Exists(
                Answer.objects.filter(registration=OuterRef("pk"), question=answer_question).filter(
                    answer_matches(answer_question, answer_option)
                )
            )
        )
    return registrations


def answer_matches(question: Question, option: str) -> Q:
    """Answers to ``question`` that are ``option``, or include it when several were chosen
    (stored one per line)."""
    if question.kind != Question.Kind.CHECKBOXES:
        return Q(value=option)
    return (
        Q(value=option)
        | Q(value__startswith=f"{option}\n")
        | Q(value__endswith=f"\n{option}")
        | Q(value__contains=f"\n{option}\n")
    )
