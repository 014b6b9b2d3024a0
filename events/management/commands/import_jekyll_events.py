"""Import event pages of the organisation's Jekyll website into Turnout: read each page, then
import it through `events.services`, and say what happened."""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        counts = Counter()
        with transaction.atomic():
            for path in jekyll.page_files(paths):
                outcome = self.import_file(path, organiser=lead, publish=publish)
                counts[outcome] += 1
            if dry_run:
                # Everything ran for real, so the report is exact; none of it is kept.
                transaction.set_rollback(True)
        summary = _(
            "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(failed)d failed."
        ) % {
            "created": counts[services.Outcome.CREATED],
            "updated": counts[services.Outcome.UPDATED],
            "unchanged": counts[services.Outcome.UNCHANGED],
            "failed": counts["failed"],
        }
        if dry_run:
            summary = _("Dry run, nothing was saved: %(summary)s") % {"summary": summary}
        style = self.style.WARNING if counts["failed"] else self.style.SUCCESS
        self.stdout.write(style(summary))

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
            self.stderr.write(
                _("%(file)s: not imported: %(reason)s.") % {"file": path, "reason": error}
            )
            return "failed"
        event = result.event
        if result.outcome != services.Outcome.UNCHANGED or self.verbosity >= 2:
            self.stdout.write(
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
            self.stdout.write(
                self.style.WARNING(
                    _("%(file)s: not published, it needs review: %(notes)s")
                    % {"file": path, "notes": " ".join(event.review_notes.splitlines())}
                )
            )
        return result.outcome

    def report(self, page: jekyll.Page, result: services.Imported) -> None:
        for note in result.review_notes:
            self.stdout.write("  " + _("Needs review: %(note)s") % {"note": note})
        for note in page.notes:
            self.stdout.write("  " + note)
        for kept in result.kept:
            self.stdout.write(
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
        for url in result.replaced_links:
            self.stdout.write(
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
            self.stdout.write(
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
