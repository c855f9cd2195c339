"""A mapping says under which licence others may reuse it; editions keep the CASE
identifiers of what they froze."""

import importlib

from django.db import migrations, models

triggers = importlib.import_module("mapping.migrations._sqlite_triggers")


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0008_edition_element_source_check"),
    ]

    operations = [
        migrations.RunPython(triggers.drop, triggers.create),
        migrations.AddField(
            model_name="editionelement",
            name="case_identifier",
            field=models.UUIDField(blank=True, null=True, verbose_name="CASE identifier"),
        ),
        migrations.AddField(
            model_name="editionframework",
            name="case_identifier",
            field=models.UUIDField(blank=True, null=True, verbose_name="CASE identifier"),
        ),
        migrations.AddField(
            model_name="mapping",
            name="licence_url",
            field=models.URLField(
                blank=True,
                default="https://creativecommons.org/licenses/by/4.0/",
                help_text="The licence under which others may reuse the mapping (its links and reasons), as a URL; exports say so.",
                verbose_name="licence",
            ),
        ),
        migrations.RunPython(triggers.create, triggers.drop),
    ]
