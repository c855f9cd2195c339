"""What every link says, live or frozen in an edition, and how a register's links are
filtered and sorted: written once, for both kinds of row."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from mapping.models.search import matching


class Relation(models.TextChoices):
    """How a behaviour relates to a standard, in words staff use.

    Each has a SKOS mapping property, read as "<behaviour> skos:X <standard>".
    """

    SAME_AS = "same_as", "Is the same as"
    FULLY_COVERS = "fully_covers", "Fully covers"
    PARTLY_COVERS = "partly_covers", "Partly covers"
    CLOSELY_MATCHES = "closely_matches", "Closely matches"
    SUPPORTS = "supports", "Supports"

    @property
    def skos(self) -> str:
        return SKOS_MATCH[self]

    @classmethod
    def from_text(cls, text: str) -> Relation | None:
        """The relation a person or a file names: its value ("fully_covers"), its words
        ("Fully covers") or its SKOS property ("narrowMatch", "skos:narrowMatch")."""
        wanted = " ".join(text.replace("_", " ").split()).casefold().removeprefix("skos:")
        for relation in cls:
            names = {relation.value.replace("_", " "), relation.label, SKOS_MATCH[relation]}
            if wanted in {name.casefold() for name in names}:
                return relation
        return None

    @property
    def explanation(self) -> str:
        return RELATION_EXPLANATIONS[self]


SKOS_MATCH = {
    Relation.SAME_AS: "exactMatch",
    # The behaviour takes in all of the standard, so the standard is the narrower concept.
    Relation.FULLY_COVERS: "narrowMatch",
    # The behaviour covers part of the standard, so the standard is the broader concept.
    Relation.PARTLY_COVERS: "broadMatch",
    Relation.CLOSELY_MATCHES: "closeMatch",
    Relation.SUPPORTS: "relatedMatch",
}

RELATION_EXPLANATIONS = {
    Relation.SAME_AS: "The behaviour and the standard ask for the same thing.",
    Relation.FULLY_COVERS: "Living the behaviour meets all of the standard.",
    Relation.PARTLY_COVERS: "Living the behaviour meets part of the standard.",
    Relation.CLOSELY_MATCHES: "Close in meaning, though worded for a different purpose.",
    Relation.SUPPORTS: "The behaviour helps someone meet the standard without meeting it itself.",
}


class LinkSort(models.TextChoices):
    BEHAVIOUR = "behaviour", "Behaviour, in framework order"
    BEHAVIOUR_DESC = "-behaviour", "Behaviour, reversed"
    STANDARD = "standard", "Standard, in framework order"
    STANDARD_DESC = "-standard", "Standard, reversed"
    RELATION = "relation", "Relation, strongest first"
    RELATION_DESC = "-relation", "Relation, weakest first"
    UPDATED_DESC = "-updated", "Most recently updated"
    UPDATED = "updated", "Least recently updated"


# Each relation's place when sorting by relation: strongest first.
RELATION_RANK = {value: rank for rank, value in enumerate(Relation.values)}

# The stored, indexed keys each sort orders by, before the link's own id breaks ties.
SORT_KEYS = {
    LinkSort.BEHAVIOUR: ("behaviour_rank", "standard_rank"),
    LinkSort.STANDARD: ("standard_rank", "behaviour_rank"),
    LinkSort.RELATION: ("relation_rank", "behaviour_rank", "standard_rank"),
    LinkSort.UPDATED: ("updated_at",),
}


class LinkRowQuerySet(models.QuerySet):
    """Filters and sorts for links, live or frozen: both kinds of row name their fields
    alike, so every register filters and orders its links by this one set of rules."""

    def touching_behaviours(self, ranks: tuple[int, int]) -> LinkRowQuerySet:
        """Links from the behaviours ranked from ranks[0] to ranks[1]: a subtree."""
        return self.filter(behaviour_rank__range=ranks)

    def touching_standards(self, ranks: tuple[int, int]) -> LinkRowQuerySet:
        return self.filter(standard_rank__range=ranks)

    def with_relation(self, relation: str) -> LinkRowQuerySet:
        return self.filter(relation=relation)

    def matching(self, text: str) -> LinkRowQuerySet:
        """Links whose elements' codes and titles, rationale or example hold every word,
        in any case: read from the search index (mapping/search.py)."""
        return matching(self, text.split())

    def sort_keys(self, sort: str) -> list[str]:
        """The fields a sort orders by, each with "-" when descending, ending with the
        link's own id: a total order, so a page can start after any row."""
        keys = [*SORT_KEYS[LinkSort(sort.removeprefix("-"))], self.model.stable_id]
        return [f"-{key}" for key in keys] if sort.startswith("-") else keys

    def sorted_by(self, sort: str) -> LinkRowQuerySet:
        return self.order_by(*self.sort_keys(sort))

    def beyond(self, keys: list[str], values: tuple) -> LinkRowQuerySet:
        """The rows after the one whose sort keys hold values, in the order of keys:
        (a, b, id) > (x, y, z), spelt out so that every database can use its index."""
        condition = Q()
        for depth in range(len(keys) - 1, -1, -1):
            name = keys[depth].removeprefix("-")
            step = Q(**{f"{name}__{'lt' if keys[depth].startswith('-') else 'gt'}": values[depth]})
            equal = Q(**{keys[k].removeprefix("-"): values[k] for k in range(depth)})
            condition = (equal & step) | condition if depth else step | condition
        first = keys[0].removeprefix("-")
        bound = {f"{first}__{'lte' if keys[0].startswith('-') else 'gte'}": values[0]}
        return self.filter(condition, **bound)

    def in_id_order(self, ids: list[int]) -> list:
        """These links, in the order of ids: for fetching a page found by a narrow query."""
        rows = self.in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


class LinkClaim(models.Model):
    """What a link says: that a behaviour relates to a standard, how, and why."""

    relation = models.CharField(max_length=20, choices=Relation.choices)
    rationale = models.TextField(
        max_length=10_000, help_text="Why the behaviour relates to the standard."
    )
    example = models.TextField(
        "in practice", blank=True, max_length=10_000,
        help_text="An example of the link in everyday work.",
    )  # fmt: skip

    # Order keys, stored so that every sort reads an index: the behaviour's and the
    # standard's tree ranks (live: copied by database triggers; frozen: when published)
    # and the relation's strength.
    behaviour_rank = models.PositiveIntegerField(null=True, editable=False)
    standard_rank = models.PositiveIntegerField(null=True, editable=False)
    relation_rank = models.PositiveSmallIntegerField(null=True, editable=False)
    # What a search looks in, in one text: both elements' codes and titles, the rationale
    # and the example, one to a line (live: kept by triggers; frozen: when published).
    # Indexed for substring search: SQLite's FTS5 trigram tables, PostgreSQL's pg_trgm.
    # NULL until the triggers (or placed()) fill it; a NULL needs no SQLite table rebuild.
    search_text = models.TextField(null=True, editable=False)  # noqa: DJ001

    # The field that names a link alike live and in every edition: a live row's own id,
    # or the id of the live row a frozen copy was made from.
    stable_id = "id"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.behaviour.code} {self.get_relation_display().lower()} {self.standard.code}"

    def placed(self):
        """This row with its order keys filled in, for rows written without the database's
        triggers (frozen copies)."""
        self.relation_rank = RELATION_RANK[self.relation]
        if self.behaviour_rank is None:
            self.behaviour_rank = self.behaviour.tree_rank
        if self.standard_rank is None:
            self.standard_rank = self.standard.tree_rank
        self.search_text = "\n".join([
            f"{self.behaviour.code} {self.behaviour.title}",
            f"{self.standard.code} {self.standard.title}",
            self.rationale, self.example,
        ])  # fmt: skip
        return self

    @property
    def reference(self) -> str:
        """The link's short, stable reference, to quote: "B3.1 → INT.2"."""
        return f"{self.behaviour.code} → {self.standard.code}"

    @property
    def history_label(self) -> str:
        return self.reference
