"""Searching links by words, from an index rather than by reading every row.

Each link row keeps a search_text: its behaviour's and standard's codes and titles, its
rationale and its example, one to a line (mapping/models/link_rows.py). A link matches
when every word of the search is part of it, in any case, as before: "part 3" finds
"Behaviour 12, part 3" and "part 31". SQLite answers words of three or more characters
from an FTS5 table with the trigram tokenizer; PostgreSQL from a pg_trgm GIN index on
UPPER(search_text), which serves Django's icontains. Shorter words cannot be looked up in
a trigram index, and are checked on the rows the longer words found (or on every row,
when no word is that long).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

# The FTS5 table that indexes each table's search_text on SQLite (migration 0014).
FTS_TABLES = {"mapping_link": "mapping_link_fts", "mapping_editionlink": "mapping_editionlink_fts"}
TRIGRAM = 3
# Words found in at least this many rows are common: see matching().
COMMON = 2_000


def matching(links: QuerySet, words: list[str]) -> QuerySet:
    """The links holding every word. On SQLite the index is first asked, in one query, how
    many rows hold each longer word (counting stops at COMMON): the rare ones are looked up
    in the index, and the rest checked on the few rows those found; with no rare word,
    rows are read in the sort's order, where common words fill a page at once."""
    long = [word for word in words if len(word) >= TRIGRAM]
    if not long or connection.vendor != "sqlite":
        return _containing(links, words)
    table = FTS_TABLES[links.model._meta.db_table]
    found = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"
    phrases = ['"{}"'.format(word.replace('"', '""')) for word in long]
    counts = ", ".join(f"(SELECT count(*) FROM ({found} LIMIT {COMMON}))" for _ in phrases)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}", phrases)
        matches = cursor.fetchone()
    rare = [phrase for phrase, count in zip(phrases, matches, strict=True) if count < COMMON]
    if not rare:
        return _containing(links, words)
    links = links.filter(pk__in=RawSQL(found, [" AND ".join(rare)]))
    checked = {word for word, count in zip(long, matches, strict=True) if count < COMMON}
    return _containing(links, [word for word in words if word not in checked])


def _containing(links: QuerySet, words: list[str]) -> QuerySet:
    for word in words:
        links = links.filter(search_text__icontains=word)
    return links
