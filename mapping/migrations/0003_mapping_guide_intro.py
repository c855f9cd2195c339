import importlib

from django.db import migrations, models

# SQLite rebuilds a table to add a column, and refuses while triggers elsewhere name it, so
# the integrity triggers come off around the change and go back on after it. PostgreSQL
# alters the table in place and keeps its triggers.
standards_triggers = importlib.import_module("standards.migrations.0002_element_tree_triggers")
mapping_triggers = importlib.import_module("mapping.migrations.0002_link_framework_triggers")


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in mapping_triggers.SQLITE_DROP + standards_triggers.SQLITE_DROP:
            schema_editor.execute(statement, params=None)


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in standards_triggers.SQLITE_CREATE + mapping_triggers.SQLITE_CREATE:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("mapping", "0002_link_framework_triggers")]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.AddField(
            model_name="mapping",
            name="guide_intro",
            field=models.TextField(
                blank=True,
                help_text="Opens the QuickStart guide. Markdown: headings, lists, links, emphasis. HTML and scripts are removed.",
                verbose_name="guide introduction",
            ),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
