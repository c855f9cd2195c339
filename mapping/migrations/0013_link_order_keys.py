"""Order keys on every link row, so the link table reads each sort from an index.

A live link's behaviour_rank and standard_rank are its elements' tree ranks, and its
relation_rank the relation's strength: triggers keep them, on every insert and on every
change of an element's rank, however the row is written. A frozen link's keys are written
with it when an edition is published; existing editions get theirs here. A later migration
that makes SQLite rebuild mapping_link or standards_element must drop these triggers first
and create them again after (see _sqlite_triggers).
"""

import importlib

from django.conf import settings
from django.db import migrations, models

from standards.models import tree_ranks

frozen = importlib.import_module("mapping.migrations.0007_editions_frozen")

# The relations, strongest first, as Relation lists them.
RELATIONS = ["same_as", "fully_covers", "partly_covers", "closely_matches", "supports"]
STRENGTH = "CASE {} " + " ".join(f"WHEN '{r}' THEN {i}" for i, r in enumerate(RELATIONS)) + " END"
ELEMENT_RANK = "(SELECT tree_rank FROM standards_element WHERE id = {})"

SQLITE_KEYS = (
    f"UPDATE mapping_link SET behaviour_rank = {ELEMENT_RANK.format('NEW.behaviour_id')}, "
    f"standard_rank = {ELEMENT_RANK.format('NEW.standard_id')}, "
    f"relation_rank = {STRENGTH.format('NEW.relation')} WHERE id = NEW.id;"
)
ELEMENT_MOVED = """
    UPDATE mapping_link SET behaviour_rank = NEW.tree_rank WHERE behaviour_id = NEW.id;
    UPDATE mapping_link SET standard_rank = NEW.tree_rank WHERE standard_id = NEW.id;
"""
CREATE = {
    "sqlite": [
        "CREATE TRIGGER mapping_link_keys_insert AFTER INSERT ON mapping_link "
        f"FOR EACH ROW BEGIN {SQLITE_KEYS} END",
        "CREATE TRIGGER mapping_link_keys_update "
        "AFTER UPDATE OF behaviour_id, standard_id, relation ON mapping_link "
        f"FOR EACH ROW BEGIN {SQLITE_KEYS} END",
        "CREATE TRIGGER mapping_element_rank AFTER UPDATE OF tree_rank ON standards_element "
        "FOR EACH ROW WHEN NEW.tree_rank IS NOT OLD.tree_rank "
        f"BEGIN {ELEMENT_MOVED} END",
    ],
    "postgresql": [
        f"""
        CREATE FUNCTION mapping_link_keys() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.behaviour_rank := {ELEMENT_RANK.format("NEW.behaviour_id")};
            NEW.standard_rank := {ELEMENT_RANK.format("NEW.standard_id")};
            NEW.relation_rank := {STRENGTH.format("NEW.relation")};
            RETURN NEW;
        END
        $$
        """,
        "CREATE TRIGGER mapping_link_keys BEFORE INSERT OR UPDATE OF behaviour_id, "
        "standard_id, relation ON mapping_link FOR EACH ROW EXECUTE FUNCTION mapping_link_keys()",
        f"""
        CREATE FUNCTION mapping_element_rank() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {ELEMENT_MOVED}
            RETURN NULL;
        END
        $$
        """,
        "CREATE TRIGGER mapping_element_rank AFTER UPDATE OF tree_rank ON standards_element "
        "FOR EACH ROW WHEN (NEW.tree_rank IS DISTINCT FROM OLD.tree_rank) "
        "EXECUTE FUNCTION mapping_element_rank()",
    ],
}
DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS mapping_link_keys_insert",
        "DROP TRIGGER IF EXISTS mapping_link_keys_update",
        "DROP TRIGGER IF EXISTS mapping_element_rank",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS mapping_link_keys ON mapping_link",
        "DROP FUNCTION IF EXISTS mapping_link_keys()",
        "DROP TRIGGER IF EXISTS mapping_element_rank ON standards_element",
        "DROP FUNCTION IF EXISTS mapping_element_rank()",
    ],
}
FILL_LIVE = (
    f"UPDATE mapping_link SET behaviour_rank = {ELEMENT_RANK.format('behaviour_id')}, "
    f"standard_rank = {ELEMENT_RANK.format('standard_id')}, "
    f"relation_rank = {STRENGTH.format('relation')}"
)
FILL_FROZEN = (
    "UPDATE mapping_editionlink SET "
    "behaviour_rank = (SELECT tree_rank FROM mapping_editionelement WHERE id = behaviour_id), "
    "standard_rank = (SELECT tree_rank FROM mapping_editionelement WHERE id = standard_id), "
    f"relation_rank = {STRENGTH.format('relation')}"
)


def run(statements_by_vendor):
    return frozen.run(statements_by_vendor)


def fill_keys(apps, schema_editor):
    """Every existing link gets its keys; each edition's elements their ranks in the
    edition's own tree (its frozen rows are opened for this, and closed again)."""
    execute = schema_editor.execute
    execute(FILL_LIVE, params=None)
    for statement in frozen.DROP[schema_editor.connection.vendor]:
        execute(statement, params=None)
    EditionElement = apps.get_model("mapping", "EditionElement")
    for framework_id in set(EditionElement.objects.values_list("framework_id", flat=True)):
        elements = list(EditionElement.objects.filter(framework_id=framework_id))
        ranks = tree_ranks((e.pk, e.parent_id, e.position, e.code) for e in elements)
        for element in elements:
            element.tree_rank = ranks[element.pk]
        EditionElement.objects.bulk_update(elements, ["tree_rank"], batch_size=500)
    execute(FILL_FROZEN, params=None)
    for statement in frozen.CREATE[schema_editor.connection.vendor]:
        execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0012_text_limits"),
        ("standards", "0009_element_tree_rank"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="editionelement",
            name="tree_rank",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="editionlink",
            name="behaviour_rank",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="editionlink",
            name="relation_rank",
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="editionlink",
            name="standard_rank",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="link",
            name="behaviour_rank",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="link",
            name="relation_rank",
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="link",
            name="standard_rank",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="editionlink",
            index=models.Index(
                fields=["edition", "behaviour_rank", "standard_rank", "link"],
                name="edition_link_by_behaviour",
            ),
        ),
        migrations.AddIndex(
            model_name="editionlink",
            index=models.Index(
                fields=["edition", "standard_rank", "behaviour_rank", "link"],
                name="edition_link_by_standard",
            ),
        ),
        migrations.AddIndex(
            model_name="editionlink",
            index=models.Index(
                fields=["edition", "relation_rank", "behaviour_rank", "standard_rank", "link"],
                name="edition_link_by_relation",
            ),
        ),
        migrations.AddIndex(
            model_name="editionlink",
            index=models.Index(
                fields=["edition", "updated_at", "link"], name="edition_link_by_updated"
            ),
        ),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(
                fields=["mapping", "behaviour_rank", "standard_rank", "id"],
                name="link_by_behaviour",
            ),
        ),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(
                fields=["mapping", "standard_rank", "behaviour_rank", "id"], name="link_by_standard"
            ),
        ),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(
                fields=["mapping", "relation_rank", "behaviour_rank", "standard_rank", "id"],
                name="link_by_relation",
            ),
        ),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(fields=["mapping", "updated_at", "id"], name="link_by_updated"),
        ),
        migrations.RunPython(run(CREATE), run(DROP)),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
