"""Text kept in one Unicode form (NFC), as the forms and uploads now keep it: what was saved
before, pasted decomposed ("w" and a combining circumflex for "ŵ"), is composed, so that
searching for what people type finds it."""

import unicodedata

from django.db import migrations

FIELDS = {
    "Framework": ("name", "publisher", "version_label", "citation_note", "description"),
    "Element": ("title", "description", "level_label"),
}


def compose_rows(model, fields: tuple[str, ...]) -> None:
    """Every row of model whose text in fields is not composed, composed (mapping's 0031
    does links and registers with it)."""
    changed = []
    for row in model.objects.only("pk", *fields).iterator(chunk_size=2000):
        before = [getattr(row, name) for name in fields]
        for name in fields:
            setattr(row, name, unicodedata.normalize("NFC", getattr(row, name) or ""))
        if [getattr(row, name) for name in fields] != before:
            changed.append(row)
    model.objects.bulk_update(changed, fields, batch_size=500)


def compose(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        compose_rows(apps.get_model("standards", model_name), fields)


class Migration(migrations.Migration):
    dependencies = [("standards", "0012_text_is_printable")]

    operations = [migrations.RunPython(compose, migrations.RunPython.noop)]
