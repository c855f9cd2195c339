"""Take every integrity trigger off SQLite around a table rebuild, and put it back after.

SQLite rebuilds a table to add a column, and refuses while triggers elsewhere name it, so
migrations that alter mapping_link, mapping_mapping, mapping_reviewedgap or standards_element
wrap their operations in these. PostgreSQL alters tables in place and keeps its triggers.
(The loader skips this module: migration names never start with an underscore.)
"""

import importlib


def _statements():
    standards = importlib.import_module("standards.migrations.0002_element_tree_triggers")
    links = importlib.import_module("mapping.migrations.0002_link_framework_triggers")
    gaps = importlib.import_module("mapping.migrations.0004_reviewedgap")
    drop = gaps.DROP["sqlite"] + links.SQLITE_DROP + standards.SQLITE_DROP
    create = standards.SQLITE_CREATE + links.SQLITE_CREATE + gaps.CREATE["sqlite"]
    return drop, create


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _statements()[0]:
            schema_editor.execute(statement, params=None)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _statements()[1]:
            schema_editor.execute(statement, params=None)
