"""Frameworks and elements keep their CASE identifiers when they come from a CASE package."""

import importlib

from django.db import migrations, models

triggers = importlib.import_module("standards.migrations._sqlite_triggers")


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0006_element_source_check"),
    ]

    operations = [
        migrations.RunPython(triggers.drop, triggers.create),
        migrations.AddField(
            model_name="element",
            name="case_identifier",
            field=models.UUIDField(blank=True, null=True, verbose_name="CASE identifier"),
        ),
        migrations.AddField(
            model_name="framework",
            name="case_identifier",
            field=models.UUIDField(
                blank=True, null=True, unique=True, verbose_name="CASE identifier"
            ),
        ),
        migrations.AddConstraint(
            model_name="element",
            constraint=models.UniqueConstraint(
                fields=("framework", "case_identifier"), name="element_case_identifier_unique"
            ),
        ),
        migrations.RunPython(triggers.create, triggers.drop),
    ]
