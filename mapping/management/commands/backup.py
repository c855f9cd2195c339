from pathlib import Path

from django.core.management.base import BaseCommand

from mapping.exchange.backup import make_backup
from mapping.management.commands._files import write


class Command(BaseCommand):
    help = (
        "Write a backup of the whole site: every framework, register, edition and the "
        "history, with the accounts (roles, password hashes), API tokens, what people are "
        "emailed about, invitations and the audit log; the file is readable by its owner only. "
        "`manage.py restore` puts it back into an empty database, SQLite or PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="The file to write (default: stdout).")

    def handle(self, *args, output, **options):
        text = make_backup().model_dump_json(indent=1) + "\n"
        write(text, output, private=True)  # password hashes and token digests
        if output is not None:
            self.stderr.write(f"Wrote the backup to {output} ({len(text) // 1024:,} KB).")
