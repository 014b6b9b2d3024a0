import hashlib
import re
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from events.calendar import absolute_url
from events.models import Event


def new_token() -> str:
    return secrets.token_urlsafe(32)


# What mail programs and browsers turn into a link: a scheme, "www.", or a domain such as
# example.com (a dot between a letter and two or more letters). The ideographic full stop
# counts as a dot, as it does in domain names.
LINK_IN_TEXT = re.compile(
    r"[a-z][a-z0-9+.-]*://|\bwww[.\u3002]|\w[.\u3002][^\W\d_]{2,}(?![\w-])", re.IGNORECASE
)


def validate_name(value: str) -> None:
    """A person's name is text: no markup, and nothing an email program would make a link of.

    Anyone can register any address, so a name with a link in it would have Turnout send the
    organisation's email with someone else's link in it.
    """
    text = unicodedata.normalize("NFKC", value)  # full-width ＜ and ．are < and . here
    if "<" in text or ">" in text:
        raise ValidationError(
            _("Please write your name without the characters < and >."), code="markup_in_name"
        )
    if LINK_IN_TEXT.search(text):
        raise ValidationError(
            _(
                "Please write just your name, without a web address. If a dot in your name "
                "joins two words, put a space after it."
            ),
            code="link_in_name",
        )


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Registrations of people who hold a place or wait for one.

        Anonymised registrations only count for statistics: nobody is behind them any more.
        """
        return self.exclude(status=Registration.Status.CANCELLED).filter(anonymised_at__isnull=True)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=Registration.Status.WAITLISTED)

    def waitlist_order(self):
        return self.waitlisted().order_by("created_at", "pk")

    def on_hold(self):
        """Places held for people who have not confirmed their email address yet."""
        return self.filter(hold_expires_at__isnull=False)

    def not_on_hold(self):
        return self.filter(hold_expires_at__isnull=True)

    def hold_expired(self, now):
        return self.filter(hold_expires_at__lte=now)


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    email = models.EmailField(_("email"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    access_needs = models.TextField(_("access needs"), max_length=2000, blank=True)
    dietary_requirements = models.TextField(_("dietary requirements"), max_length=2000, blank=True)
    privacy_consent_at = models.DateTimeField(_("consent given at"))
    privacy_notice_version = models.CharField(
        _("privacy notice version"),
        max_length=50,
        help_text=_("Which privacy notice the attendee agreed to."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED
    )
    token = models.CharField(
        _("manage token"), max_length=64, unique=True, default=new_token, editable=False
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=500, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    # The key of the form that created this registration: a resubmitted form finds it again.
    submission_key = models.CharField(max_length=64, blank=True, editable=False)
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the event's retention period ended and the personal data was deleted; "
            "the status and times are kept for statistics."
        ),
    )
    email_confirmed_at = models.DateTimeField(
        _("email address confirmed at"),
        null=True,
        blank=True,
        help_text=_("When the attendee confirmed their address, for events that ask them to."),
    )
    hold_expires_at = models.DateTimeField(
        _("held until"),
        null=True,
        blank=True,
        help_text=_(
            "The attendee has not confirmed their email address yet: the place (or place in "
            "the queue) is freed at this time unless they do."
        ),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                # Anonymised registrations have no address left to be unique.
                condition=~Q(status="cancelled") & Q(anonymised_at__isnull=True),
                name="one_active_registration_per_email",
                violation_error_message=_(
                    "This email address is already registered for this event."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "waitlisted", "cancelled"]),
                name="registration_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled") | Q(cancelled_at__isnull=True),
                name="registration_cancelled_at_only_when_cancelled",
            ),
            models.CheckConstraint(
                condition=Q(hold_expires_at__isnull=True)
                | (Q(email_confirmed_at__isnull=True) & ~Q(status="cancelled")),
                name="registration_held_only_while_unconfirmed_and_active",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(
                fields=["event", "hold_expires_at"],
                condition=Q(hold_expires_at__isnull=False),
                name="registration_holds",
            ),
        ]

    def __str__(self):
        # What the admin history keeps of a registration: no name, no address.
        return _("Registration %(number)s") % {"number": self.pk}

    # Not get_absolute_url(): the admin's "view on site" would hand this secret to any staff user.
    @property
    def personal_path(self) -> str:
        """The attendee's own page. The token in it is a bearer secret: only they get it."""
        return reverse("registrations:manage", kwargs={"token": self.token})

    @property
    def personal_link_placeholder(self) -> str:
        """What a stored email holds in place of the personal link, which the email gets only
        when it is sent (``OutboundEmail.bodies_to_send``)."""
        return PERSONAL_LINK_PLACEHOLDER.format(pk=self.pk)

    @property
    def confirm_path(self) -> str:
        """Where the attendee confirms their email address; as secret as the personal link."""
        return reverse("registrations:confirm", kwargs={"token": self.token})

    @property
    def confirm_link_placeholder(self) -> str:
        """What a stored email holds in place of the confirmation link, as for the personal link."""
        return CONFIRM_LINK_PLACEHOLDER.format(pk=self.pk)

    @property
    def calendar_uid(self) -> str:
        """The same for this registration in every calendar file, and known before it is
        saved; derived from the token without revealing it."""
        return "registration-" + hashlib.sha256(self.token.encode()).hexdigest()[:32]

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    @property
    def is_on_hold(self) -> bool:
        """Waiting for the attendee to confirm their email address."""
        return self.hold_expires_at is not None


def _count_of(status: str):
    counts = (
        Registration.objects.filter(event=OuterRef("pk"), status=status)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def with_registration_counts(events):
    """Annotate events with ``confirmed_count``, ``waitlisted_count`` and ``cancelled_count``."""
    return events.annotate(
        confirmed_count=_count_of(Registration.Status.CONFIRMED),
        waitlisted_count=_count_of(Registration.Status.WAITLISTED),
        cancelled_count=_count_of(Registration.Status.CANCELLED),
    )


def registration_counts(event: Event) -> dict[str, int]:
    """How many of an event's places are taken and how many people wait, in one query.

    Registering counts while it holds the event's lock, so this query is written out once
    instead of being compiled by the ORM each time: it keeps the lock shorter.
    """
    table = connection.ops.quote_name(Registration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FILTER (WHERE status = %s), COUNT(*) FILTER (WHERE status = %s) "  # noqa: S608 - the table name is ours
            f"FROM {table} WHERE event_id = %s",
            [Registration.Status.CONFIRMED, Registration.Status.WAITLISTED, event.pk],
        )
        confirmed, waitlisted = cursor.fetchone()
    return {"confirmed": confirmed, "waitlisted": waitlisted}


# Stored emails hold these in place of the secret links, which are written in when sending.
PERSONAL_LINK_PLACEHOLDER = "[[personal-link:{pk}]]"
CONFIRM_LINK_PLACEHOLDER = "[[confirm-link:{pk}]]"
LINK_PLACEHOLDER_PATTERN = re.compile(r"\[\[(personal|confirm)-link:(\d+)\]\]")


class OutboundEmailQuerySet(models.QuerySet):
    def queued(self):
        return self.filter(status=OutboundEmail.Delivery.QUEUED)


class OutboundEmail(models.Model):
    """One email to one person, stored in the same transaction as the change that caused it.

    The worker sends it from here, so a mail server that is down delays an email but never
    loses it, and a sent email is marked so that it is not sent again.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Registration confirmed")
        WAITLISTED = "waitlisted", _("Joined the waiting list")
        PROMOTED = "promoted", _("Moved up from the waiting list")
        CANCELLED = "cancelled", _("Cancellation confirmed")
        EVENT_CHANGED = "event_changed", _("Event changed")
        EVENT_CANCELLED = "event_cancelled", _("Event cancelled")
        REMINDER = "reminder", _("Reminder")
        MESSAGE = "message", _("Message from the organisers")
        PERSONAL_LINKS = "personal_links", _("Personal links")
        CONFIRM_ADDRESS = "confirm_address", _("Confirm the email address")
        ALREADY_REGISTERED = "already_registered", _("Already registered")

    class Delivery(models.TextChoices):
        """Where sending the email stands (its ``status``); not to be confused with
        ``Registration.Status``."""

        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(
        _("key"),
        max_length=200,
        unique=True,
        help_text=_("Names what this email is about, so the same email is never queued twice."),
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbound_emails",
        verbose_name=_("event"),
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbound_emails",
        verbose_name=_("registration"),
        help_text=_("Deleting a registration deletes its emails too, sent or not."),
    )
    listed_registrations = models.ManyToManyField(
        Registration,
        blank=True,
        related_name="listing_emails",
        verbose_name=_("registrations listed"),
        help_text=_("The registrations whose personal links the email gives, besides its own."),
    )
    recipient_name = models.CharField(_("name"), max_length=200, blank=True)
    recipient = models.EmailField(_("to"), max_length=254)
    reply_to = models.EmailField(_("reply to"), blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    compose_later = models.BooleanField(
        _("written when sent"),
        default=False,
        help_text=_(
            "The worker writes the text of this email just before sending it, so that "
            "registering does not wait for templates and calendar files."
        ),
    )
    body_text = models.TextField(_("plain text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    calendar = models.TextField(
        _("calendar invitation"), blank=True, help_text=_("An iCalendar file sent as invite.ics.")
    )
    message_id = models.CharField(
        _("Message-ID"),
        max_length=200,
        unique=True,
        help_text=_("The same on every attempt, so mail programs can drop a second copy."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Delivery.choices, default=Delivery.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_until = models.DateTimeField(
        _("being sent until"),
        null=True,
        blank=True,
        help_text=_("While a worker sends the email, no other worker may."),
    )
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"

    def bodies_to_send(self) -> tuple[str, str]:
        """The plain text and HTML bodies with the personal (and confirmation) links written in.

        The stored bodies hold a placeholder for each link, so that the admin, the database and
        its backups never hold a working link. Only the links of the registrations this email is
        about are written in: a placeholder typed into an organisers' message stays as typed.
        """
        linked = {registration.pk: registration for registration in self.listed_registrations.all()}
        if self.registration_id:
            linked[self.registration_id] = self.registration

        def fill(body: str, quote) -> str:
            def link(match: re.Match) -> str:
                registration = linked.get(int(match.group(2)))
                if registration is None:
                    return match.group(0)
                if match.group(1) == "confirm":
                    return quote(absolute_url(registration.confirm_path))
                return quote(absolute_url(registration.personal_path))

            return LINK_PLACEHOLDER_PATTERN.sub(link, body)

        return fill(self.body_text, str), fill(self.body_html, escape)


class LinkRequest(models.Model):
    """Someone asked for the personal links of an address: the worker answers, then deletes it.

    The task that answers is given this row's id, so the address is never a task argument and
    is gone once the request is answered.
    """

    email = models.EmailField(_("email"), max_length=254)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("request for personal links")
        verbose_name_plural = _("requests for personal links")

    def __str__(self):
        return _("Request %(number)s") % {"number": self.pk}


class OrganiserMessage(models.Model):
    """A message organisers sent to the attendees of an event, kept as a record."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="messages", verbose_name=_("event")
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=10000)
    include_waitlisted = models.BooleanField(
        _("also to the waiting list"),
        default=False,
        help_text=_("Send to people on the waiting list as well as to confirmed attendees."),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipient_count = models.PositiveIntegerField(_("recipients"))

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("message to attendees")
        verbose_name_plural = _("messages to attendees")

    def __str__(self):
        return self.subject


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
            return lambda text: text.replace("\n", "; ")
        if self.kind == self.Kind.YES_NO:
            labels = {value: str(label) for value, label in YES_NO_LABELS.items()}
            return lambda text: labels.get(text, text)
        return str


YES_NO_LABELS = {"yes": _("Yes"), "no": _("No")}


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
