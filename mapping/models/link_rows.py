"""What every link says, live or frozen in an edition, and how a register's links are
filtered and sorted: written once, for both kinds of row."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from mapping.models.search import matching, terms
from standards.text import refuse_unprintable


class Side(models.TextChoices):
    """The two ends of every link: its source element (a behaviour, say) and its target
    (a standard), each from one of the register's two frameworks."""

    SOURCE = "source", "Source"
    TARGET = "target", "Target"

    @property
    def other(self) -> Side:
        return Side.TARGET if self == Side.SOURCE else Side.SOURCE


class LinkStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    RETIRED = "retired", "Retired"


class Relation(models.TextChoices):
    """How a link's source relates to its target, in words staff use.

    Each has a SKOS mapping property, read as "<source> skos:X <target>".
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

    def explained(self, words) -> str:
        """What the relation means, in a register's words (mapping/register/words.py):
        "Living the behaviour meets all of the standard."."""
        return RELATION_EXPLANATIONS[self].format_map(vars(words))


SKOS_MATCH = {
    Relation.SAME_AS: "exactMatch",
    # The source takes in all of the target, so the target is the narrower concept.
    Relation.FULLY_COVERS: "narrowMatch",
    # The source covers part of the target, so the target is the broader concept.
    Relation.PARTLY_COVERS: "broadMatch",
    Relation.CLOSELY_MATCHES: "closeMatch",
    Relation.SUPPORTS: "relatedMatch",
}

# In a register's words: {source} is "behaviour" in a behaviours → standards register, and
# {meeting} "Living"; a register between other frameworks says its frameworks' own words.
RELATION_EXPLANATIONS = {
    Relation.SAME_AS: "The {source} and the {target} ask for the same thing.",
    Relation.FULLY_COVERS: "{meeting} the {source} meets all of the {target}.",
    Relation.PARTLY_COVERS: "{meeting} the {source} meets part of the {target}.",
    Relation.CLOSELY_MATCHES: "Close in meaning, though worded for a different purpose.",
    Relation.SUPPORTS: "The {source} helps someone meet the {target} without meeting it itself.",
}


def not_yet_approved(row) -> str:
    """What a live link not yet approved is marked with wherever it is shown or exported
    ("draft, not yet approved"): nobody should take a draft as the organisation's word.
    "" for an approved link, and for every link of an edition (all approved)."""
    status = getattr(row, "status", LinkStatus.APPROVED)
    if status == LinkStatus.APPROVED:
        return ""
    return f"{LinkStatus(status).label.lower()}, not yet approved"


class LinkSort(models.TextChoices):
    """The link table's orders; a register names them in its own words (a behaviours →
    standards register says "Behaviour, in framework order")."""

    SOURCE = "source", "Source, in framework order"
    SOURCE_DESC = "-source", "Source, reversed"
    TARGET = "target", "Target, in framework order"
    TARGET_DESC = "-target", "Target, reversed"
    RELATION = "relation", "Relation, strongest first"
    RELATION_DESC = "-relation", "Relation, weakest first"
    UPDATED_DESC = "-updated", "Most recently updated"
    UPDATED = "updated", "Least recently updated"


# The names the sorts had when every register was behaviours → standards: still understood
# in addresses and API calls (for one release).
SORT_ALIASES = {"behaviour": "source", "-behaviour": "-source", "standard": "target",
                "-standard": "-target"}  # fmt: skip

# Each relation's place when sorting by relation: strongest first.
RELATION_RANK = {value: rank for rank, value in enumerate(Relation.values)}

# The stored, indexed keys each sort orders by, before the link's own id breaks ties.
SORT_KEYS = {
    LinkSort.SOURCE: ("source_rank", "target_rank"),
    LinkSort.TARGET: ("target_rank", "source_rank"),
    LinkSort.RELATION: ("relation_rank", "source_rank", "target_rank"),
    LinkSort.UPDATED: ("updated_at",),
}


class LinkRowQuerySet(models.QuerySet):
    """Filters and sorts for links, live or frozen: both kinds of row name their fields
    alike, so every register filters and orders its links by this one set of rules."""

    def touching_sources(self, ranks: tuple[int, int]) -> LinkRowQuerySet:
        """Links from the behaviours ranked from ranks[0] to ranks[1]: a subtree."""
        return self.filter(source_rank__range=ranks)

    def touching_targets(self, ranks: tuple[int, int]) -> LinkRowQuerySet:
        return self.filter(target_rank__range=ranks)

    def with_relation(self, relation: str) -> LinkRowQuerySet:
        return self.filter(relation=relation)

    def matching(self, text: str) -> LinkRowQuerySet:
        """Links whose elements' codes and titles, rationale or example hold every word,
        in any case: read from the search index (mapping/search.py)."""
        return matching(self, terms(text))

    def matching_terms(self, found: list[str]) -> LinkRowQuerySet:
        """Links holding every term already read from a search (terms())."""
        return matching(self, found)

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
    """What a link says: that its source relates to its target, how, and why."""

    relation = models.CharField(max_length=20, choices=Relation.choices)
    rationale = models.TextField(
        max_length=10_000,
        help_text="Why the source relates to the target.",
        validators=[refuse_unprintable],
    )
    example = models.TextField(
        "in practice", blank=True, max_length=10_000,
        help_text="An example of the link in everyday work.", validators=[refuse_unprintable],
    )  # fmt: skip

    # Derived copies, each written by one database trigger however the row is written
    # (mapping/migrations/0015_neutral_link.py), live and frozen alike, never by Python:
    # order keys, so that every sort reads an index (the source's and the target's tree
    # ranks, and the relation's strength), and what a search looks in (both elements'
    # codes and titles, the rationale and the example, one to a line), indexed for
    # substring search: SQLite's FTS5 trigram tables, PostgreSQL's pg_trgm.
    source_rank = models.PositiveIntegerField(null=True, editable=False)
    target_rank = models.PositiveIntegerField(null=True, editable=False)
    relation_rank = models.PositiveSmallIntegerField(null=True, editable=False)
    search_text = models.TextField(null=True, editable=False)  # noqa: DJ001

    # The field that names a link alike live and in every edition: a live row's own id,
    # or the id of the live row a frozen copy was made from.
    stable_id = "id"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.source.code} {self.get_relation_display().lower()} {self.target.code}"

    def end(self, side: str):
        """The link's element at that end: its source or its target."""
        return self.source if side == Side.SOURCE else self.target

    @property
    def reference(self) -> str:
        """The link's short, stable reference, to quote: "B3.1 → INT.2"."""
        return f"{self.source.code} → {self.target.code}"

    @property
    def history_label(self) -> str:
        return self.reference

    @property
    def words_changed_at(self):
        """When the link's words, or either end's, last changed (an end's date moves with
        any edit of it: what a link's standing says once its ends' words differ). A frozen
        copy's ends keep no date: its own."""
        stamps = [getattr(each, "updated_at", None) for each in (self, self.source, self.target)]
        return max(filter(None, stamps), default=None)
