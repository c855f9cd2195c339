from pathlib import Path

from django.core.management.base import BaseCommand

from mapping.exchange.register_json.writer import live_document
from mapping.management.commands._files import write
from mapping.models import Mapping


class Command(BaseCommand):
    help = (
        "Write the whole site (every framework, register, link, reviewed gap, edition and "
        "the history), without the accounts, as one JSON document. `import_register` reads "
        "it back into an empty database; `backup` also keeps the accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="The file to write (default: stdout).")

    def handle(self, *args, output, **options):
        document = live_document(Mapping.objects.order_by("pk"), whole_site=True)
        write(document.model_dump_json(indent=2) + "\n", output)
        if output is not None:
            self.stderr.write(
                f"Wrote {len(document.frameworks)} frameworks, {len(document.mappings)} "
                f"registers and {len(document.changes)} changes to {output}."
            )
