import hashlib
import secrets

from django.conf import settings
from django.db import connection, models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Event


def new_token() -> str:
    return secrets.token_urlsafe(32)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=Registration.Status.WAITLISTED)

    def waitlist_order(self):
        return self.waitlisted().order_by("created_at", "pk")


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=200)
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

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~Q(status="cancelled"),
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
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def get_absolute_url(self):
        return reverse("registrations:manage", kwargs={"token": self.token})

    @property
    def calendar_uid(self) -> str:
        """The same for this registration in every calendar file, and known before it is
        saved; derived from the token without revealing it."""
        return "registration-" + hashlib.sha256(self.token.encode()).hexdigest()[:32]

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


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


class OutboundEmailQuerySet(models.QuerySet):
    def queued(self):
        return self.filter(status=OutboundEmail.Status.QUEUED)


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

    class Status(models.TextChoices):
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
    recipient_name = models.CharField(_("name"), max_length=200, blank=True)
    recipient = models.EmailField(_("to"), max_length=254)
    reply_to = models.EmailField(_("reply to"), blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"))
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
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
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
