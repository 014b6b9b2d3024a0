import zoneinfo
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .. import times
from .fields import TimezoneField
from .organisers import Organiser, Topic
from .places import EventPlaces
from .querysets import EventQuerySet
from .words import EventWords


class Event(EventPlaces, EventWords):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    # What the public sees: published events, and those cancelled after publication.
    LISTED_STATUSES = (Status.PUBLISHED, Status.CANCELLED)

    class Kind(models.TextChoices):
        ORGANISED = "organised", _("Organised by us")
        LISTING = "listing", _("Listing: we take part")

    class RegistrationState(models.TextChoices):
        OPEN = "open", _("Open")
        WAITLIST = "waitlist", _("Waiting list")
        FULL = "full", _("Full")
        CLOSED = "closed", _("Closed")
        NOT_YET_OPEN = "not_yet_open", _("Not open yet")
        CANCELLED = "cancelled", _("Cancelled")
        EXTERNAL = "external", _("Elsewhere")

    class AttendanceMode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid: in person or online")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.ORGANISED,
        help_text=_(
            "A listing is another organisation's event where we speak, present or attend: its "
            "page links to the host's page and takes no registration here."
        ),
    )
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("Used in the event's address.")
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences for lists and feeds.")
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Markdown. Links, lists, headings and emphasis are kept."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = TimezoneField(
        _("timezone"),
        default=settings.TIME_ZONE,
        help_text=_("Where the event happens. Times are entered and shown in this timezone."),
    )
    venue_name = models.CharField(_("venue name"), max_length=200, blank=True)
    venue_address = models.TextField(_("venue address"), blank=True)
    map_url = models.URLField(_("map link"), max_length=500, blank=True)
    attendance_mode = models.CharField(
        _("attendance mode"),
        max_length=20,
        choices=AttendanceMode.choices,
        default=AttendanceMode.IN_PERSON,
        help_text=_("Whether people come to the venue, join online, or either."),
    )
    join_url = models.URLField(
        _("join link"),
        max_length=500,
        blank=True,
        help_text=_(
            "The video call or stream people join (Zoom, Teams…). Only attendees with a "
            "confirmed place see it: on their own page, in their emails and calendar invitation."
        ),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_(
            "Number of places (at a hybrid event, the places in person). Leave empty for no limit."
        ),
    )
    online_capacity = models.PositiveIntegerField(
        _("online places"),
        null=True,
        blank=True,
        help_text=_(
            "Only for hybrid events: the places online, apart from those in person. Leave "
            "empty for no limit."
        ),
    )
    waitlist_enabled = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_(
            "When the event is full, people can join a waiting list and move up when places free."
        ),
    )
    waitlist_limit = models.PositiveIntegerField(
        _("waiting list limit"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    confirm_email_addresses = models.BooleanField(
        _("confirm email addresses"),
        default=False,
        help_text=_(
            "People confirm their address through a link emailed to them. Until they do, their "
            "place (or place in the queue) is only held for a short time, then freed."
        ),
    )
    network_limit_lifted = models.BooleanField(
        _("no limit per network address"),
        default=False,
        help_text=_(
            "Registrations from one network address are limited per hour, to slow down "
            "scripts. Tick this when many people register from one network, such as the "
            "venue's Wi-Fi on the day."
        ),
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens at"),
        null=True,
        blank=True,
        help_text=_("Empty: open as soon as published."),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes at"),
        null=True,
        blank=True,
        help_text=_("Empty: open until the event starts."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    organiser = models.ForeignKey(
        Organiser, on_delete=models.PROTECT, related_name="events", verbose_name=_("lead organiser")
    )
    co_organisers = models.ManyToManyField(
        Organiser, blank=True, related_name="co_organised_events", verbose_name=_("co-organisers")
    )
    external_registration_url = models.URLField(
        _("external registration link"),
        max_length=500,
        blank=True,
        help_text=_("Only for events whose registration is handled elsewhere."),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="events", verbose_name=_("topics")
    )
    website_url = models.URLField(
        _("event website"),
        max_length=500,
        blank=True,
        help_text=_("A page about the event on another site, such as the host's programme."),
    )
    image = models.CharField(
        _("image"),
        max_length=300,
        blank=True,
        help_text=_(
            "The event's image on the organisation's website (a file name there, or its "
            "address): shown on the event page and in link previews."
        ),
    )
    category = models.CharField(
        _("category"),
        max_length=100,
        blank=True,
        help_text=_("What the organisation does at this event: organising, speaking, attending…"),
    )
    featured = models.BooleanField(
        _("featured"),
        default=False,
        help_text=_("Listed first among upcoming events, and marked as featured in the feeds."),
    )
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_(
            "Imported with details that could not be read, such as the time or the venue. "
            "Check them, then untick this."
        ),
    )
    review_notes = models.TextField(
        _("review notes"), blank=True, help_text=_("What to check, noted by the import.")
    )
    source_file = models.CharField(
        _("imported from"),
        max_length=300,
        blank=True,
        help_text=_("The website page this event came from. A new import finds the event by it."),
    )
    source_hash = models.CharField(
        _("imported content hash"),
        max_length=64,
        blank=True,
        help_text=_("SHA-256 of the imported page: an import skips pages that have not changed."),
    )
    imported_values = models.JSONField(
        _("imported values"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "What the last import read from the website page, field by field. A new import "
            "changes only the fields that still have these values: what organisers changed in "
            "Turnout stays."
        ),
    )
    pending_import = models.JSONField(
        _("website change waiting for confirmation"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "The time or place the website now states for this published event, field by "
            "field, not applied until an organiser confirms it in the admin (and chooses "
            "whether to tell the attendees) or keeps Turnout's."
        ),
    )
    retention_days = models.PositiveIntegerField(
        _("keep personal data for (days)"),
        null=True,
        blank=True,
        help_text=_(
            "How many days after the event ends the attendees' names, addresses, answers and "
            "emails are deleted; the numbers of registrations are kept. Empty: the site's "
            "default period, stated in the privacy notice."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0),
                name="event_capacity_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_closes_after_opening",
            ),
            models.UniqueConstraint(
                fields=["source_file"],
                condition=~Q(source_file=""),
                name="one_event_per_source_file",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        online_registration = self.is_online and not self.is_listing
        if self.status == self.Status.PUBLISHED and online_registration and not self.join_url:
            # Attendees would get a confirmation with nowhere to go. (A listing takes no
            # registration here: people join through the host.)
            errors["join_url"] = _(
                "An online or hybrid event needs a join link before it is published."
            )
        if self.online_capacity is not None and not self.is_hybrid:
            errors["online_capacity"] = _(
                "Only a hybrid event has places online of their own: leave this empty, or "
                "make the event hybrid."
            )
        if (
            self.starts_at
            and self.registration_closes_at
            and self.registration_closes_at > self.starts_at
        ):
            errors["registration_closes_at"] = _(
                "Registration closes when the event starts at the latest: choose a time before "
                "the start, or leave this empty."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_online(self) -> bool:
        """Whether people can attend online (online or hybrid events)."""
        return self.attendance_mode != self.AttendanceMode.IN_PERSON

    @property
    def is_listing(self) -> bool:
        return self.kind == self.Kind.LISTING

    @property
    def host_site(self) -> str:
        """The host's website as people know it ("rightscon.org"), from the listing's link."""
        return urlsplit(self.website_url).hostname.removeprefix("www.") if self.website_url else ""

    @property
    def image_url(self) -> str:
        """The address of the event's image on the organisation's website, or "" if there is
        none there: an image from anywhere else is not shown (nor allowed by the page's CSP)."""
        base = settings.WEBSITE_IMAGES_URL
        if not self.image or not base:
            return ""
        url = urljoin(base, self.image.strip())
        site = urlsplit(base)
        found = urlsplit(url)
        return url if (found.scheme, found.netloc) == (site.scheme, site.netloc) else ""

    @cached_property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.timezone)

    def local_time_text(self, value: datetime) -> str:
        """``value``, one of the event's times, as it is written everywhere: in the event's
        timezone, in the language's date format, with the timezone's name."""
        local = timezone.localtime(value, self.tzinfo)
        # "6 October 2030, 10:00 Spanish time (CEST)": the zone in words, as on public pages.
        zone = times.zone_label(local, self.timezone)
        return f"{formats.date_format(local, 'DATETIME_FORMAT')} {zone}"

    @property
    def local_starts_at(self):
        return timezone.localtime(self.starts_at, self.tzinfo)

    @property
    def local_ends_at(self):
        return timezone.localtime(self.ends_at, self.tzinfo)

    @property
    def registration_closes(self) -> datetime:
        """When registration ends: the closing time, and never after the start, even when the
        event was moved earlier than the closing time it had."""
        if self.registration_closes_at is None:
            return self.starts_at
        return min(self.registration_closes_at, self.starts_at)

    @property
    def retention_period(self) -> timedelta:
        days = self.retention_days
        return timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS if days is None else days)

    @property
    def personal_data_deleted_at(self) -> datetime:
        """When the personal data of the event's attendees is deleted (``purge_personal_data``)."""
        return self.ends_at + self.retention_period

    def is_past(self, now: datetime | None = None) -> bool:
        return self.ends_at < (now or timezone.now())
