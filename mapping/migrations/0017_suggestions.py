"""Suggestions: links inferred through crosswalks, frozen in each edition with their
strongest path (and refused any change, like every frozen row); suggestions dismissed
(reviewed pairs); and where an accepted suggestion came from, on its link. Adding a column
to mapping_link rebuilds it on SQLite, so every trigger comes off around that and back."""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

triggers = importlib.import_module("standards.migrations._sqlite_triggers")
MESSAGE = "A published edition cannot be changed."
FROZEN = {
    "sqlite": [
        "CREATE TRIGGER mapping_editioninferred_frozen BEFORE UPDATE ON mapping_editioninferred "
        f"FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ],
    "postgresql": [
        "CREATE TRIGGER mapping_editioninferred_frozen BEFORE UPDATE ON mapping_editioninferred "
        "FOR EACH ROW EXECUTE FUNCTION mapping_edition_frozen()",
    ],
}
THAWED = {
    "sqlite": ["DROP TRIGGER IF EXISTS mapping_editioninferred_frozen"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS mapping_editioninferred_frozen ON mapping_editioninferred"
    ],
}


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor[schema_editor.connection.vendor]:
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0016_memberships"),
        ("standards", "0009_element_tree_rank"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(triggers.drop, triggers.create),
        migrations.AddField(
            model_name="link",
            name="accepted_from",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(triggers.create, triggers.drop),
        migrations.CreateModel(
            name="EditionInferred",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("relation", models.CharField(max_length=20)),
                ("paths", models.PositiveIntegerField()),
                ("via_code", models.CharField(max_length=32)),
                ("via_title", models.CharField(max_length=300)),
                ("first", models.JSONField()),
                ("second", models.JSONField()),
                (
                    "edition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="inferred",
                        to="mapping.edition",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="mapping.editionelement",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="mapping.editionelement",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("edition", "source", "target"), name="edition_inferred_once"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ReviewedPair",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField(max_length=2000)),
                ("decided_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "mapping",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reviewed_pairs",
                        to="mapping.mapping",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="standards.element",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="standards.element",
                    ),
                ),
            ],
            options={
                "verbose_name": "dismissed suggestion",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("mapping", "source", "target"), name="reviewed_pair_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True),
                        name="reviewed_pair_reason",
                    ),
                ],
            },
        ),
        migrations.RunPython(run(FROZEN), run(THAWED)),
    ]
