"""A framework says the plural of a level name where English's -s is wrong ("Ymddygiad" →
"Ymddygiadau", "Criterion" → "Criteria")."""

import importlib

from django.db import migrations, models

triggers = importlib.import_module("standards.migrations._sqlite_triggers")


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0013_text_composed"),
    ]

    operations = [
        migrations.RunPython(triggers.drop, triggers.create),
        migrations.AddField(
            model_name="framework",
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
