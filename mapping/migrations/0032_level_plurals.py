"""An edition keeps the plurals of its frameworks' level names as it froze them."""

import importlib

from django.db import migrations, models

triggers = importlib.import_module("mapping.migrations._sqlite_triggers")


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0031_text_composed"),
        ("standards", "0014_level_plurals"),
    ]

    operations = [
        migrations.RunPython(triggers.drop, triggers.create),
        migrations.AddField(
            model_name="editionframework",
            name="level_plurals",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Where adding an "s" is wrong: "Ymddygiad" → "Ymddygiadau".',
                verbose_name="plurals of its level names",
            ),
        ),
        migrations.RunPython(triggers.create, triggers.drop),
    ]
