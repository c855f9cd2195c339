"""Every element records whether its wording was checked against the publisher's own."""

import importlib

from django.db import migrations, models

triggers = importlib.import_module("standards.migrations._sqlite_triggers")


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0005_framework_retired"),
    ]

    operations = [
        migrations.RunPython(triggers.drop, triggers.create),
        migrations.AddField(
            model_name="element",
            name="checked_on",
            field=models.DateField(
                blank=True,
                help_text="When the wording was checked.",
                null=True,
                verbose_name="checked on",
            ),
        ),
        migrations.AddField(
            model_name="element",
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
        migrations.AddConstraint(
            model_name="element",
            constraint=models.CheckConstraint(
                condition=models.Q(("source_check__in", ["unchecked", "checked", "not_published"])),
                name="element_source_check_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="element",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("source_check", "checked"), _negated=True),
                    ("checked_on__isnull", False),
                    _connector="OR",
                ),
                name="element_checked_has_date",
            ),
        ),
        migrations.RunPython(triggers.create, triggers.drop),
    ]
