"""Registrations: who asked for a place at an event, and what they hold."""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Event

from .diets import validate_diets
from .language import InOwnLanguage
from .text import folded, validate_name

# The fields the check-in search looks in, kept folded in ``search_text``.
SEARCHED_FIELDS = ["name", "email", "organisation"]


def new_token() -> str:
    return secrets.token_urlsafe(32)


# Stored emails hold these in place of the secret links, which are written in when sending.
PERSONAL_LINK_PLACEHOLDER = "[[personal-link:{pk}]]"
CONFIRM_LINK_PLACEHOLDER = "[[confirm-link:{pk}]]"
LINK_PLACEHOLDER_PATTERN = re.compile(r"\[\[(personal|confirm)-link:(\d+)\]\]")


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

    def reminder_due(self, now: datetime, *, hours_before: float):
        """Confirmed registrations of published events ``hours_before`` hours (or less) from
        their start that have had no reminder for the event's current start time: a change of
        time after a reminder makes them due again.

        Who registered after the reminder time has just had their confirmation. They are
        reminded ``LATE_REMINDER_BEFORE`` before the start if they registered at least as long
        before that (``LATE_REGISTRATION_BEFORE``): the reminder then comes on the day, hours
        after the confirmation, never minutes after it.
        """
        before = timedelta(hours=hours_before)
        starts_at = F("event__starts_at")
        on_time = Q(event__starts_at__lte=now + before, created_at__lt=starts_at - before)
        late = Q(
            event__starts_at__lte=now + LATE_REMINDER_BEFORE,
            created_at__gte=starts_at - before,
            created_at__lt=starts_at - LATE_REGISTRATION_BEFORE,
        )
        return (
            self.confirmed()
            .not_on_hold()
            .filter(event__status=Event.Status.PUBLISHED, event__starts_at__gt=now)
            .filter(on_time | late)
            .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=starts_at))
        )

    def hold_expired(self, now):
        return self.filter(hold_expires_at__lte=now)

    def counts(self) -> dict[str, int]:
        """How many of these registrations are confirmed, waitlisted and cancelled, and how
        many confirmed people checked in: the one way registrations are counted, one query.

        Registering counts while it holds the event's lock, so the counting is written out
        instead of built by the ORM's aggregation, which takes several times as long to
        compile as the database takes to count; only the selection is compiled.
        """
        selection = self.order_by().values("status", "checked_in_at")
        try:
            selected, params = selection.query.sql_with_params()
        except EmptyResultSet:  # .none(), or a filter nothing can match
            return dict(NO_REGISTRATIONS)
        sql = (
            "SELECT COUNT(*) FILTER (WHERE status = %s), COUNT(*) FILTER (WHERE status = %s), "  # noqa: S608 - our own compiled query
            "COUNT(*) FILTER (WHERE status = %s), "
            "COUNT(*) FILTER (WHERE status = %s AND checked_in_at IS NOT NULL) "
            f"FROM ({selected}) AS counted"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*COUNTED_STATUSES, Registration.Status.CONFIRMED, *params])
            return dict(zip(COUNTS, cursor.fetchone(), strict=True))

    def counts_by_event(self) -> dict[int, dict[str, int]]:
        """``counts()`` of each event these registrations belong to, in one query; an event
        without registrations is not in it (``NO_REGISTRATIONS`` stands for it)."""
        rows = self.order_by().values("event").annotate(**COUNTS)
        return {row.pop("event"): row for row in rows}


# When people who registered after the reminder time are reminded, and how long before the
# start they must have registered for it (see ``reminder_due``).
LATE_REMINDER_BEFORE = timedelta(hours=2)
LATE_REGISTRATION_BEFORE = timedelta(hours=4)

# What ``counts()`` answers, in this order; confirmed places held for unconfirmed addresses
# are confirmed. ``counts_by_event()`` and the admin's sortable columns count with these.
COUNTED_STATUSES = ["confirmed", "waitlisted", "cancelled"]
COUNTS = {
    "confirmed": Count("pk", filter=Q(status="confirmed")),
    "waitlisted": Count("pk", filter=Q(status="waitlisted")),
    "cancelled": Count("pk", filter=Q(status="cancelled")),
    "checked_in": Count("pk", filter=Q(status="confirmed", checked_in_at__isnull=False)),
}
NO_REGISTRATIONS = dict.fromkeys(COUNTS, 0)


class Registration(InOwnLanguage):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Attendance(models.TextChoices):
        """How the attendee attends: a hybrid event has places of each, any other event one."""

        IN_PERSON = Event.AttendanceMode.IN_PERSON.value, _("In person")
        ONLINE = Event.AttendanceMode.ONLINE.value, _("Online")

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    email = models.EmailField(_("email"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    access_needs = models.TextField(_("access needs"), max_length=2000, blank=True)
    dietary_options = models.CharField(
        _("dietary options"),
        max_length=200,
        blank=True,
        validators=[validate_diets],
        help_text=_("The options the attendee chose, separated by commas."),
    )
    dietary_requirements = models.TextField(
        _("dietary requirements"),
        max_length=2000,
        blank=True,
        help_text=_("What the attendee wrote: their “other” requirement, allergies included."),
    )
    privacy_consent_at = models.DateTimeField(
        _("consent given at"),
        null=True,
        blank=True,
        help_text=_("Empty for people the organisers registered: their note says why."),
    )
    organiser_note = models.CharField(
        _("organisers' note"),
        max_length=500,
        blank=True,
        help_text=_(
            "For someone the organisers registered themselves (a speaker, a guest, partner "
            "staff): who they are and how they agreed, in place of the form's consent."
        ),
    )
    privacy_notice_version = models.CharField(
        _("privacy notice version"),
        max_length=50,
        help_text=_("Which privacy notice the attendee agreed to."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED
    )
    attendance = models.CharField(
        _("attends"),
        max_length=20,
        choices=Attendance.choices,
        default=Attendance.IN_PERSON,
        db_default=Attendance.IN_PERSON,
        help_text=_("In person or online: at a hybrid event, each has its own places."),
    )
    token = models.CharField(
        _("manage token"), max_length=64, unique=True, default=new_token, editable=False
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=500, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    reminded_for = models.DateTimeField(
        _("reminded for the start at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The start time the last reminder gave; a new time makes a new reminder due."),
    )
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
    search_text = models.TextField(
        _("search text"),
        blank=True,
        editable=False,
        help_text=_(
            "The name, address and organisation without accents or capitals, for the check-in "
            "search; written on every save."
        ),
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
                condition=Q(privacy_consent_at__isnull=False) | ~Q(organiser_note=""),
                name="registration_consent_or_organisers_note",
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

    def prepare_to_save(self) -> None:
        """What every save of a registration writes with it (``save``, and the services' inserts
        that do not call it), so that it is never stale: the text searched by the admin."""
        self.search_text = folded(*(getattr(self, name) for name in SEARCHED_FIELDS))

    def save(self, *args, **kwargs):
        self.prepare_to_save()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(SEARCHED_FIELDS) & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

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
    def place(self) -> tuple[str, str]:
        """The status and attendance the kept counts count this registration by."""
        return self.status, self.attendance

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    @property
    def is_on_hold(self) -> bool:
        """Waiting for the attendee to confirm their email address."""
        return self.hold_expires_at is not None

    @property
    def join_url(self) -> str:
        """The event's join link if this attendee may join online, otherwise "".

        Only a confirmed place whose address is confirmed, at an online or hybrid event that
        goes ahead: the link lets anyone who has it into the call, so people waiting, held,
        cancelled or erased never get it.
        """
        event = self.event
        if (
            self.status != self.Status.CONFIRMED
            or self.is_on_hold
            or self.anonymised_at is not None
            or event.status != Event.Status.PUBLISHED
            or not event.is_online
        ):
            return ""
        return event.join_url

    def waitlist_position(self) -> int | None:
        """Where this registration stands on the waiting list (1 is next), or None off it."""
        if self.status != self.Status.WAITLISTED:
            return None
        ahead = Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lte=self.pk)
        queue = Registration.objects.waitlisted().filter(event_id=self.event_id)
        if self.event.is_hybrid:  # each way of attending has its own waiting list
            queue = queue.filter(attendance=self.attendance)
        return queue.filter(ahead).count()
