"""A neutral link: a register links a source framework to a target framework of any kinds,
and a link has a source and a target element (they were behaviour and standard).

The integrity triggers are written anew for the new names, on both databases, and the
derived copies on every link row have one writer each: one trigger computes a link's
order keys and search text, live and frozen alike (frozen rows were given theirs in
Python until now), another follows an element that moves or is renamed. A mapping's two
frameworks may now be of any kinds; they must still differ (a check constraint) and stay
put once links are made. Each frozen framework says which end of the register it is.
"""

import importlib

from django.db import migrations, models

tree = importlib.import_module("standards.migrations.0002_element_tree_triggers")
old_links = importlib.import_module("mapping.migrations.0002_link_framework_triggers")
old_gaps = importlib.import_module("mapping.migrations.0004_reviewedgap")
frozen = importlib.import_module("mapping.migrations.0007_editions_frozen")
old_search = importlib.import_module("mapping.migrations.0014_link_search")

SOURCE_FRAMEWORK = "A link source must belong to the source framework of its mapping."
TARGET_FRAMEWORK = "A link target must belong to the target framework of its mapping."
MAPPING_FIXED = "A mapping with links cannot change its frameworks."
ELEMENT_FIXED = "An element with links cannot move to another framework."
GAP_FRAMEWORK = "A reviewed gap must name an element of one of its mapping frameworks."

# The relations, strongest first, as Relation lists them.
RELATIONS = ["same_as", "fully_covers", "partly_covers", "closely_matches", "supports"]
NEWLINE = {"sqlite": "char(10)", "postgresql": "chr(10)"}


def strength(relation: str) -> str:
    return f"CASE {relation} " + " ".join(f"WHEN '{r}' THEN {i}" for i, r in
                                          enumerate(RELATIONS)) + " END"  # fmt: skip


def rank(elements: str, element_id: str) -> str:
    return f"(SELECT tree_rank FROM {elements} WHERE id = {element_id})"


def search_text(vendor: str, elements: str, row: str) -> str:
    """A link's search text, in SQL: both elements' codes and titles, the rationale and the
    example, one to a line. row is the row's prefix ("NEW." in a trigger)."""
    nl, name = NEWLINE[vendor], "(SELECT code || ' ' || title FROM {} WHERE id = {})"
    return (
        f"{name.format(elements, f'{row}source_id')} || {nl} || "
        f"{name.format(elements, f'{row}target_id')} || {nl} || {row}rationale || {nl} || "
        f"{row}example"
    )


def keys(vendor: str, elements: str, row: str, assign: str) -> str:
    """Every derived column of a link row, as assignments: "col = expr" or "NEW.col := expr"."""
    values = {
        "source_rank": rank(elements, f"{row}source_id"),
        "target_rank": rank(elements, f"{row}target_id"),
        "relation_rank": strength(f"{row}relation"),
        "search_text": search_text(vendor, elements, row),
    }
    return ", ".join(f"{column} = {value}" for column, value in values.items()) if assign == "=" \
        else " ".join(f"NEW.{column} := {value};" for column, value in values.items())  # fmt: skip


LIVE, FROZEN = (
    ("mapping_link", "standards_element"),
    ("mapping_editionlink", "mapping_editionelement"),
)
# What a trigger copies into a link row, from the elements it names.
KEYED = "source_id, target_id, relation, rationale, example"

SQLITE_LINK_CHECKS = f"""
    SELECT RAISE(ABORT, '{SOURCE_FRAMEWORK}')
    WHERE (SELECT framework_id FROM standards_element WHERE id = NEW.source_id)
          IS NOT (SELECT source_framework_id FROM mapping_mapping WHERE id = NEW.mapping_id);
    SELECT RAISE(ABORT, '{TARGET_FRAMEWORK}')
    WHERE (SELECT framework_id FROM standards_element WHERE id = NEW.target_id)
          IS NOT (SELECT target_framework_id FROM mapping_mapping WHERE id = NEW.mapping_id);
"""
SQLITE_GAP_CHECK = f"""
    SELECT RAISE(ABORT, '{GAP_FRAMEWORK}')
    WHERE (SELECT framework_id FROM standards_element WHERE id = NEW.element_id) NOT IN (
        SELECT source_framework_id FROM mapping_mapping WHERE id = NEW.mapping_id
        UNION SELECT target_framework_id FROM mapping_mapping WHERE id = NEW.mapping_id
    );
"""
ELEMENT_MOVED = """
    UPDATE mapping_link SET source_rank = NEW.tree_rank WHERE source_id = NEW.id;
    UPDATE mapping_link SET target_rank = NEW.tree_rank WHERE target_id = NEW.id;
"""


def element_renamed(vendor: str) -> str:
    return (
        f"UPDATE mapping_link SET search_text = {search_text(vendor, 'standards_element', '')} "
        "WHERE source_id = NEW.id OR target_id = NEW.id;"
    )


def fts(table: str) -> list[str]:
    """The triggers that keep SQLite's FTS5 table of a link table in step (0014 made it)."""
    delete = (
        f"INSERT INTO {table}_fts({table}_fts, rowid, search_text) "
        "SELECT 'delete', OLD.id, OLD.search_text WHERE OLD.search_text IS NOT NULL;"
    )
    insert = (f"INSERT INTO {table}_fts(rowid, search_text) "
              "SELECT NEW.id, NEW.search_text WHERE NEW.search_text IS NOT NULL;")  # fmt: skip
    return [
        f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} FOR EACH ROW "
        f"BEGIN {insert} END",
        f"CREATE TRIGGER {table}_fts_update AFTER UPDATE OF search_text ON {table} FOR EACH ROW "
        f"BEGIN {delete} {insert} END",
        f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} FOR EACH ROW "
        f"BEGIN {delete} END",
    ]


# On SQLite a trigger cannot set NEW's columns, so a frozen link's keys are written by an
# UPDATE just after its INSERT: the rule that refuses any change to a frozen link lets
# that one through (its search text is empty only until then).
SQLITE_FROZEN = [
    statement for statement in frozen.CREATE["sqlite"]
    if "mapping_editionlink_frozen" not in statement
] + [
    "CREATE TRIGGER mapping_editionlink_frozen BEFORE UPDATE ON mapping_editionlink "
    "FOR EACH ROW WHEN OLD.search_text IS NOT NULL "
    f"BEGIN SELECT RAISE(ABORT, '{frozen.MESSAGE}'); END",
]  # fmt: skip

SQLITE_CREATE = [
    *tree.SQLITE_CREATE,
    *SQLITE_FROZEN,
    f"CREATE TRIGGER mapping_link_frameworks_insert BEFORE INSERT ON mapping_link "
    f"FOR EACH ROW BEGIN {SQLITE_LINK_CHECKS} END",
    f"CREATE TRIGGER mapping_link_frameworks_update "
    f"BEFORE UPDATE OF mapping_id, source_id, target_id ON mapping_link "
    f"FOR EACH ROW BEGIN {SQLITE_LINK_CHECKS} END",
    f"""
    CREATE TRIGGER mapping_mapping_frameworks_fixed
    BEFORE UPDATE OF source_framework_id, target_framework_id ON mapping_mapping
    FOR EACH ROW
    WHEN NEW.source_framework_id IS NOT OLD.source_framework_id
      OR NEW.target_framework_id IS NOT OLD.target_framework_id
    BEGIN
        SELECT RAISE(ABORT, '{MAPPING_FIXED}')
        WHERE EXISTS (SELECT 1 FROM mapping_link WHERE mapping_id = NEW.id);
    END
    """,
    f"""
    CREATE TRIGGER mapping_element_framework_fixed
    BEFORE UPDATE OF framework_id ON standards_element
    FOR EACH ROW WHEN NEW.framework_id IS NOT OLD.framework_id
    BEGIN
        SELECT RAISE(ABORT, '{ELEMENT_FIXED}')
        WHERE EXISTS (SELECT 1 FROM mapping_link WHERE source_id = NEW.id OR target_id = NEW.id);
    END
    """,
    f"CREATE TRIGGER mapping_reviewedgap_insert BEFORE INSERT ON mapping_reviewedgap "
    f"FOR EACH ROW BEGIN {SQLITE_GAP_CHECK} END",
    f"CREATE TRIGGER mapping_reviewedgap_update BEFORE UPDATE OF mapping_id, element_id "
    f"ON mapping_reviewedgap FOR EACH ROW BEGIN {SQLITE_GAP_CHECK} END",
    *fts("mapping_link"),
    *fts("mapping_editionlink"),
    *(
        f"CREATE TRIGGER {table}_keys_{event.split()[0].lower()} AFTER {event} ON {table} "
        f"FOR EACH ROW BEGIN UPDATE {table} SET {keys('sqlite', elements, 'NEW.', '=')} "
        "WHERE id = NEW.id; END"
        for table, elements in (LIVE, FROZEN)
        for event in ("INSERT", f"UPDATE OF {KEYED}")
        if table == LIVE[0] or event == "INSERT"
    ),
    "CREATE TRIGGER mapping_element_rank AFTER UPDATE OF tree_rank ON standards_element "
    f"FOR EACH ROW WHEN NEW.tree_rank IS NOT OLD.tree_rank BEGIN {ELEMENT_MOVED} END",
    "CREATE TRIGGER mapping_element_renamed AFTER UPDATE OF code, title ON standards_element "
    "FOR EACH ROW WHEN NEW.code IS NOT OLD.code OR NEW.title IS NOT OLD.title "
    f"BEGIN {element_renamed('sqlite')} END",
]

POSTGRES_CREATE = [
    *frozen.CREATE["postgresql"],
    f"""
    CREATE FUNCTION mapping_link_check_frameworks() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (SELECT framework_id FROM standards_element WHERE id = NEW.source_id)
           IS DISTINCT FROM
           (SELECT source_framework_id FROM mapping_mapping WHERE id = NEW.mapping_id) THEN
            RAISE EXCEPTION '{SOURCE_FRAMEWORK}' USING ERRCODE = 'check_violation';
        END IF;
        IF (SELECT framework_id FROM standards_element WHERE id = NEW.target_id)
           IS DISTINCT FROM
           (SELECT target_framework_id FROM mapping_mapping WHERE id = NEW.mapping_id) THEN
            RAISE EXCEPTION '{TARGET_FRAMEWORK}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER mapping_link_frameworks BEFORE INSERT OR UPDATE OF mapping_id, source_id, "
    "target_id ON mapping_link FOR EACH ROW EXECUTE FUNCTION mapping_link_check_frameworks()",
    f"""
    CREATE FUNCTION mapping_mapping_frameworks_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (NEW.source_framework_id IS DISTINCT FROM OLD.source_framework_id
            OR NEW.target_framework_id IS DISTINCT FROM OLD.target_framework_id)
           AND EXISTS (SELECT 1 FROM mapping_link WHERE mapping_id = NEW.id) THEN
            RAISE EXCEPTION '{MAPPING_FIXED}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER mapping_mapping_frameworks_fixed BEFORE UPDATE ON mapping_mapping "
    "FOR EACH ROW EXECUTE FUNCTION mapping_mapping_frameworks_fixed()",
    f"""
    CREATE FUNCTION mapping_element_check_framework() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.framework_id IS DISTINCT FROM OLD.framework_id AND EXISTS (
            SELECT 1 FROM mapping_link WHERE source_id = NEW.id OR target_id = NEW.id
        ) THEN
            RAISE EXCEPTION '{ELEMENT_FIXED}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER mapping_element_framework_fixed BEFORE UPDATE ON standards_element "
    "FOR EACH ROW EXECUTE FUNCTION mapping_element_check_framework()",
    f"""
    CREATE FUNCTION mapping_reviewedgap_check() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (SELECT framework_id FROM standards_element WHERE id = NEW.element_id) NOT IN (
            SELECT source_framework_id FROM mapping_mapping WHERE id = NEW.mapping_id
            UNION SELECT target_framework_id FROM mapping_mapping WHERE id = NEW.mapping_id
        ) THEN
            RAISE EXCEPTION '{GAP_FRAMEWORK}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER mapping_reviewedgap_check BEFORE INSERT OR UPDATE ON mapping_reviewedgap "
    "FOR EACH ROW EXECUTE FUNCTION mapping_reviewedgap_check()",
    *(
        f"""
        CREATE FUNCTION {table}_keys() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {keys("postgresql", elements, "NEW.", ":=")}
            RETURN NEW;
        END
        $$
        """
        for table, elements in (LIVE, FROZEN)
    ),
    f"CREATE TRIGGER mapping_link_keys BEFORE INSERT OR UPDATE OF {KEYED} ON mapping_link "
    "FOR EACH ROW EXECUTE FUNCTION mapping_link_keys()",
    "CREATE TRIGGER mapping_editionlink_keys BEFORE INSERT ON mapping_editionlink "
    "FOR EACH ROW EXECUTE FUNCTION mapping_editionlink_keys()",
    f"""
    CREATE FUNCTION mapping_element_rank() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.tree_rank IS DISTINCT FROM OLD.tree_rank THEN
            {ELEMENT_MOVED}
        END IF;
        IF NEW.code IS DISTINCT FROM OLD.code OR NEW.title IS DISTINCT FROM OLD.title THEN
            {element_renamed("postgresql")}
        END IF;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER mapping_element_rank AFTER UPDATE OF tree_rank, code, title "
    "ON standards_element FOR EACH ROW EXECUTE FUNCTION mapping_element_rank()",
]

# The functions whose triggers name the renamed columns, before and after (PostgreSQL keeps
# a function's text as written, so renaming a column does not reach it).
POSTGRES_OLD = ["mapping_link_check_frameworks", "mapping_mapping_check_frameworks",
                "mapping_element_check_framework", "mapping_reviewedgap_check",
                "mapping_link_keys", "mapping_element_rank"]  # fmt: skip
POSTGRES_NEW = ["mapping_link_check_frameworks", "mapping_mapping_frameworks_fixed",
                "mapping_element_check_framework", "mapping_reviewedgap_check",
                "mapping_link_keys", "mapping_editionlink_keys", "mapping_element_rank"]  # fmt: skip


def _drop_every_trigger(schema_editor, functions: list[str]) -> None:
    """SQLite: every trigger (each is made again after); PostgreSQL: the functions named,
    with their triggers, and the frozen edition's rules (a column is added under them)."""
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = [name for (name,) in cursor.fetchall()]
        statements = [f'DROP TRIGGER "{name}"' for name in names]
    else:
        statements = [
            *frozen.DROP["postgresql"],
            *(f"DROP FUNCTION IF EXISTS {name}() CASCADE" for name in functions),
        ]
    for statement in statements:
        schema_editor.execute(statement, params=None)


def _run(statements: list[str], schema_editor) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_old(apps, schema_editor):
    _drop_every_trigger(schema_editor, POSTGRES_OLD)


def drop_new(apps, schema_editor):
    _drop_every_trigger(schema_editor, POSTGRES_NEW)


def create_new(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(SQLITE_CREATE if vendor == "sqlite" else POSTGRES_CREATE, schema_editor)


def create_old(apps, schema_editor):
    """The triggers as 0014 left them, for migrating backwards."""
    vendor = schema_editor.connection.vendor
    kept = [  # the search indexes themselves are still there
        s for s in old_search.CREATE[vendor]
        if not s.lstrip().startswith(("CREATE VIRTUAL TABLE", "CREATE INDEX", "CREATE EXTENSION"))
    ]  # fmt: skip
    if vendor == "sqlite":
        statements = [*tree.SQLITE_CREATE, *old_links.SQLITE_CREATE, *old_gaps.CREATE["sqlite"],
                      *frozen.CREATE["sqlite"], *kept]  # fmt: skip
    else:
        statements = [*old_links.POSTGRES_CREATE, *old_gaps.CREATE["postgresql"],
                      *frozen.CREATE["postgresql"], *kept]  # fmt: skip
    _run(statements, schema_editor)


def name_frozen_sides(apps, schema_editor):
    """Every edition so far froze a behaviours framework (its source) and a standards
    framework (its target)."""
    EditionFramework = apps.get_model("mapping", "EditionFramework")
    EditionFramework.objects.filter(kind="behaviours").update(side="source")
    EditionFramework.objects.exclude(kind="behaviours").update(side="target")


RENAMES = [
    ("mapping", "behaviours_framework", "source_framework"),
    ("mapping", "standards_framework", "target_framework"),
    *(
        (model, old, new)
        for model in ("link", "editionlink")
        for old, new in (("behaviour", "source"), ("standard", "target"),
                         ("behaviour_rank", "source_rank"), ("standard_rank", "target_rank"))
    ),
]  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0014_link_search"),
        ("standards", "0009_element_tree_rank"),
    ]

    operations = [
        migrations.RunPython(drop_old, create_old),
        migrations.RemoveConstraint(model_name="mapping", name="mapping_two_frameworks"),
        migrations.RemoveConstraint(model_name="link", name="link_pair_unique"),
        migrations.RemoveConstraint(model_name="editionlink", name="edition_link_pair_unique"),
        migrations.RemoveConstraint(model_name="editionframework", name="edition_framework_unique"),
        *(
            migrations.RemoveIndex(model_name=model, name=name)
            for model, name in (
                ("link", "mapping_lin_mapping_f87ac3_idx"),
                ("link", "link_by_behaviour"),
                ("link", "link_by_standard"),
                ("link", "link_by_relation"),
                ("editionlink", "edition_link_by_behaviour"),
                ("editionlink", "edition_link_by_standard"),
                ("editionlink", "edition_link_by_relation"),
            )
        ),
        *(
            migrations.RenameField(model_name=model, old_name=old, new_name=new)
            for model, old, new in RENAMES
        ),
        migrations.AlterField(
            model_name="mapping",
            name="source_framework",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT,
                related_name="mappings_from",
                to="standards.framework",
            ),
        ),
        migrations.AlterField(
            model_name="mapping",
            name="target_framework",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT,
                related_name="mappings_to",
                to="standards.framework",
            ),
        ),
        migrations.AlterField(
            model_name="link",
            name="source",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT,
                related_name="links_as_source",
                to="standards.element",
            ),
        ),
        migrations.AlterField(
            model_name="link",
            name="target",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT,
                related_name="links_as_target",
                to="standards.element",
            ),
        ),
        *(
            migrations.AlterField(
                model_name=model,
                name="rationale",
                field=models.TextField(
                    help_text="Why the source relates to the target.", max_length=10000
                ),
            )
            for model in ("link", "editionlink")
        ),
        migrations.AddField(
            model_name="editionframework",
            name="side",
            field=models.CharField(
                choices=[("source", "Source"), ("target", "Target")],
                default="target",
                max_length=6,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(name_frozen_sides, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="mapping",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("source_framework", models.F("target_framework")), _negated=True
                ),
                name="mapping_two_frameworks",
            ),
        ),
        migrations.AddConstraint(
            model_name="link",
            constraint=models.UniqueConstraint(
                fields=("mapping", "source", "target"), name="link_pair_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="editionlink",
            constraint=models.UniqueConstraint(
                fields=("edition", "source", "target"), name="edition_link_pair_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="editionframework",
            constraint=models.UniqueConstraint(
                fields=("edition", "side"), name="edition_framework_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="editionframework",
            constraint=models.CheckConstraint(
                condition=models.Q(("side__in", ["source", "target"])),
                name="edition_framework_side_valid",
            ),
        ),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(fields=["mapping", "target"], name="link_by_target_id"),
        ),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(
                fields=["mapping", "source_rank", "target_rank", "id"], name="link_by_source"
            ),
        ),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(
                fields=["mapping", "target_rank", "source_rank", "id"], name="link_by_target"
            ),
        ),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(
                fields=["mapping", "relation_rank", "source_rank", "target_rank", "id"],
                name="link_by_relation",
            ),
        ),
        migrations.AddIndex(
            model_name="editionlink",
            index=models.Index(
                fields=["edition", "source_rank", "target_rank", "link"],
                name="edition_link_by_source",
            ),
        ),
        migrations.AddIndex(
            model_name="editionlink",
            index=models.Index(
                fields=["edition", "target_rank", "source_rank", "link"],
                name="edition_link_by_target",
            ),
        ),
        migrations.AddIndex(
            model_name="editionlink",
            index=models.Index(
                fields=["edition", "relation_rank", "source_rank", "target_rank", "link"],
                name="edition_link_by_relation",
            ),
        ),
        migrations.RunPython(create_new, drop_new),
    ]
