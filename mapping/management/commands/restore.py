from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from pydantic import ValidationError

from mapping.exchange.backup import Backup, restore_backup
from mapping.exchange.register_restore import NotEmpty


class Command(BaseCommand):
    help = "Restore a backup (from `manage.py backup`) into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            backup = Backup.model_validate_json(file.read_bytes())
        except OSError as error:
            raise CommandError(f"{file} cannot be read: {error.strerror}.") from error
        except ValidationError as error:
            raise CommandError(f"{file} is not a Weave backup: {error}") from error
        try:
            counts = restore_backup(backup)
        except NotEmpty as error:
            raise CommandError(str(error)) from error
        said = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Restored {said}."))
