from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from pydantic import ValidationError

from mapping.exchange.register_restore import NotEmpty, restore
from mapping.exchange.register_schema import RegisterDocument


class Command(BaseCommand):
    help = (
        "Restore a register JSON document (from `export_register`, or a register's JSON "
        "download) into an empty database: the same rows, ids, dates, editions and history."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            document = RegisterDocument.model_validate_json(file.read_bytes())
        except OSError as error:
            raise CommandError(f"{file} cannot be read: {error.strerror}.") from error
        except ValidationError as error:
            raise CommandError(f"{file} is not a Weave register document: {error}") from error
        try:
            counts = restore(document)
        except NotEmpty as error:
            raise CommandError(str(error)) from error
        said = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Restored {said}."))
