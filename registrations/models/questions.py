"""An event's own questions, and the answers attendees give."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from events.models import Event

from .registrations import Registration


class QuestionQuerySet(models.QuerySet):
    def current(self):
        """Questions asked on the form now; archived ones only keep their answers."""
        return self.filter(archived_at__isnull=True)

    def for_export(self):
        """Current questions, and archived ones that people answered before they were removed."""
        answered = Answer.objects.filter(question=OuterRef("pk"))
        return self.filter(Q(archived_at__isnull=True) | Exists(answered))


class Question(models.Model):
    """A question of one event's registration form, beyond the core fields."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        RADIO = "radio", _("Single choice (buttons)")
        SELECT = "select", _("Single choice (drop-down list)")
        CHECKBOXES = "checkboxes", _("Multiple choice (checkboxes)")
        YES_NO = "yes_no", _("Yes or no")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        EMAIL = "email", _("Email address")
        URL = "url", _("Web address")

    CHOICE_KINDS = (Kind.RADIO, Kind.SELECT, Kind.CHECKBOXES)
    # The answer "None of these" that every checkbox question offers besides its options, so
    # that someone to whom none applies can say so; it cannot be chosen with another option.
    NONE_OF_THESE = "__none__"

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="questions", verbose_name=_("event")
    )
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(
        _("help text"), max_length=500, blank=True, help_text=_("Shown under the question.")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.SHORT_TEXT)
    required = models.BooleanField(_("required"), default=False)
    options = models.TextField(
        _("options"),
        blank=True,
        help_text=_("Choice questions only: one option per line, in the order shown."),
    )
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Questions are shown from the lowest number up.")
    )
    archived_at = models.DateTimeField(
        _("removed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("A removed question that had answers is kept, with its answers, for exports."),
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.label

    @property
    def field_name(self) -> str:
        return f"question_{self.pk}"

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    @property
    def has_options(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    def clean(self):
        options = self.option_list
        if self.has_options and not options:
            raise ValidationError({"options": _("List the options, one per line.")})
        if not self.has_options and options:
            raise ValidationError(
                {"options": _("Only choice questions have options: leave this empty.")}
            )
        if len(set(options)) != len(options):
            raise ValidationError({"options": _("Each option can be listed only once.")})
        self.options = "\n".join(options)
        if self.pk and self.answers.exists():
            stored = Question.objects.filter(pk=self.pk).values_list("kind", flat=True).first()
            if stored is not None and stored != self.kind:
                raise ValidationError(
                    {
                        "kind": _(
                            "People have answered this question, so its type cannot change. "
                            "Remove it (its answers are kept) and add a new question instead."
                        )
                    }
                )

    # Answers are stored as text: multiple choices one per line (options cannot contain a
    # line break), yes/no as "yes" or "no", dates as YYYY-MM-DD, numbers as written.
    def to_storage(self, value) -> str:
        if value is None:
            return ""
        if self.kind == self.Kind.CHECKBOXES:
            return "\n".join(value)
        if self.kind == self.Kind.YES_NO:
            return "yes" if value else "no"
        if self.kind == self.Kind.DATE:
            return value.isoformat()
        return str(value)

    def from_storage(self, text: str):
        """The stored answer as the form field expects its initial value."""
        if self.kind == self.Kind.CHECKBOXES:
            return text.splitlines()
        return text

    def display(self, text: str) -> str:
        """The stored answer as people read it, in one line for multiple choices."""
        return self.displayer()(text)

    def displayer(self):
        """A function that shows stored answers to this question, fast enough for long lists."""
        if self.kind == self.Kind.CHECKBOXES:
            none = str(NONE_OF_THESE_LABEL)
            return lambda text: "; ".join(
                none if line == self.NONE_OF_THESE else line for line in text.splitlines()
            )
        if self.kind == self.Kind.YES_NO:
            labels = {value: str(label) for value, label in YES_NO_LABELS.items()}
            return lambda text: labels.get(text, text)
        return str


YES_NO_LABELS = {"yes": _("Yes"), "no": _("No")}
NONE_OF_THESE_LABEL = _("None of these")


class Answer(models.Model):
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("registration"),
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        related_name="answers",
        verbose_name=_("question"),
    )
    question_label = models.CharField(
        _("question asked"),
        max_length=300,
        help_text=_("The question as it was worded when the attendee answered it."),
    )
    value = models.TextField(_("answer"), help_text=_("Multiple choices are stored one per line."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["registration", "question__position", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self):
        return f"{self.question_label}: {self.value}"
