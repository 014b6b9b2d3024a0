from django.conf import settings
from django.core.management.base import BaseCommand

from registrations.emails import queue_reminders
from registrations.tasks import enqueue_delivery, requeue_stalled


class Command(BaseCommand):
    help = (
        "Queue a reminder to each confirmed attendee of events starting within "
        "REMINDER_HOURS_BEFORE hours, once per attendee, and queue again any email whose "
        "sending was interrupted. Safe to run from cron every few minutes."
    )

    def handle(self, *args, **options):
        reminders = len(queue_reminders(then=enqueue_delivery))
        requeued = requeue_stalled()
        self.stdout.write(
            f"{reminders} reminder(s) queued ({settings.REMINDER_HOURS_BEFORE:g} hours before); "
            f"{requeued} interrupted email(s) queued again."
        )
