from django.core.management.base import CommandError

from mapping.management.commands._imports import ImportCommand
from mapping.models import ImportBatch, LinkStatus, Mapping


class Command(ImportCommand):
    help = (
        "Import a register's links from a CSV or Excel table, or from the associations of a "
        "CASE 1.0 package. Prints the dry run; --apply applies it, all or nothing."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--mapping", metavar="SLUG", help="The register (default: the "
                            "site's default register).")  # fmt: skip
        parser.add_argument("--status", choices=LinkStatus.values, default=LinkStatus.DRAFT,
                            help="What new links are saved as (default: draft).")  # fmt: skip

    def handle(self, *args, file, mapping, status, **options):
        mappings = Mapping.objects.with_frameworks()
        found = mappings.filter(slug=mapping).first() if mapping else mappings.default()
        if found is None:
            raise CommandError(f"There is no register {mapping or 'yet'}.")
        batch = self.batch(
            file, kind=ImportBatch.Kind.LINKS, mapping=found,
            options={"status": status, "retire_missing": options["retire_missing"]},
        )  # fmt: skip
        self.run(batch, apply=options["apply"], user=options["user"])
