"""Text kept in one Unicode form (NFC), as the forms and uploads now keep it: a link's
rationale and example, a register's own words (standards/migrations/0013 does the
frameworks'). Each link changed has its search text made again by its trigger."""

import importlib

from django.db import migrations

composed = importlib.import_module("standards.migrations.0013_text_composed")

FIELDS = {
    "Link": ("rationale", "example"),
    "Mapping": ("name", "organisation", "description", "guide_intro"),
}


def compose(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        composed.compose_rows(apps.get_model("mapping", model_name), fields)


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0030_audit_forgotten"),
        ("standards", "0013_text_composed"),
    ]

    operations = [migrations.RunPython(compose, migrations.RunPython.noop)]
