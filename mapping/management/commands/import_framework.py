import json
from pathlib import Path

from django.core.management.base import CommandError

from mapping.exchange.case.reader import is_weave_framework
from mapping.management.commands._imports import ImportCommand
from mapping.models import ImportBatch
from standards.models import Framework


class Command(ImportCommand):
    help = (
        "Import a framework from a CSV or Excel table, a CASE 1.0 package or Weave's own "
        "framework file (as in fixtures/): into a new framework (--slug, --name, --kind, "
        "--publisher, which Weave's own file gives itself) or one already in Weave (--into). "
        "Prints the dry run; --apply applies it, all or nothing."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--into", metavar="SLUG", help="The framework to bring up to date.")
        parser.add_argument("--slug", help="A new framework's short name, for addresses.")
        parser.add_argument("--name", help="A new framework's name.")
        parser.add_argument("--kind", choices=Framework.Kind.values)
        parser.add_argument("--publisher", default="")
        parser.add_argument("--version-label", default="", help="A new framework's version: 2026.")
        parser.add_argument(
            "--replaces", metavar="SLUG",
            help="The new framework is a new version of this one: a crosswalk between the "
            "two versions is made, and registers can then move onto it.",
        )  # fmt: skip
        parser.add_argument(
            "--official-wording",
            action="store_true",
            help="The file is the publisher's own wording: mark its elements as checked.",
        )

    def handle(self, *args, file, into, slug, name, kind, publisher, replaces, version_label,
               **options):  # fmt: skip
        framework = None
        if into:
            framework = Framework.objects.filter(slug=into).first()
            if framework is None:
                raise CommandError(f"There is no framework with the slug {into}.")
        elif not (slug and kind) and not _names_itself(file):
            raise CommandError(
                "Say which framework to import into (--into), or give a new one's --slug "
                "and --kind (and --name unless the file is CASE)."
            )
        if replaces and not Framework.objects.filter(slug=replaces).exists():
            raise CommandError(f"There is no framework with the slug {replaces} to replace.")
        if replaces and into:
            raise CommandError("A new version is a new framework: give --slug and --kind, not "
                               "--into.")  # fmt: skip
        details = {"slug": slug, "name": name or "", "kind": kind, "publisher": publisher,
                   "version_label": version_label}  # fmt: skip
        batch = self.batch(
            file, kind=ImportBatch.Kind.FRAMEWORK, framework=framework,
            details={} if framework else details,
            options={"retire_missing": options["retire_missing"],
                     "official_wording": options["official_wording"], "replaces": replaces},
        )  # fmt: skip
        self.run(batch, apply=options["apply"], user=options["user"])


def _names_itself(path: str) -> bool:
    """Weave's own framework file gives the new framework's slug, name and kind."""
    try:
        return is_weave_framework(json.loads(Path(path).read_text(encoding="utf-8-sig")))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False
