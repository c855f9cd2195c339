"""Database-level integrity for links and mappings.

A link's behaviour and standard must belong to its mapping's two frameworks, a mapping must
go from a behaviours framework to a standards framework, and neither a mapping with links nor
an element with links may move to other frameworks underneath them. Triggers, because check
constraints cannot look at other tables. A later migration that alters these tables on SQLite
must drop the triggers first and recreate them after, as 0003 does.
"""

from django.db import migrations

BEHAVIOUR_FRAMEWORK = "A link behaviour must belong to the behaviours framework of its mapping."
STANDARD_FRAMEWORK = "A link standard must belong to the standards framework of its mapping."
MAPPING_KINDS = "A mapping goes from a behaviours framework to a standards framework."
MAPPING_FIXED = "A mapping with links cannot change its frameworks."
ELEMENT_FIXED = "An element with links cannot move to another framework."

LINK_CHECKS = f"""
    SELECT RAISE(ABORT, '{BEHAVIOUR_FRAMEWORK}')
    WHERE (SELECT framework_id FROM standards_element WHERE id = NEW.behaviour_id)
          IS NOT (SELECT behaviours_framework_id FROM mapping_mapping WHERE id = NEW.mapping_id);
    SELECT RAISE(ABORT, '{STANDARD_FRAMEWORK}')
    WHERE (SELECT framework_id FROM standards_element WHERE id = NEW.standard_id)
          IS NOT (SELECT standards_framework_id FROM mapping_mapping WHERE id = NEW.mapping_id);
"""
MAPPING_CHECKS = f"""
    SELECT RAISE(ABORT, '{MAPPING_KINDS}')
    WHERE (SELECT kind FROM standards_framework WHERE id = NEW.behaviours_framework_id)
          IS NOT 'behaviours'
       OR (SELECT kind FROM standards_framework WHERE id = NEW.standards_framework_id)
          IS NOT 'standards';
"""

SQLITE_CREATE = [
    f"CREATE TRIGGER mapping_link_frameworks_insert BEFORE INSERT ON mapping_link "
    f"FOR EACH ROW BEGIN {LINK_CHECKS} END",
    f"CREATE TRIGGER mapping_link_frameworks_update "
    f"BEFORE UPDATE OF mapping_id, behaviour_id, standard_id ON mapping_link "
    f"FOR EACH ROW BEGIN {LINK_CHECKS} END",
    f"CREATE TRIGGER mapping_mapping_kinds_insert BEFORE INSERT ON mapping_mapping "
    f"FOR EACH ROW BEGIN {MAPPING_CHECKS} END",
    f"""
    CREATE TRIGGER mapping_mapping_kinds_update
    BEFORE UPDATE OF behaviours_framework_id, standards_framework_id ON mapping_mapping
    FOR EACH ROW
    BEGIN
        {MAPPING_CHECKS}
        SELECT RAISE(ABORT, '{MAPPING_FIXED}')
        WHERE (NEW.behaviours_framework_id IS NOT OLD.behaviours_framework_id
               OR NEW.standards_framework_id IS NOT OLD.standards_framework_id)
          AND EXISTS (SELECT 1 FROM mapping_link WHERE mapping_id = NEW.id);
    END
    """,
    f"""
    CREATE TRIGGER mapping_element_framework_fixed
    BEFORE UPDATE OF framework_id ON standards_element
    FOR EACH ROW WHEN NEW.framework_id IS NOT OLD.framework_id
    BEGIN
        SELECT RAISE(ABORT, '{ELEMENT_FIXED}')
        WHERE EXISTS (
            SELECT 1 FROM mapping_link WHERE behaviour_id = NEW.id OR standard_id = NEW.id
        );
    END
    """,
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "mapping_link_frameworks_insert",
        "mapping_link_frameworks_update",
        "mapping_mapping_kinds_insert",
        "mapping_mapping_kinds_update",
        "mapping_element_framework_fixed",
    )
]

POSTGRES_CREATE = [
    f"""
    CREATE FUNCTION mapping_link_check_frameworks() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (SELECT framework_id FROM standards_element WHERE id = NEW.behaviour_id)
           IS DISTINCT FROM
           (SELECT behaviours_framework_id FROM mapping_mapping WHERE id = NEW.mapping_id) THEN
            RAISE EXCEPTION '{BEHAVIOUR_FRAMEWORK}' USING ERRCODE = 'check_violation';
        END IF;
        IF (SELECT framework_id FROM standards_element WHERE id = NEW.standard_id)
           IS DISTINCT FROM
           (SELECT standards_framework_id FROM mapping_mapping WHERE id = NEW.mapping_id) THEN
            RAISE EXCEPTION '{STANDARD_FRAMEWORK}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER mapping_link_frameworks BEFORE INSERT OR UPDATE ON mapping_link
    FOR EACH ROW EXECUTE FUNCTION mapping_link_check_frameworks()
    """,
    f"""
    CREATE FUNCTION mapping_mapping_check_frameworks() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (SELECT kind FROM standards_framework WHERE id = NEW.behaviours_framework_id)
           IS DISTINCT FROM 'behaviours'
           OR (SELECT kind FROM standards_framework WHERE id = NEW.standards_framework_id)
           IS DISTINCT FROM 'standards' THEN
            RAISE EXCEPTION '{MAPPING_KINDS}' USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'UPDATE'
           AND (NEW.behaviours_framework_id IS DISTINCT FROM OLD.behaviours_framework_id
                OR NEW.standards_framework_id IS DISTINCT FROM OLD.standards_framework_id)
           AND EXISTS (SELECT 1 FROM mapping_link WHERE mapping_id = NEW.id) THEN
            RAISE EXCEPTION '{MAPPING_FIXED}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER mapping_mapping_frameworks BEFORE INSERT OR UPDATE ON mapping_mapping
    FOR EACH ROW EXECUTE FUNCTION mapping_mapping_check_frameworks()
    """,
    f"""
    CREATE FUNCTION mapping_element_check_framework() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.framework_id IS DISTINCT FROM OLD.framework_id AND EXISTS (
            SELECT 1 FROM mapping_link WHERE behaviour_id = NEW.id OR standard_id = NEW.id
        ) THEN
            RAISE EXCEPTION '{ELEMENT_FIXED}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER mapping_element_framework_fixed BEFORE UPDATE ON standards_element
    FOR EACH ROW EXECUTE FUNCTION mapping_element_check_framework()
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS mapping_link_frameworks ON mapping_link",
    "DROP FUNCTION IF EXISTS mapping_link_check_frameworks()",
    "DROP TRIGGER IF EXISTS mapping_mapping_frameworks ON mapping_mapping",
    "DROP FUNCTION IF EXISTS mapping_mapping_check_frameworks()",
    "DROP TRIGGER IF EXISTS mapping_element_framework_fixed ON standards_element",
    "DROP FUNCTION IF EXISTS mapping_element_check_framework()",
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
    dependencies = [("mapping", "0001_initial"), ("standards", "0002_element_tree_triggers")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
