"""The JSON snapshots give way to the rows 0006 made of them, and the database refuses any
change to a published edition: its row's content and every frozen row under it."""

from django.db import migrations

MESSAGE = "A published edition cannot be changed."
EDITION_FROZEN = (
    "mapping_id, number, title, notes, published_at, register_name, organisation, "
    "register_description, guide_intro, digest"
)
ROWS = ["mapping_editionframework", "mapping_editionelement", "mapping_editionlink",
        "mapping_editiongap"]  # fmt: skip

CREATE = {
    "sqlite": [
        f"CREATE TRIGGER mapping_edition_frozen BEFORE UPDATE OF {EDITION_FROZEN} "
        f"ON mapping_edition FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        *(
            f"CREATE TRIGGER {table}_frozen BEFORE UPDATE ON {table} "
            f"FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            for table in ROWS
        ),
    ],
    "postgresql": [
        f"""
        CREATE FUNCTION mapping_edition_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END
        $$
        """,
        f"CREATE TRIGGER mapping_edition_frozen BEFORE UPDATE OF {EDITION_FROZEN} "
        "ON mapping_edition FOR EACH ROW EXECUTE FUNCTION mapping_edition_frozen()",
        *(
            f"CREATE TRIGGER {table}_frozen BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mapping_edition_frozen()"
            for table in ROWS
        ),
    ],
}
DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS mapping_edition_frozen",
        *(f"DROP TRIGGER IF EXISTS {table}_frozen" for table in ROWS),
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS mapping_edition_frozen ON mapping_edition",
        *(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}" for table in ROWS),
        "DROP FUNCTION IF EXISTS mapping_edition_frozen()",
    ],
}


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor[schema_editor.connection.vendor]:
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0006_editions_as_rows"),
    ]

    operations = [
        migrations.RemoveField(model_name="edition", name="snapshot"),
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
