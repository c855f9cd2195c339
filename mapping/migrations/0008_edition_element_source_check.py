"""Frozen elements keep whether their wording had been checked, as the live ones now do.

SQLite adds the columns by rebuilding the table, which takes its trigger with it: the
trigger that refuses changes to a published edition is made again afterwards."""

import importlib

from django.db import migrations, models

frozen = importlib.import_module("mapping.migrations.0007_editions_frozen")
TABLE = "mapping_editionelement"


def refreeze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_frozen")
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_frozen BEFORE UPDATE ON {TABLE} "
            f"FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{frozen.MESSAGE}'); END"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0007_editions_frozen"),
    ]

    operations = [
        migrations.AddField(
            model_name="editionelement",
            name="checked_on",
            field=models.DateField(
                blank=True,
                help_text="When the wording was checked.",
                null=True,
                verbose_name="checked on",
            ),
        ),
        migrations.AddField(
            model_name="editionelement",
            name="source_check",
            field=models.CharField(
                choices=[
                    ("unchecked", "Paraphrase, not checked against the source"),
                    ("checked", "Checked against the publisher's wording"),
                    ("not_published", "Not part of the published standards"),
                ],
                default="unchecked",
                help_text="Whether the title and description were checked against the publisher's own wording.",
                max_length=20,
                verbose_name="wording",
            ),
        ),
        migrations.RunPython(refreeze, refreeze),
    ]
