from django.conf import settings
from django.core.management.base import BaseCommand

from registrations.services import queue_reminders
from registrations.tasks import requeue_stalled


class Command(BaseCommand):
    help = (
        "Queue a reminder to each confirmed attendee of events at their reminder time (each "
        "event's own, or REMINDER_HOURS_BEFORE hours before), once per attendee and start "
        "time, and queue again any email whose sending was interrupted. Safe to run from "
        "cron every few minutes."
    )

    def handle(self, *args, **options):
        reminders = queue_reminders()
        requeued = requeue_stalled()
        self.stdout.write(
            f"{reminders} reminder(s) queued ({settings.REMINDER_HOURS_BEFORE:g} hours before); "
            f"{requeued} interrupted email(s) queued again."
        )
