from __future__ import annotations

from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OrderBy, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from mapping.markdown import render_markdown
from standards.models import Element, Framework


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


class MappingQuerySet(models.QuerySet):
    def with_frameworks(self) -> MappingQuerySet:
        return self.select_related("behaviours_framework", "standards_framework")

    def default(self) -> Mapping | None:
        return self.with_frameworks().filter(is_default=True).first()


class Mapping(models.Model):
    """A named set of links from one behaviours framework to one standards framework."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    organisation = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    guide_intro = models.TextField(
        "guide introduction",
        blank=True,
        help_text="Opens the QuickStart guide. Markdown: headings, lists, links, emphasis. "
        "HTML and scripts are removed.",
    )
    behaviours_framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="mappings_from",
        limit_choices_to={"kind": Framework.Kind.BEHAVIOURS},
    )
    standards_framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="mappings_to",
        limit_choices_to={"kind": Framework.Kind.STANDARDS},
    )
    is_default = models.BooleanField(
        "site's default mapping",
        default=False,
        help_text="The mapping the register's pages show. Only one can be the default.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MappingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="mapping_one_default",
            ),
            models.CheckConstraint(
                condition=~Q(behaviours_framework=F("standards_framework")),
                name="mapping_two_frameworks",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def guide_intro_html(self) -> str:
        return render_markdown(self.guide_intro)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.behaviours_framework_id and not self.behaviours_framework.is_behaviours:
            errors["behaviours_framework"] = "Choose a behaviours framework."
        if self.standards_framework_id and self.standards_framework.is_behaviours:
            errors["standards_framework"] = "Choose a standards framework."
        if errors:
            raise ValidationError(errors)


class LinkSort(models.TextChoices):
    BEHAVIOUR = "behaviour", "Behaviour, in framework order"
    BEHAVIOUR_DESC = "-behaviour", "Behaviour, reversed"
    STANDARD = "standard", "Standard, in framework order"
    STANDARD_DESC = "-standard", "Standard, reversed"
    RELATION = "relation", "Relation, strongest first"
    RELATION_DESC = "-relation", "Relation, weakest first"
    UPDATED_DESC = "-updated", "Most recently updated"
    UPDATED = "updated", "Least recently updated"


def _tree_order(prefix: str) -> list:
    """Order keys that put each element right after its parent (exact for two levels)."""
    return [
        Coalesce(f"{prefix}__parent__position", f"{prefix}__position"),
        Coalesce(f"{prefix}__parent_id", f"{prefix}_id"),
        F(f"{prefix}__parent_id").asc(nulls_first=True),
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


class LinkQuerySet(models.QuerySet):
    def with_elements(self) -> LinkQuerySet:
        return self.select_related("behaviour", "behaviour__parent", "standard", "standard__parent")

    def in_id_order(self, ids: list[int]) -> list[Link]:
        """These links, in the order of ids: for fetching a page found by a narrow query."""
        rows = self.in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]

    def touching_behaviours(self, element_ids: Collection[int]) -> LinkQuerySet:
        return self.filter(behaviour_id__in=element_ids)

    def touching_standards(self, element_ids: Collection[int]) -> LinkQuerySet:
        return self.filter(standard_id__in=element_ids)

    def with_relation(self, relation: str) -> LinkQuerySet:
        return self.filter(relation=relation)

    def matching(self, text: str) -> LinkQuerySet:
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

    def sorted_by(self, sort: str) -> LinkQuerySet:
        behaviour, standard = _tree_order("behaviour"), _tree_order("standard")
        keys = {
            LinkSort.BEHAVIOUR: behaviour + standard,
            LinkSort.STANDARD: standard + behaviour,
            LinkSort.RELATION: [_relation_strength(), *behaviour, *standard],
            LinkSort.UPDATED: [F("updated_at"), F("pk")],
        }
        base = LinkSort(sort.removeprefix("-"))
        chosen = keys[base]
        if sort.startswith("-"):
            chosen = _reversed(chosen)
        return self.order_by(*chosen, "pk")


class Link(models.Model):
    """A claim that a behaviour relates to a standard, with the reason why."""

    mapping = models.ForeignKey(Mapping, on_delete=models.PROTECT, related_name="links")
    behaviour = models.ForeignKey(
        Element, on_delete=models.PROTECT, related_name="links_as_behaviour"
    )
    standard = models.ForeignKey(
        Element, on_delete=models.PROTECT, related_name="links_as_standard"
    )
    relation = models.CharField(max_length=20, choices=Relation.choices)
    rationale = models.TextField(help_text="Why the behaviour relates to the standard.")
    example = models.TextField(
        "in practice", blank=True, help_text="An example of the link in everyday work."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mapping", "behaviour", "standard"], name="link_pair_unique"
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="link_rationale_required"),
            models.CheckConstraint(
                condition=Q(relation__in=Relation.values), name="link_relation_valid"
            ),
        ]
        indexes = [models.Index(fields=["mapping", "standard"])]

    def __str__(self) -> str:
        return f"{self.behaviour.code} {self.get_relation_display().lower()} {self.standard.code}"

    def clean(self) -> None:
        super().clean()
        self.rationale = self.rationale.strip()
        errors = {}
        if not self.rationale:
            errors["rationale"] = "Say why the behaviour relates to the standard."
        if self.mapping_id:
            mapping = self.mapping
            if self.behaviour_id and self.behaviour.framework_id != mapping.behaviours_framework_id:
                errors["behaviour"] = f"Choose an element of {mapping.behaviours_framework}."
            if self.standard_id and self.standard.framework_id != mapping.standards_framework_id:
                errors["standard"] = f"Choose an element of {mapping.standards_framework}."
        if errors:
            raise ValidationError(errors)


class ReviewedGap(models.Model):
    """An element that was reviewed and deliberately left without links, and why.

    Coverage reports keep these apart from elements that nobody has looked at yet.
    """

    mapping = models.ForeignKey(Mapping, on_delete=models.CASCADE, related_name="reviewed_gaps")
    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(help_text="Why this element is deliberately left unlinked.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["mapping", "element__code"]
        verbose_name = "reviewed gap"
        constraints = [
            models.UniqueConstraint(fields=["mapping", "element"], name="reviewed_gap_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="reviewed_gap_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.element.code} left unlinked in {self.mapping}"

    def clean(self) -> None:
        super().clean()
        self.reason = self.reason.strip()
        errors = {}
        if not self.reason:
            errors["reason"] = "Say why this is deliberately left unlinked."
        if (
            self.mapping_id
            and self.element_id
            and self.element.framework_id
            not in (
                self.mapping.behaviours_framework_id,
                self.mapping.standards_framework_id,
            )
        ):
            errors["element"] = "Choose an element of one of the mapping's two frameworks."
        if errors:
            raise ValidationError(errors)
