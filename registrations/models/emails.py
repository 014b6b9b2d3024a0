"""What is sent to attendees: stored emails, organisers' messages and requests for links."""

import re

from django.conf import settings
from django.db import models
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from events.calendar import absolute_url
from events.models import Event

from .registrations import LINK_PLACEHOLDER_PATTERN, Registration


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
    details = models.JSONField(
        _("what changed"),
        default=dict,
        blank=True,
        help_text=_(
            "For the email about a change of an event: what changed (before and after) and the "
            "organisers' reason for a cancellation, kept until the worker writes the email."
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

    class Attendance(models.TextChoices):
        ANYONE = "", _("Whether they came or not")
        CAME = "came", _("Those who checked in")
        DID_NOT_COME = "did_not_come", _("Confirmed attendees who did not check in")

    attendance = models.CharField(
        _("by attendance"),
        max_length=20,
        choices=Attendance.choices,
        blank=True,
        default=Attendance.ANYONE,
        help_text=_("Sent only to those who came, or only to those who did not."),
    )
    answer_question = models.ForeignKey(
        "registrations.Question",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by an answer to"),
    )
    answer_option = models.CharField(
        _("answer"),
        max_length=500,
        blank=True,
        help_text=_("Sent only to those who gave this answer to the question."),
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
