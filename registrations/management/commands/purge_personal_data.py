from django.core.management.base import BaseCommand

from registrations.services import Purged, purge_personal_data


def _counted(parts: list[tuple[int, str, str]]) -> str:
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts if n)


class Command(BaseCommand):
    help = (
        "Delete the personal data of events whose retention period is over "
        "(PERSONAL_DATA_RETENTION_DAYS after they end, or the event's own period): "
        "registrations are anonymised, keeping status and times for statistics; answers, "
        "emails, their task records and admin history are deleted. Prints what it did, and "
        "nothing when there was nothing to do. Safe to run from cron every hour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be deleted; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        purged = purge_personal_data(dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing is changed.")
            if not purged:
                self.stdout.write("Nothing to delete.")
        for report in purged:
            self.stdout.write(self._describe(report, dry_run=dry_run))

    def _describe(self, report: Purged, *, dry_run: bool) -> str:
        anonymise, delete = (
            ("would anonymise", "would delete") if dry_run else ("anonymised", "deleted")
        )
        anonymised = _counted([(report.registrations, "registration", "registrations")])
        deleted = _counted(
            [
                (report.link_requests, "unanswered request", "unanswered requests"),
                (report.answers, "answer", "answers"),
                (report.emails, "email", "emails"),
                (report.history, "admin history entry", "admin history entries"),
                (report.task_records, "task record", "task records"),
            ]
        )
        done = []
        if anonymised:
            done.append(f"{anonymise} {anonymised}")
        if deleted:
            done.append(f"{delete} {deleted}")
        event = report.event
        if event is None:
            return f"Lost-link requests: {'; '.join(done)}."
        return (
            f'"{event.title}" (ended {event.local_ends_at:%Y-%m-%d}, '
            f"kept {event.retention_period.days} days): {'; '.join(done)}."
        )
