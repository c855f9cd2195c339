"""Say that registers changed behind Weave's back: after raw SQL, a QuerySet.update() in a
shell, or a restore by hand. Their kept pages, ETags and PDFs are renewed, as after any
edit (mapping/models/events.py)."""

from django.core.management.base import BaseCommand, CommandError

from mapping.models import Mapping
from mapping.models.events import announce


class Command(BaseCommand):
    help = (
        "Renew the kept pages and PDFs of every register (or of those named with --register) "
        "after changing the database by some road other than Weave: raw SQL, say."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--register", action="append", default=[], metavar="SLUG",
            help="A register's slug; repeat for more. Without it, every register.",
        )  # fmt: skip

    def handle(self, *args, register: list[str], **options):
        mappings = Mapping.objects.all()
        if register:
            mappings = mappings.filter(slug__in=register)
            missing = sorted(set(register) - set(mappings.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"There is no register {', '.join(missing)}.")
        ids = list(mappings.values_list("pk", flat=True))
        announce(action="changed", subject_type="site", mapping_ids=ids)
        self.stdout.write(f"Renewed the kept pages and PDFs of {len(ids)} register(s).")
