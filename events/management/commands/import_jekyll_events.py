"""Import event pages of the organisation's Jekyll website into Turnout: read each page, then
import it through `events.services`, and say what happened."""

from collections import Counter
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from events import jekyll, services
from events.models import Organiser

OUTCOME_LABELS = {
    services.Outcome.CREATED: gettext_lazy("created"),
    services.Outcome.UPDATED: gettext_lazy("updated"),
    services.Outcome.UNCHANGED: gettext_lazy("unchanged"),
}
DRY_RUN_LABELS = {
    services.Outcome.CREATED: gettext_lazy("would be created"),
    services.Outcome.UPDATED: gettext_lazy("would be updated"),
    services.Outcome.UNCHANGED: gettext_lazy("unchanged"),
}

FAILED = "failed"
FLAGGED = "flagged"
RESULT_LABELS = {
    FAILED: gettext_lazy("failed"),
    FLAGGED: gettext_lazy("needs review"),
}


class Command(BaseCommand):
    help = gettext_lazy(
        "Import event pages (YAML front matter and Markdown) of a Jekyll website. Importing "
        "the same pages again updates only the events whose page changed; registrations are "
        "never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help=gettext_lazy("Event pages, or folders of them."),
        )
        parser.add_argument(
            "--organiser",
            metavar="SLUG",
            help=gettext_lazy(
                "The lead organiser of new events. Needed when there is more than one."
            ),
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help=gettext_lazy("Publish the imported events. Without it new events are drafts."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("Show what the import would do, and save nothing."),
        )

    def handle(self, *args, paths, organiser, publish, dry_run, verbosity, **options):
        self.verbosity = verbosity
        self.labels = DRY_RUN_LABELS if dry_run else OUTCOME_LABELS
        lead = self.lead_organiser(organiser)
        files = jekyll.page_files(paths)
        self.counts = Counter()
        # (file, what happened, why) of each page that failed or needs review.
        self.rows = []
        with transaction.atomic(), self.progress(len(files)) as advance:
            for path in files:
                self.counts[self.import_file(path, organiser=lead, publish=publish)] += 1
                advance()
            if dry_run:
                # Everything ran for real, so the report is exact; none of it is kept.
                transaction.set_rollback(True)
        self.write_summary(dry_run)

    @contextmanager
    def progress(self, total: int):
        """On a terminal, a progress bar under the pages' lines; elsewhere (a log, a pipe) the
        lines alone, as plain text."""
        if not self.stdout.isatty():
            self.say = self.stdout.write
            self.warn = self.stderr.write
            yield lambda: None
            return
        console = Console(file=self.stdout._out, highlight=False)
        with Progress(
            TextColumn(_("Importing")),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("", total=total)
            self.say = lambda line: console.print(line, markup=False)
            self.warn = lambda line: console.print(line, markup=False, style="red")
            yield lambda: bar.advance(task)

    def write_summary(self, dry_run: bool) -> None:
        counts = {
            "created": self.counts[services.Outcome.CREATED],
            "updated": self.counts[services.Outcome.UPDATED],
            "unchanged": self.counts[services.Outcome.UNCHANGED],
            "flagged": sum(1 for _file, result, _why in self.rows if result == FLAGGED),
            "failed": self.counts[FAILED],
        }
        summary = (
            _(
                "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(flagged)d flagged, %(failed)d failed."
            )
            % counts
        )
        if dry_run:
            summary = _("Dry run, nothing was saved: %(summary)s") % {"summary": summary}
        if self.stdout.isatty():
            self.write_table(counts, summary)
            return
        for file, result, why in self.rows:
            self.stdout.write(
                _("%(file)s: %(result)s: %(why)s")
                % {"file": file, "result": RESULT_LABELS[result], "why": why}
            )
        style = self.style.WARNING if counts["failed"] or counts["flagged"] else self.style.SUCCESS
        self.stdout.write(style(summary))

    def write_table(self, counts: dict, summary: str) -> None:
        console = Console(file=self.stdout._out, highlight=False)
        table = Table(title=_("Import summary"), title_justify="left")
        for label in (_("Page"), _("Result"), _("Why")):
            table.add_column(label, overflow="fold")
        for file, result, why in self.rows:
            table.add_row(str(file), str(RESULT_LABELS[result]), why)
        if self.rows:
            console.print(table)
        console.print(summary, markup=False, style="bold")

    def lead_organiser(self, slug: str | None) -> Organiser:
        organisers = Organiser.objects.all()
        if slug:
            try:
                return organisers.get(slug=slug)
            except Organiser.DoesNotExist:
                raise CommandError(
                    _("There is no organiser with the slug “%(slug)s”. Known slugs: %(known)s.")
                    % {"slug": slug, "known": self.known_slugs()}
                ) from None
        found = list(organisers[:2])
        if len(found) == 1:
            return found[0]
        if not found:
            raise CommandError(
                _("There is no organiser yet. Add the organisation in the admin first.")
            )
        raise CommandError(
            _("Say which organiser leads these events with --organiser SLUG (one of: %(known)s).")
            % {"known": self.known_slugs()}
        )

    def known_slugs(self) -> str:
        return ", ".join(Organiser.objects.values_list("slug", flat=True))

    def import_file(self, path, *, organiser: Organiser, publish: bool) -> str:
        try:
            page = jekyll.read_page(path, default_tz=organiser.timezone)
            result = services.import_page(page=page, organiser=organiser, publish=publish)
        except jekyll.PageError as error:
            self.warn(_("%(file)s: not imported: %(reason)s.") % {"file": path, "reason": error})
            self.rows.append((path.name, FAILED, str(error)))
            return FAILED
        event = result.event
        if result.outcome != services.Outcome.UNCHANGED and event.needs_review:
            self.rows.append((path.name, FLAGGED, " ".join(event.review_notes.splitlines())))
        if result.outcome != services.Outcome.UNCHANGED or self.verbosity >= 2:
            self.say(
                _("%(file)s: %(outcome)s %(url)s (%(status)s)")
                % {
                    "file": path,
                    "outcome": self.labels[result.outcome],
                    "url": event.get_absolute_url(),
                    "status": event.get_status_display(),
                }
            )
        if result.outcome != services.Outcome.UNCHANGED:
            self.report(page, result)
        if result.publishing_refused:
            self.say(
                _("%(file)s: not published, it needs review: %(notes)s")
                % {"file": path, "notes": " ".join(event.review_notes.splitlines())}
            )
        return result.outcome

    def report(self, page: jekyll.Page, result: services.Imported) -> None:
        for note in result.review_notes:
            self.say("  " + _("Needs review: %(note)s") % {"note": note})
        for note in page.notes:
            self.say("  " + note)
        for kept in result.kept:
            self.say(
                "  "
                + _(
                    "Left alone, changed in Turnout: %(field)s is “%(turnout)s”; "
                    "the website says “%(website)s”."
                )
                % {
                    "field": services.field_label(kept.name),
                    "turnout": _shortened(kept.turnout),
                    "website": _shortened(kept.website),
                }
            )
        for pending in result.pending:
            self.say(
                "  "
                + _(
                    "Waits for an organiser's confirmation in the admin, not applied: "
                    "%(field)s is “%(turnout)s”; the website says “%(website)s”."
                )
                % {
                    "field": services.field_label(pending.name),
                    "turnout": _shortened(pending.turnout),
                    "website": _shortened(pending.website),
                }
            )
        for url in result.replaced_links:
            self.say(
                "  "
                + _(
                    "The description's registration link %(url)s now points to registration "
                    "in Turnout."
                )
                % {"url": url}
            )
        if not result.event.external_registration_url:
            return
        for link in page.registration_links:
            self.say(
                "  "
                + _(
                    "Registration on %(service)s (%(url)s), kept as the external registration "
                    "link: registration can move to Turnout."
                )
                % {"service": link.service, "url": link.url}
            )


def _shortened(value: str, length: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= length else value[: length - 1] + "…"
