"""Take every trigger off SQLite around a table rebuild, and put each back after as it was.

SQLite rebuilds a table to alter it (a new column, a new constraint) and refuses while a
trigger, on that table or on another, names it. Migrations that alter a table with
triggers wrap their operations in drop and create: drop keeps each trigger's definition
as SQLite holds it, create puts them all back. It knows no trigger by name, so it serves
every app's migrations. PostgreSQL alters tables in place and keeps its triggers.
(The loader skips this module: migration names never start with an underscore.)
"""

_kept: list[str] = []


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid")
        found = cursor.fetchall()
    _kept.extend(sql for _name, sql in found)
    for name, _sql in found:
        schema_editor.execute(f'DROP TRIGGER "{name}"', params=None)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    while _kept:
        schema_editor.execute(_kept.pop(0), params=None)
