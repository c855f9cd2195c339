import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

triggers = importlib.import_module("mapping.migrations._sqlite_triggers")

ROLES = ["viewer", "editor", "publisher"]

# A published edition never changes: only who published it may be cleared (when that
# account is deleted). Checked by the database too, whatever code runs. Deleting one is
# refused by the app (Edition.delete, and its mapping is PROTECTed), not by a trigger, so
# a test database can still be flushed.
EDITION_MESSAGE = "A published edition cannot be changed."
EDITION_FROZEN = "mapping_id, number, title, notes, published_at, snapshot, digest"
EDITION_CREATE = {
    "sqlite": [
        f"CREATE TRIGGER mapping_edition_frozen BEFORE UPDATE OF {EDITION_FROZEN} "
        f"ON mapping_edition FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{EDITION_MESSAGE}'); END",
    ],
    "postgresql": [
        f"""
        CREATE FUNCTION mapping_edition_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{EDITION_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END
        $$
        """,
        f"CREATE TRIGGER mapping_edition_frozen BEFORE UPDATE OF {EDITION_FROZEN} "
        "ON mapping_edition FOR EACH ROW EXECUTE FUNCTION mapping_edition_frozen()",
    ],
}
EDITION_DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS mapping_edition_frozen",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS mapping_edition_frozen ON mapping_edition",
        "DROP FUNCTION IF EXISTS mapping_edition_frozen()",
    ],
}


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor[schema_editor.connection.vendor]:
            schema_editor.execute(statement, params=None)

    return operation


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0004_reviewedgap"),
        ("standards", "0003_element_revision"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(triggers.drop, triggers.create),
        migrations.RunPython(create_roles, remove_roles),
        migrations.CreateModel(
            name="Change",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "subject_type",
                    models.CharField(
                        choices=[
                            ("link", "Link"),
                            ("element", "Element"),
                            ("framework", "Framework"),
                        ],
                        max_length=10,
                    ),
                ),
                ("subject_id", models.PositiveIntegerField()),
                (
                    "subject_label",
                    models.CharField(help_text="What it was called then.", max_length=400),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("created", "Created"),
                            ("edited", "Edited"),
                            ("proposed", "Proposed"),
                            ("approved", "Approved"),
                            ("retired", "Retired"),
                            ("restored", "Restored"),
                            ("reverted", "Reverted"),
                            ("deleted", "Deleted"),
                        ],
                        max_length=10,
                    ),
                ),
                ("before", models.JSONField(blank=True, default=dict)),
                ("after", models.JSONField(blank=True, default=dict)),
                ("reason", models.TextField(blank=True)),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["-at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Edition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("title", models.CharField(max_length=200)),
                ("notes", models.TextField(blank=True, help_text="What is new in this edition.")),
                ("published_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("snapshot", models.JSONField(editable=False)),
                ("digest", models.CharField(editable=False, max_length=64)),
            ],
            options={
                "ordering": ["mapping", "-number"],
            },
        ),
        migrations.AddField(
            model_name="link",
            name="retired_reason",
            field=models.TextField(blank=True, verbose_name="why it was retired"),
        ),
        migrations.AddField(
            model_name="link",
            name="revision",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name="link",
            name="status",
            # Links made before review existed are the register as it was published.
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("proposed", "Proposed"),
                    ("approved", "Approved"),
                    ("retired", "Retired"),
                ],
                default="approved",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="link",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("proposed", "Proposed"),
                    ("approved", "Approved"),
                    ("retired", "Retired"),
                ],
                default="draft",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="link",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["draft", "proposed", "approved", "retired"])),
                name="link_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="link",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "retired"), _negated=True),
                    models.Q(("retired_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="link_retired_has_reason",
            ),
        ),
        migrations.AddField(
            model_name="change",
            name="mapping",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="changes",
                to="mapping.mapping",
            ),
        ),
        migrations.AddField(
            model_name="change",
            name="reverts",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reverted_by",
                to="mapping.change",
            ),
        ),
        migrations.AddField(
            model_name="change",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="edition",
            name="mapping",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="editions",
                to="mapping.mapping",
            ),
        ),
        migrations.AddField(
            model_name="edition",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="change",
            index=models.Index(
                fields=["subject_type", "subject_id", "-at"], name="mapping_cha_subject_581d0c_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="change",
            constraint=models.CheckConstraint(
                condition=models.Q(("subject_type__in", ["link", "element", "framework"])),
                name="change_subject_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="edition",
            constraint=models.UniqueConstraint(
                fields=("mapping", "number"), name="edition_number_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="edition",
            constraint=models.CheckConstraint(
                condition=models.Q(("title", ""), _negated=True), name="edition_title_required"
            ),
        ),
        migrations.RunPython(run(EDITION_CREATE), run(EDITION_DROP)),
        migrations.RunPython(triggers.create, triggers.drop),
    ]
