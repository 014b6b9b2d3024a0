from django.core.management.base import BaseCommand, CommandError

from registrations.services import count_differences, fix_counts


class Command(BaseCommand):
    help = (
        "Compare the confirmed and waiting counts kept for each event with a real count of its "
        "registrations. Changes nothing and exits with 1 when an event's counts differ, unless "
        "--fix is given: then each such event is counted again under its lock and its counts "
        "are set to what was counted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix",
            action="store_true",
            help="Set the differing events' counts to a real count, each under its lock.",
        )

    def handle(self, *args, fix=False, **options):
        differences = count_differences()
        if not differences:
            self.stdout.write("The kept counts of every event match its registrations.")
            return
        for difference in differences:
            if fix:
                # Counted again under the lock: what was read above may have moved on since.
                difference = fix_counts(event=difference.event)
            self.stdout.write(
                f"{difference.event.slug} (id {difference.event.pk}): kept "
                f"{_said(difference.kept)}, counted {_said(difference.counted)}"
                + ("; set to the count." if fix else ".")
            )
        if not fix:
            raise CommandError(
                f"The kept counts of {len(differences)} event(s) differ from their "
                "registrations; run check_counts --fix to repair them.",
                returncode=1,
            )


def _said(counts: dict[str, int]) -> str:
    said = f"{counts['confirmed']} confirmed, {counts['waitlisted']} waitlisted"
    if counts["confirmed_online"] or counts["waitlisted_online"]:
        said += f" ({counts['confirmed_online']} and {counts['waitlisted_online']} online)"
    return said
