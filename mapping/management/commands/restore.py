from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mapping.exchange.backup import Backup, restore_backup
from mapping.exchange.register_json.restore import NotEmpty
from mapping.management.commands._files import read


class Command(BaseCommand):
    help = "Restore a backup (from `manage.py backup`) into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        backup = read(file, Backup, "a Weave backup")
        try:
            counts = restore_backup(backup)
        except NotEmpty as error:
            raise CommandError(str(error)) from error
        said = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Restored {said}."))
