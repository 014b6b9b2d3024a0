from django.conf import settings
from django.core.management.base import BaseCommand

from registrations.services import release_expired_holds


class Command(BaseCommand):
    help = (
        "Free the places held for people who did not confirm their email address within "
        "UNCONFIRMED_HOLD_MINUTES (for events that confirm addresses), and give them to the "
        "waiting list. Safe to run from cron every few minutes."
    )

    def handle(self, *args, **options):
        released, promoted = release_expired_holds()
        self.stdout.write(
            f"{released} unconfirmed registration(s) released "
            f"(held {settings.UNCONFIRMED_HOLD_MINUTES:g} minutes); "
            f"{promoted} moved up from the waiting list."
        )
