"""A framework may be a new version of another (CIH's standards of 2026 replacing those of
2021, say)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

triggers = importlib.import_module("standards.migrations._sqlite_triggers")


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0009_element_tree_rank"),
    ]

    operations = [
        migrations.RunPython(triggers.drop, triggers.create),
        migrations.AddField(
            model_name="framework",
            name="replaces",
            field=models.ForeignKey(
                blank=True,
                help_text="The framework this is a new version of, if any.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="replaced_by",
                to="standards.framework",
            ),
        ),
        migrations.RunPython(triggers.create, triggers.drop),
    ]
