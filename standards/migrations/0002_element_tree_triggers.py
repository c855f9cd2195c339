"""Database-level integrity for the element tree.

A parent must be in the same framework and no element may be its own ancestor. Check
constraints cannot look at other rows, so triggers do it, for SQLite and PostgreSQL.
SQLite rebuilds a table for most schema changes, which drops its triggers and is refused
while other triggers name it: a later migration that alters these tables drops the
triggers first and recreates them after, as mapping/migrations/0003 does. The integrity
tests fail if a migration forgets.
"""

from django.db import migrations

SAME_FRAMEWORK = "An element and its parent must be in the same framework."
NOT_OWN_ANCESTOR = "An element cannot be its own ancestor."
FRAMEWORK_FIXED = "An element with children cannot move to another framework."

ANCESTORS_OF_NEW_PARENT = """
    WITH RECURSIVE ancestors(id, parent_id) AS (
        SELECT id, parent_id FROM standards_element WHERE id = NEW.parent_id
        UNION
        SELECT e.id, e.parent_id FROM standards_element e JOIN ancestors a ON e.id = a.parent_id
    ) SELECT id FROM ancestors
"""

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER standards_element_tree_insert BEFORE INSERT ON standards_element
    FOR EACH ROW WHEN NEW.parent_id IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, '{SAME_FRAMEWORK}')
        WHERE (SELECT framework_id FROM standards_element WHERE id = NEW.parent_id)
              IS NOT NEW.framework_id;
    END
    """,
    f"""
    CREATE TRIGGER standards_element_tree_update
    BEFORE UPDATE OF parent_id, framework_id ON standards_element
    FOR EACH ROW
    BEGIN
        SELECT RAISE(ABORT, '{SAME_FRAMEWORK}')
        WHERE NEW.parent_id IS NOT NULL
          AND (SELECT framework_id FROM standards_element WHERE id = NEW.parent_id)
              IS NOT NEW.framework_id;
        SELECT RAISE(ABORT, '{NOT_OWN_ANCESTOR}')
        WHERE NEW.parent_id IS NOT NULL AND NEW.id IN ({ANCESTORS_OF_NEW_PARENT});
        SELECT RAISE(ABORT, '{FRAMEWORK_FIXED}')
        WHERE NEW.framework_id IS NOT OLD.framework_id
          AND EXISTS (SELECT 1 FROM standards_element WHERE parent_id = NEW.id);
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS standards_element_tree_insert",
    "DROP TRIGGER IF EXISTS standards_element_tree_update",
]

POSTGRES_CREATE = [
    f"""
    CREATE FUNCTION standards_element_check_tree() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.parent_id IS NOT NULL THEN
            IF (SELECT framework_id FROM standards_element WHERE id = NEW.parent_id)
               IS DISTINCT FROM NEW.framework_id THEN
                RAISE EXCEPTION '{SAME_FRAMEWORK}' USING ERRCODE = 'check_violation';
            END IF;
            IF TG_OP = 'UPDATE' AND NEW.id IN ({ANCESTORS_OF_NEW_PARENT}) THEN
                RAISE EXCEPTION '{NOT_OWN_ANCESTOR}' USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.framework_id IS DISTINCT FROM OLD.framework_id
           AND EXISTS (SELECT 1 FROM standards_element WHERE parent_id = NEW.id) THEN
            RAISE EXCEPTION '{FRAMEWORK_FIXED}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER standards_element_tree BEFORE INSERT OR UPDATE ON standards_element
    FOR EACH ROW EXECUTE FUNCTION standards_element_check_tree()
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS standards_element_tree ON standards_element",
    "DROP FUNCTION IF EXISTS standards_element_check_tree()",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise NotImplementedError(
                f"Weave's integrity triggers support SQLite and PostgreSQL, "
                f"not {schema_editor.connection.vendor}."
            )
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [("standards", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
