from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .fields import TimezoneField


class OrganiserQuerySet(models.QuerySet):
    def working_with(self, user):
        """The user's organisations and those that lead or co-organise an event with one of
        them; superusers work with all."""
        if user.is_superuser:
            return self
        # Events build on organisers (events.py imports this module), so the Event model is
        # reached through the relation rather than imported back.
        Event = self.model._meta.get_field("events").related_model
        own = Membership.objects.filter(user=user).values("organiser_id")
        shared = Event.objects.filter(Q(organiser__in=own) | Q(co_organisers__in=own)).values("pk")
        leads = Event.objects.filter(pk__in=shared).values("organiser_id")
        partners = Event.co_organisers.through.objects.filter(event__in=shared).values(
            "organiser_id"
        )
        return self.filter(Q(pk__in=own) | Q(pk__in=leads) | Q(pk__in=partners))


class Organiser(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(
        _("contact email"), blank=True, help_text=_("Shown to attendees who have questions.")
    )
    timezone = TimezoneField(
        _("timezone"),
        default=settings.TIME_ZONE,
        help_text=_("The default timezone of this organiser's new events."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisers", blank=True
    )

    objects = OrganiserQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", _("Manager: edits events and attendees")
        VIEWER = "viewer", _("Viewer: sees events and exports attendees")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organiser = models.ForeignKey(Organiser, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MANAGER)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organiser"], name="one_membership_per_user"),
        ]

    def __str__(self):
        return f"{self.user} – {self.organiser} ({self.get_role_display()})"


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name
