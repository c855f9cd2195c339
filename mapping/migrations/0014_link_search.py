"""A search text on every link row, and the indexes that find words in it.

The search text is both elements' codes and titles, the rationale and the example, one to
a line. A live link's is kept by triggers (they replace 0013's, which kept only the order
keys), also when an element's code or title changes; a frozen link's is written with it.
SQLite indexes it in FTS5 tables with the trigram tokenizer, kept in step by triggers;
PostgreSQL in pg_trgm GIN indexes on UPPER(search_text), which Django's icontains uses.
"""

import importlib

from django.db import migrations, models

keys = importlib.import_module("mapping.migrations.0013_link_order_keys")
frozen = importlib.import_module("mapping.migrations.0007_editions_frozen")

NEWLINE = {"sqlite": "char(10)", "postgresql": "chr(10)"}


def document(vendor, elements, behaviour, standard, rationale, example):
    """The search text of a link, in SQL."""
    nl = NEWLINE[vendor]
    name = "(SELECT code || ' ' || title FROM {} WHERE id = {})"
    return (
        f"{name.format(elements, behaviour)} || {nl} || {name.format(elements, standard)} "
        f"|| {nl} || {rationale} || {nl} || {example}"
    )


def live(vendor, prefix=""):
    return document(
        vendor, "standards_element", f"{prefix}behaviour_id", f"{prefix}standard_id",
        f"{prefix}rationale", f"{prefix}example",
    )  # fmt: skip


SQLITE_ROW = (
    f"UPDATE mapping_link SET behaviour_rank = {keys.ELEMENT_RANK.format('NEW.behaviour_id')}, "
    f"standard_rank = {keys.ELEMENT_RANK.format('NEW.standard_id')}, "
    f"relation_rank = {keys.STRENGTH.format('NEW.relation')}, "
    f"search_text = {live('sqlite', 'NEW.')} WHERE id = NEW.id;"
)
ELEMENT_RENAMED = {
    vendor: f"""
    UPDATE mapping_link SET search_text = {live(vendor)}
    WHERE behaviour_id = NEW.id OR standard_id = NEW.id;
    """
    for vendor in NEWLINE
}
FTS_DELETE = (
    "INSERT INTO {table}_fts({table}_fts, rowid, search_text) "
    "SELECT 'delete', OLD.id, OLD.search_text WHERE OLD.search_text IS NOT NULL;"
)
FTS_INSERT = (
    "INSERT INTO {table}_fts(rowid, search_text) "
    "SELECT NEW.id, NEW.search_text WHERE NEW.search_text IS NOT NULL;"
)
SQLITE_FTS = []
for table in ("mapping_link", "mapping_editionlink"):
    SQLITE_FTS += [
        f"CREATE VIRTUAL TABLE {table}_fts USING fts5(search_text, content='{table}', "
        "content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} FOR EACH ROW "
        f"BEGIN {FTS_INSERT.format(table=table)} END",
        f"CREATE TRIGGER {table}_fts_update AFTER UPDATE OF search_text ON {table} FOR EACH ROW "
        f"BEGIN {FTS_DELETE.format(table=table)} {FTS_INSERT.format(table=table)} END",
        f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} FOR EACH ROW "
        f"BEGIN {FTS_DELETE.format(table=table)} END",
    ]

CREATE = {
    "sqlite": [
        *keys.DROP["sqlite"],
        *SQLITE_FTS,
        "CREATE TRIGGER mapping_link_keys_insert AFTER INSERT ON mapping_link "
        f"FOR EACH ROW BEGIN {SQLITE_ROW} END",
        "CREATE TRIGGER mapping_link_keys_update AFTER UPDATE OF behaviour_id, standard_id, "
        f"relation, rationale, example ON mapping_link FOR EACH ROW BEGIN {SQLITE_ROW} END",
        "CREATE TRIGGER mapping_element_rank AFTER UPDATE OF tree_rank ON standards_element "
        f"FOR EACH ROW WHEN NEW.tree_rank IS NOT OLD.tree_rank BEGIN {keys.ELEMENT_MOVED} END",
        "CREATE TRIGGER mapping_element_renamed AFTER UPDATE OF code, title ON standards_element "
        "FOR EACH ROW WHEN NEW.code IS NOT OLD.code OR NEW.title IS NOT OLD.title "
        f"BEGIN {ELEMENT_RENAMED['sqlite']} END",
    ],
    "postgresql": [
        *keys.DROP["postgresql"],
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"""
        CREATE FUNCTION mapping_link_keys() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.behaviour_rank := {keys.ELEMENT_RANK.format("NEW.behaviour_id")};
            NEW.standard_rank := {keys.ELEMENT_RANK.format("NEW.standard_id")};
            NEW.relation_rank := {keys.STRENGTH.format("NEW.relation")};
            NEW.search_text := {live("postgresql", "NEW.")};
            RETURN NEW;
        END
        $$
        """,
        "CREATE TRIGGER mapping_link_keys BEFORE INSERT OR UPDATE OF behaviour_id, standard_id, "
        "relation, rationale, example ON mapping_link "
        "FOR EACH ROW EXECUTE FUNCTION mapping_link_keys()",
        f"""
        CREATE FUNCTION mapping_element_rank() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.tree_rank IS DISTINCT FROM OLD.tree_rank THEN
                {keys.ELEMENT_MOVED}
            END IF;
            IF NEW.code IS DISTINCT FROM OLD.code OR NEW.title IS DISTINCT FROM OLD.title THEN
                {ELEMENT_RENAMED["postgresql"]}
            END IF;
            RETURN NULL;
        END
        $$
        """,
        "CREATE TRIGGER mapping_element_rank AFTER UPDATE OF tree_rank, code, title "
        "ON standards_element FOR EACH ROW EXECUTE FUNCTION mapping_element_rank()",
        *(
            f"CREATE INDEX {table}_search ON {table} USING gin (UPPER(search_text) gin_trgm_ops)"
            for table in ("mapping_link", "mapping_editionlink")
        ),
    ],
}
DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS mapping_element_renamed",
        *(
            f"DROP {kind} IF EXISTS {table}_fts{suffix}"
            for table in ("mapping_link", "mapping_editionlink")
            for kind, suffix in (
                ("TRIGGER", "_insert"),
                ("TRIGGER", "_update"),
                ("TRIGGER", "_delete"),
                ("TABLE", ""),
            )
        ),
        *keys.DROP["sqlite"],
        *keys.CREATE["sqlite"],
    ],
    "postgresql": [
        "DROP INDEX IF EXISTS mapping_link_search",
        "DROP INDEX IF EXISTS mapping_editionlink_search",
        *keys.DROP["postgresql"],
        *keys.CREATE["postgresql"],
    ],
}


def fill(apps, schema_editor):
    """Every existing link gets its search text (frozen rows opened for it, then closed
    again), and SQLite's indexes are built from them."""
    vendor = schema_editor.connection.vendor
    execute = schema_editor.execute
    execute(f"UPDATE mapping_link SET search_text = {live(vendor)}", params=None)
    for statement in frozen.DROP[vendor]:
        execute(statement, params=None)
    frozen_text = document(
        vendor, "mapping_editionelement", "behaviour_id", "standard_id", "rationale", "example"
    )
    execute(f"UPDATE mapping_editionlink SET search_text = {frozen_text}", params=None)
    for statement in frozen.CREATE[vendor]:
        execute(statement, params=None)
    if vendor == "sqlite":
        for table in ("mapping_link_fts", "mapping_editionlink_fts"):
            execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0013_link_order_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="editionlink",
            name="search_text",
            field=models.TextField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="link",
            name="search_text",
            field=models.TextField(editable=False, null=True),
        ),
        migrations.RunPython(keys.run(CREATE), keys.run(DROP)),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
