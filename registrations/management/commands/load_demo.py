"""Demo data for a first look: an open event (from a real event page), a past one and a full one."""

import dataclasses
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from events import jekyll, page_text
from events import services as event_services
from events.models import Event, Membership, Organiser
from registrations import services
from registrations.models import Question, Registration

SEED = (
    Path(__file__).resolve().parents[3]
    / "events"
    / "demo"
    / "2025-10-06-ogp-ai-procurement-public-participation.md"
)
DEMO_PASSWORD = "turnout-demo"  # noqa: S105 - printed by `make run` for a local first look

PARTNERS = [
    ("Participation AI", "participation-ai", "https://participationai.org/"),
    (
        "Open Contracting Partnership",
        "open-contracting-partnership",
        "https://www.open-contracting.org/",
    ),
    ("Posterity Global", "posterity-global", "https://www.posterity.global/"),
]


def demo_page(page: jekyll.Page, *, day: date) -> jekyll.Page:
    """The seed page as the demo's open event: on ``day``, with registration in Turnout."""
    return dataclasses.replace(
        page,
        # Kept apart from the website's own page, should the website be imported too.
        source_file=f"demo/{page.source_file}",
        slug="open-government-ai-procurement-public-participation",
        first_day=day,
        last_day=day,
        # The quoted when/where/"Register here" lines are replaced by the event page's own.
        description=page_text.without_quotes(page.description),
        venue_address="Calle Ramón y Cajal 5, 01007 Vitoria-Gasteiz, Spain",
        external_registration_url="",
        registration_links=[],
    )


def local(day, hour: int, minute: int, tz: str) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(tz))


class Command(BaseCommand):
    help = "Load demo organisers, events and an organiser login. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            # Anyone who read the README could sign in to a site that has this login.
            raise CommandError(
                f"load_demo creates the login organiser / {DEMO_PASSWORD}, whose password is "
                "published: it runs only with DEBUG=1, as `make run` sets, never on a site "
                "others can reach."
            )
        lead, _created = Organiser.objects.update_or_create(
            slug="connected-by-data",
            defaults={
                "name": "Connected by Data",
                "website": "https://connectedbydata.org/",
                "contact_email": "events@connectedbydata.example",
                "timezone": "Europe/London",
            },
        )
        partners = [
            Organiser.objects.update_or_create(
                slug=slug, defaults={"name": name, "website": website}
            )[0]
            for name, slug, website in PARTNERS
        ]
        today = timezone.localdate()
        page = demo_page(jekyll.read_page(SEED), day=today + timedelta(days=45))
        imported = event_services.import_page(page=page, organiser=lead, publish=True)
        seed = imported.event
        if imported.outcome == event_services.Outcome.CREATED:
            seed.capacity = 40
            seed.save(update_fields=["capacity"])
        seed.co_organisers.set(partners)
        # Questions of the kind the organisation asked in its Google Form.
        Question.objects.get_or_create(
            event=seed,
            label="Which part of the procurement lifecycle do you work on?",
            defaults={
                "kind": Question.Kind.CHECKBOXES,
                "options": "Planning\nTendering\nAwarding\nContract management\nNone yet",
                "position": 1,
            },
        )
        Question.objects.get_or_create(
            event=seed,
            label="Anything you would like the session to cover?",
            defaults={"kind": Question.Kind.LONG_TEXT, "position": 2},
        )

        past_day = today - timedelta(days=60)
        past, _created = Event.objects.get_or_create(
            slug="data-campaigners-community-of-practice",
            defaults={
                "title": "Data campaigners' community of practice",
                "summary": "An open session for data and AI campaigners to share what works.",
                "description": "We met to share **campaign tactics**, tools and lessons learnt.",
                "timezone": "Europe/London",
                "starts_at": local(past_day, 14, 0, "Europe/London"),
                "ends_at": local(past_day, 15, 30, "Europe/London"),
                "venue_name": "The Impact Hub King's Cross",
                "venue_address": "34b York Way, London N1 9AB, United Kingdom",
                "capacity": 30,
                "status": Event.Status.PUBLISHED,
                "organiser": lead,
            },
        )

        full_day = today + timedelta(days=20)
        full, created_full = Event.objects.get_or_create(
            slug="people-participation-power-roundtable",
            defaults={
                "title": "People, participation and power: a roundtable",
                "summary": "A roundtable on giving communities a say in how their data is used.",
                "description": "Places are limited to keep the conversation small.",
                "timezone": "Europe/London",
                "starts_at": local(full_day, 9, 30, "Europe/London"),
                "ends_at": local(full_day, 11, 0, "Europe/London"),
                "venue_name": "Friends House",
                "venue_address": "173 Euston Road, London NW1 2BJ, United Kingdom",
                "map_url": "https://www.openstreetmap.org/search?query=Friends%20House%20London",
                "capacity": 2,
                "waitlist_enabled": False,
                "status": Event.Status.PUBLISHED,
                "organiser": lead,
            },
        )
        if created_full:
            for name, email in [
                ("Amina Okafor", "amina@example.org"),
                ("Lars Nilsson", "lars@example.org"),
            ]:
                services.register(event=full, name=name, email=email, organisation="Demo Civic Lab")

        User = get_user_model()
        organiser_user, created_user = User.objects.get_or_create(
            username="organiser", defaults={"email": "organiser@example.org", "is_staff": True}
        )
        if created_user:
            organiser_user.set_password(DEMO_PASSWORD)
            organiser_user.save()
        Membership.objects.get_or_create(
            user=organiser_user, organiser=lead, defaults={"role": Membership.Role.MANAGER}
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Event.objects.count()} events, "
                f"{Registration.objects.count()} registrations. "
                f"Organiser login: organiser / {DEMO_PASSWORD}"
            )
        )
