from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mapping.exchange.register_json.restore import NotEmpty, restore
from mapping.exchange.register_json.schema import RegisterDocument
from mapping.management.commands._files import read


class Command(BaseCommand):
    help = (
        "Restore a register JSON document (from `export_register`, or a register's JSON "
        "download) into an empty database: the same rows, ids, dates, editions and history."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        document = read(file, RegisterDocument, "a Weave register document")
        try:
            counts = restore(document)
        except NotEmpty as error:
            raise CommandError(str(error)) from error
        said = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Restored {said}."))
