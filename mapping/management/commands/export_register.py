import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mapping.exchange.register_json import live_document
from mapping.models import Mapping


class Command(BaseCommand):
    help = (
        "Write the whole site (every framework, register, link, reviewed gap, edition and "
        "the history) as one JSON document: the backup that survives a move to another "
        "database. `import_register` reads it back into an empty one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="The file to write (default: stdout).")

    def handle(self, *args, output, **options):
        document = live_document(Mapping.objects.order_by("pk"), whole_site=True)
        text = document.model_dump_json(indent=2)
        if output is None:
            sys.stdout.write(text + "\n")
            return
        try:
            output.write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{output} cannot be written: {error.strerror}.") from error
        self.stderr.write(
            f"Wrote {len(document.frameworks)} frameworks, {len(document.mappings)} registers "
            f"and {len(document.changes)} changes to {output}."
        )
