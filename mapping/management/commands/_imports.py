"""What `import_framework` and `import_links` share: reading the file, printing its dry run
as the import page shows it, and applying it when asked."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mapping.exchange.problems import UnreadableFile
from mapping.forms.imports import FORMATS
from mapping.importing import Summary
from mapping.importing.batches import plans_for
from mapping.models import ImportBatch


class ImportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A .csv, .xlsx or CASE 1.0 .json file.")
        parser.add_argument(
            "--retire-missing", action="store_true", help="Retire what is not in the file."
        )
        parser.add_argument(
            "--apply", action="store_true", help="Apply the import (without it: a dry run)."
        )
        parser.add_argument(
            "--user", help="Who is importing, as the history will name them (a username)."
        )

    def batch(self, path: Path, **fields) -> ImportBatch:
        file_format = FORMATS.get(path.suffix.lower())
        if file_format is None:
            raise CommandError(f"{path.name} is not a .csv, .xlsx or CASE .json file.")
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path} cannot be read: {error.strerror}.") from error
        return ImportBatch(filename=path.name, file_format=file_format, content=content, **fields)

    def execute(self, *args, **options):
        self.verbosity = options.get("verbosity", 1)
        return super().execute(*args, **options)

    def run(self, batch: ImportBatch, *, apply: bool, user: str | None) -> None:
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"There is no user called {user}.")
        try:
            plans = plans_for(batch, lambda done, total: None)
        except UnreadableFile as error:
            raise CommandError(str(error)) from error
        summaries = [plan.summary for plan in plans]
        for summary in summaries:
            self.stdout.write(describe(summary, every=self.verbosity > 1))
        if any(summary.blocked for summary in summaries):
            raise CommandError("The file has problems, so nothing was changed.")
        if not apply:
            self.stdout.write("This was a dry run: nothing was changed. Add --apply to apply it.")
        elif not any(summary.has_work for summary in summaries):
            self.stdout.write("The file changes nothing: it is already in Weave as it says.")
        else:
            with transaction.atomic():
                for plan in plans:
                    plan.apply(by=by)
            self.stdout.write(self.style.SUCCESS("Applied."))


def describe(summary: Summary, *, every: bool = False) -> str:
    """A dry run in plain text: counts, each problem where it is, and each change; what is
    not in the file only in part, unless every line is asked for (-v 2)."""
    lines = [
        f"{summary.kind.capitalize()} into {summary.target}: {len(summary.creates)} to add, "
        f"{len(summary.changes)} to change, {summary.unchanged} unchanged, "
        f"{len(summary.missing)} not in the file"
        + (" (to retire)." if summary.retire_missing else " (left alone)."),
        *summary.notes,
    ]
    for problem in summary.problems:
        where = f"{problem.where[:1].upper()}{problem.where[1:]}: " if problem.where else ""
        label = "Warning" if not problem.blocking else "Problem"
        lines.append(f"  {label}: {where}{problem.message}")
    lines += [f"  Add {line}" for line in summary.creates]
    for difference in summary.changes:
        lines.append(f"  Change {difference.label}")
        lines += [f"    {name}: {before} → {after}" for name, before, after in difference.fields]
    shown = summary.missing if every else summary.missing[:10]
    lines += [f"  Not in the file: {line}" for line in shown]
    if len(shown) < len(summary.missing):
        lines.append(f"  … and {len(summary.missing) - len(shown)} more not in the file (-v 2 "
                     "lists them all).")  # fmt: skip
    return "\n".join(lines)
