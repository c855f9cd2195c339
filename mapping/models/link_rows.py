"""What every link says, live or frozen in an edition, and how a register's links are
filtered and sorted: written once, for both kinds of row."""

from __future__ import annotations

from collections.abc import Collection

from django.db import models
from django.db.models import F, OrderBy, Q
from django.db.models.functions import Coalesce


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


def _tree_order(prefix: str, key: str) -> list:
    """Order keys that put each element right after its parent (exact for two levels).

    key names the element the same way live and in every edition, so ties between
    elements at the same position break alike in both.
    """
    return [
        Coalesce(f"{prefix}__parent__position", f"{prefix}__position"),
        Coalesce(f"{prefix}__parent__{key}", f"{prefix}__{key}"),
        F(f"{prefix}__parent__{key}").asc(nulls_first=True),
        F(f"{prefix}__position"),
        F(f"{prefix}__code"),
    ]


def _reversed(keys: list) -> list:
    """The same keys, each flipped; NULLs move to the other end too, on every database."""
    flipped = []
    for key in keys:
        if isinstance(key, OrderBy):
            flipped.append(
                OrderBy(
                    key.expression,
                    descending=not key.descending,
                    nulls_first=key.nulls_last or None,
                    nulls_last=key.nulls_first or None,
                )
            )
        else:
            flipped.append(key.desc())
    return flipped


def _relation_strength() -> models.Case:
    return models.Case(
        *(models.When(relation=value, then=rank) for rank, value in enumerate(Relation.values)),
        output_field=models.IntegerField(),
    )


class LinkRowQuerySet(models.QuerySet):
    """Filters and sorts for links, live or frozen: both kinds of row name their fields
    alike, so every register filters and orders its links by this one set of rules."""

    def touching_behaviours(self, element_ids: Collection[int]) -> LinkRowQuerySet:
        return self.filter(behaviour_id__in=element_ids)

    def touching_standards(self, element_ids: Collection[int]) -> LinkRowQuerySet:
        return self.filter(standard_id__in=element_ids)

    def with_relation(self, relation: str) -> LinkRowQuerySet:
        return self.filter(relation=relation)

    def matching(self, text: str) -> LinkRowQuerySet:
        """Links whose elements' codes and titles, rationale or example hold every word."""
        condition = Q()
        for word in text.split():
            condition &= (
                Q(behaviour__code__icontains=word)
                | Q(behaviour__title__icontains=word)
                | Q(standard__code__icontains=word)
                | Q(standard__title__icontains=word)
                | Q(rationale__icontains=word)
                | Q(example__icontains=word)
            )
        return self.filter(condition)

    def sorted_by(self, sort: str) -> LinkRowQuerySet:
        element_key, own_key = self.model.element_stable_id, self.model.stable_id
        behaviour = _tree_order("behaviour", element_key)
        standard = _tree_order("standard", element_key)
        keys = {
            LinkSort.BEHAVIOUR: behaviour + standard,
            LinkSort.STANDARD: standard + behaviour,
            LinkSort.RELATION: [_relation_strength(), *behaviour, *standard],
            LinkSort.UPDATED: [F("updated_at")],
        }
        chosen = keys[LinkSort(sort.removeprefix("-"))] + [F(own_key)]
        if sort.startswith("-"):
            chosen = _reversed(chosen)
        return self.order_by(*chosen)

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

    # The fields that name a link and its elements alike live and in every edition: a live
    # row's own id, or the id of the live row a frozen copy was made from.
    stable_id = "pk"
    element_stable_id = "pk"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.behaviour.code} {self.get_relation_display().lower()} {self.standard.code}"

    @property
    def reference(self) -> str:
        """The link's short, stable reference, to quote: "B3.1 → INT.2"."""
        return f"{self.behaviour.code} → {self.standard.code}"

    @property
    def history_label(self) -> str:
        return self.reference
