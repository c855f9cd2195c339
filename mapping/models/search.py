"""Searching links by words, from an index rather than by reading every row.

Each link row keeps a search_text: its behaviour's and standard's codes and titles, its
rationale and its example, one to a line (mapping/models/link_rows.py). A link matches
when every word of the search is part of it, in any case, as before: "part 3" finds
"Behaviour 12, part 3" and "part 31". SQLite answers words of three or more characters
from an FTS5 table with the trigram tokenizer; PostgreSQL from a pg_trgm GIN index on
UPPER(search_text), which serves Django's icontains. Shorter words cannot be looked up in
a trigram index, and are checked on the rows the longer words found (or on every row,
when no word is that long).

What people type is read as they mean it (terms()): words in quotes are one phrase, curly
quotes and apostrophes count as straight ones (a curly apostrophe in "people's" finds a
straight one and the other way round), and a link's reference, "B2.3 → INT.3" (or "->"),
is its two codes. A code ("B1", "INT.3") finds that element and those under it, not one
whose code merely starts the same ("B10", "INT.31").

A word of five letters or more is looked for by its stem, so that one form finds the
others: "advocates" finds "advocate" and "advocating", "policies" finds "policy", "promised"
finds "promise", "states" finds "state" (stem(): English Snowball, never below four letters).
A phrase in quotes is looked for as typed.
"""

from __future__ import annotations

import re
import unicodedata

import snowballstemmer
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

QUOTES = str.maketrans({"‘": "'", "’": "'", "‛": "'", "′": "'", "“": '"', "”": '"',
                        "„": '"', "″": '"', "«": '"', "»": '"'})  # fmt: skip
ARROWS = re.compile(r"→|⟶|->|=>|⇒")
TERMS = re.compile(r'"([^"]*)"|([^\s"]+)')
CODE = re.compile(r"[A-Za-z]+\.?\d(?:[\w.]*\w)?")  # B1, INT.3, B2.3a: not "s1."
APOSTROPHES = ("'", "’")

# The FTS5 table that indexes each table's search_text on SQLite (migration 0014).
FTS_TABLES = {"mapping_link": "mapping_link_fts", "mapping_editionlink": "mapping_editionlink_fts"}
TRIGRAM = 3
# Words found in at least this many rows are common: see matching().
COMMON = 2_000


def terms(text: str) -> list[str]:
    """The words and phrases of a search, as typed: see the module's docstring."""
    text = ARROWS.sub(" ", unicodedata.normalize("NFC", text).translate(QUOTES))
    found = (" ".join(phrase.split()) if phrase else stem(word)
             for phrase, word in TERMS.findall(text))  # fmt: skip
    return [term for term in found if term]


SHORTEST_STEM = 4
_stemmer = snowballstemmer.stemmer("english")  # as the lexical suggestions stem words


def stem(word: str) -> str:
    """A word's stem for looking up its other forms (English Snowball, less a closing "i"
    that stands for a "y": "polici" would not be found in "policy"); a code, a word with an
    apostrophe or digits, or a word of under five letters, as it is."""
    if len(word) < 5 or CODE.fullmatch(word) or "'" in word or not word.isalpha():
        return word
    found = _stemmer.stemWord(word.lower())
    if found.endswith("i"):
        found = found[:-1]
    if len(found) < SHORTEST_STEM or not word.lower().startswith(found):
        return word
    return word[: len(found)]


def matching(links: QuerySet, words: list[str]) -> QuerySet:
    """The links holding every word. On SQLite the index is first asked, in one query, how
    many rows hold each longer word (counting stops at COMMON): the rare ones are looked up
    in the index, and the rest checked on the few rows those found; with no rare word,
    rows are read in the sort's order, where common words fill a page at once."""
    links = _codes_whole(links, words)
    # A word with an apostrophe is looked for in both forms, on the rows the others found.
    long = [word for word in words if len(word) >= TRIGRAM and "'" not in word]
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
    """Links whose search text holds every word, in any case. SQLite's LIKE folds the case
    of A to Z alone, so a word is also looked for in lower and upper case: "TŶ" finds "tŷ"."""
    for word in words:
        held = Q()
        cases = {word, word.lower(), word.upper()} if connection.vendor == "sqlite" else {word}
        for form in {case.replace("'", mark) for case in cases for mark in APOSTROPHES}:
            held |= Q(search_text__icontains=form)
        links = links.filter(held)
    return links


def _codes_whole(links: QuerySet, words: list[str]) -> QuerySet:
    """Leave out the links a code-like word would find only inside a longer code: "B1" in
    B10's links. A code starts a line of the search text (the source's, then the target's),
    followed by a space before its title or a dot before a code under it."""
    for word in words:
        if CODE.fullmatch(word):
            code = re.escape(word)
            longer, whole = rf"(^|\n){code}[0-9a-z]", rf"(^|\n){code}[ .]"
            links = links.exclude(Q(search_text__iregex=longer) & ~Q(search_text__iregex=whole))
    return links
