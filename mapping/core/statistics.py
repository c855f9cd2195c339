"""Fresh planner statistics after a large write.

Until autovacuum next analyses a table, PostgreSQL plans for it as it was: after an edition
or an import of thousands of rows that has meant nested loops, and a first page (or the
next publish) taking minutes instead of milliseconds. A large write analyses the tables it
grew (a sample of each: well under a second at any size). SQLite plans without them.
"""

from __future__ import annotations

from django.db import connection

# What an import writes to: the live register's rows and their history.
LIVE_TABLES = ("mapping_link", "standards_element", "mapping_change")
# What publishing an edition writes to: the frozen copy.
FROZEN_TABLES = ("mapping_editionlink", "mapping_editionelement", "mapping_editionframework")


def refresh_statistics(tables: tuple[str, ...]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")  # names from the lists above
