"""Links inferred through crosswalks: where one register links a source element to an
element of framework A, and another (a crosswalk) links that element onward to the target
framework, the two steps make an inferred link from the source element to the target one.

Relations compose by one table (COMPOSED, below, and in the README): "is the same as" leaves
the other step unchanged; the result is never stronger than either step; "fully covers"
twice stays "fully covers"; a step that only closely matches or supports makes the result
weaker, since SKOS's closeMatch and relatedMatch are not transitive. Where several paths
give different relations, the strongest is the link's. The paths are worked out in the
database, one join of the approved links, live; an edition freezes what it inferred
(mapping/models/frozen.py). An inferred link is never counted as coverage on its own: it is
a suggestion until someone accepts it (or dismisses it: ReviewedPair).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import BigIntegerField, Case, Count, F, Min, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from mapping.models.link_rows import RELATION_RANK, Relation
from mapping.models.links import Link, LinkStatus
from mapping.models.mappings import Mapping
from standards.models import Element
from standards.text import refuse_unprintable

# How two steps compose, first step down, second across; strongest first in both.
S, F_, P, C, R = (Relation.SAME_AS, Relation.FULLY_COVERS, Relation.PARTLY_COVERS,
                  Relation.CLOSELY_MATCHES, Relation.SUPPORTS)  # fmt: skip
COMPOSED: dict[tuple[Relation, Relation], Relation] = {
    (first, second): result
    for first, row in zip((S, F_, P, C, R), (
        (S, F_, P, C, R),  # is the same as: the other step unchanged
        (F_, F_, P, C, R),  # fully covers
        (P, P, R, R, R),  # partly covers: part of a part only supports
        (C, C, R, R, R),  # closely matches: not transitive
        (R, R, R, R, R),  # supports: the weakest there is
    ), strict=True)
    for second, result in zip((S, F_, P, C, R), row, strict=True)
}  # fmt: skip
# Each path's strength and its via element, folded into one number so that the database's
# MIN finds the strongest path and the element it goes through at once.
FOLD = 10**12


def composition_table() -> list[tuple[Relation, list[tuple[Relation, Relation]]]]:
    """COMPOSED as rows, strongest first: (first step, [(second step, result), …])."""
    order = (S, F_, P, C, R)
    return [(first, [(second, COMPOSED[first, second]) for second in order]) for first in order]


def compose(first: str, second: str) -> Relation:
    return COMPOSED[Relation(first), Relation(second)]


def strongest(relations) -> Relation:
    """Of several paths' relations, the link's: the strongest."""
    return min((Relation(r) for r in relations), key=lambda r: RELATION_RANK[r])


class ReviewedPair(models.Model):
    """A suggestion that was reviewed and dismissed, and why: that source element is not
    to be linked to that target element in this register, so it is not suggested again."""

    mapping = models.ForeignKey(
        "mapping.Mapping", on_delete=models.CASCADE, related_name="reviewed_pairs"
    )
    source = models.ForeignKey("standards.Element", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey("standards.Element", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(max_length=2_000, validators=[refuse_unprintable])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "dismissed suggestion"
        constraints = [
            models.UniqueConstraint(
                fields=["mapping", "source", "target"], name="reviewed_pair_unique"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="reviewed_pair_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.target.code} dismissed in {self.mapping}"


@dataclass(eq=False)
class Step:
    """One step of a path: a link of another register (a code and title at each end)."""

    link_id: int
    register: str  # the register's name
    register_slug: str
    source_code: str
    target_code: str
    relation: str
    rationale: str

    def get_relation_display(self) -> str:
        return Relation(self.relation).label

    @property
    def url(self) -> str:
        """The step's own page, in its register (the address that names the register)."""
        return reverse("link_detail", kwargs={"slug": self.register_slug, "pk": self.link_id})


@dataclass(eq=False)
class Path:
    """How an inferred link is reached: source → via → target, and what the two steps make."""

    via_code: str
    via_title: str
    first: Step
    second: Step

    @property
    def relation(self) -> Relation:
        return compose(self.first.relation, self.second.relation)


class Pair:
    """What a suggested pair (inferred, or lexical: mapping/suggesting/lexical.py) says of
    itself, from its two elements and its kind."""

    @property
    def reference(self) -> str:
        return f"{self.source.code} → {self.target.code}"

    @property
    def choice(self) -> str:
        """How a form names it: its kind and its two codes."""
        return f"{self.kind}:{self.source.code}:{self.target.code}"


@dataclass(eq=False)
class InferredLink(Pair):
    """A link nobody made, inferred through a crosswalk: the strongest relation of its
    paths, the element its strongest path goes through, and how many paths there are. It
    reads like a link (reference, get_relation_display) so pages show either alike."""

    source_id: int
    target_id: int
    relation: str
    via_code: str
    paths: int
    via_id: int | None = None
    source: object = None
    target: object = None
    path_list: list[Path] = field(default_factory=list)

    is_inferred = True
    kind = "inferred"

    def get_relation_display(self) -> str:
        return Relation(self.relation).label

    @property
    def through(self) -> str:
        """In words, for the page and for screen readers."""
        more = self.paths - 1
        return f"inferred through {self.via_code}" + (
            f" (and {more} other path{'s' if more > 1 else ''})" if more else ""
        )


def _composed_rank():
    """The rank of the composed relation of a path (a second step: this link; its first:
    the link made to its source), in SQL: the table above, one When per pair of ranks."""
    first = "source__links_as_target__relation_rank"
    return Case(
        *(
            When(**{first: RELATION_RANK[a], "relation_rank": RELATION_RANK[b]},
                 then=Value(RELATION_RANK[result]))
            for (a, b), result in COMPOSED.items()
        ),
        output_field=BigIntegerField(),
    )  # fmt: skip


def path_links(source_framework_id: int, target_framework_id: int | None, **also):
    """Every approved second step of a path from the source framework to the target
    framework (None: to any), joined to its approved first steps (each second step once
    per first step): links into the target framework from an element that is itself the
    target of a link from the source framework, none of them retired. also: more
    conditions, in the same filter, so that they name the same join."""
    if target_framework_id is not None:
        also["target__framework_id"] = target_framework_id
        also["mapping__target_framework_id"] = target_framework_id
    # Second steps only in crosswalks from a framework the source framework is mapped onto:
    # implied by the path, and selective, so that the database starts from those registers.
    middles = Mapping.objects.filter(source_framework_id=source_framework_id)
    return Link.objects.filter(
        **also,
        mapping__source_framework_id__in=middles.values("target_framework_id"),
        source__links_as_target__mapping__source_framework_id=source_framework_id,
        status=LinkStatus.APPROVED,
        target__retired=False,
        source__retired=False,
        source__links_as_target__status=LinkStatus.APPROVED,
        source__links_as_target__source__framework_id=source_framework_id,
        source__links_as_target__source__retired=False,
    )


def inferred_rows(source_framework_id: int, target_framework_id: int) -> list[tuple]:
    """(source id, target id, strongest relation, via id, paths) for every pair reached
    through some crosswalk: one aggregated query, whatever the number of paths."""
    rows = (
        path_links(source_framework_id, target_framework_id)
        .values(first_source=F("source__links_as_target__source_id"), second_target=F("target_id"))
        .annotate(folded=Min(_composed_rank() * FOLD + F("source_id")), paths=Count("*"))
        .order_by()
        .values_list("first_source", "second_target", "folded", "paths")
    )
    relations = Relation.values  # worked out on every use: once here, not once a row
    return [
        (source, target, relations[folded // FOLD], folded % FOLD, paths)
        for source, target, folded, paths in rows
    ]


def paths_between(source_framework_id: int, target_framework_id: int,
                  pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[Path]]:  # fmt: skip
    """The paths of these (source id, target id) pairs, strongest first."""
    if not pairs:
        return {}
    sources, targets = {s for s, _ in pairs}, {t for _, t in pairs}
    seconds = (
        path_links(source_framework_id, target_framework_id,
                   source__links_as_target__source_id__in=sources, target_id__in=targets)
        .values_list(
            "source__links_as_target__source_id", "target_id",
            "source__links_as_target__id", "source__links_as_target__mapping__name",
            "source__links_as_target__mapping__slug", "source__links_as_target__source__code",
            "source__links_as_target__relation", "source__links_as_target__rationale",
            "id", "mapping__name", "mapping__slug", "source__code", "source__title",
            "target__code", "relation", "rationale",
        )
    )  # fmt: skip
    found: dict[tuple[int, int], list[Path]] = {}
    for (source, target, first_id, first_register, first_slug, first_code, first_relation,
         first_rationale, second_id, second_register, second_slug, via_code, via_title,
         target_code, second_relation, second_rationale) in seconds:  # fmt: skip
        if (source, target) not in pairs:
            continue
        found.setdefault((source, target), []).append(Path(
            via_code, via_title,
            Step(first_id, first_register, first_slug, first_code, via_code, first_relation,
                 first_rationale),
            Step(second_id, second_register, second_slug, via_code, target_code,
                 second_relation, second_rationale),
        ))  # fmt: skip
    for paths in found.values():
        paths.sort(key=lambda path: (RELATION_RANK[path.relation], path.via_code))
    return found


def inferred_for(mapping, rows: list[tuple] | None = None, *, published: bool = False
                 ) -> list[InferredLink]:  # fmt: skip
    """What a register infers: every pair reached through a crosswalk (rows: inferred_rows'
    for its two frameworks, if already read) that it has not made (a retired link counts:
    someone decided) nor dismissed. published: what an edition says, where a draft or a
    proposal is not yet a decision (the edition leaves it out, so it keeps the suggestion)."""
    if rows is None:
        rows = inferred_rows(mapping.source_framework_id, mapping.target_framework_id)
    if not rows:
        return []
    made = mapping.links.all()
    if published:
        made = made.exclude(status__in=[LinkStatus.DRAFT, LinkStatus.PROPOSED])
    decided = set(made.values_list("source_id", "target_id"))
    decided |= set(mapping.reviewed_pairs.values_list("source_id", "target_id"))
    # The codes of the elements passed through: those of every framework a crosswalk
    # leads from into the target (one query, not a parameter per element).
    crosswalked = type(mapping).objects.filter(target_framework_id=mapping.target_framework_id)
    via = dict(
        Element.objects.filter(framework_id__in=crosswalked.values("source_framework_id"))
        .values_list("pk", "code")
    )  # fmt: skip
    return [
        InferredLink(source, target, relation, via[via_id], paths, via_id=via_id)
        for source, target, relation, via_id, paths in rows
        if (source, target) not in decided
    ]


def strongest_paths(links: list[InferredLink]) -> list[Path]:
    """Each link's strongest path (through its via element), in the order given: two
    queries, however many links (for an edition to freeze)."""
    if not links:
        return []
    steps = Link.objects.filter(status=LinkStatus.APPROVED).select_related(
        "mapping", "source", "target"
    )  # fmt: skip
    vias = {link.via_id for link in links}
    firsts: dict[tuple[int, int], list[Link]] = {}
    seconds: dict[tuple[int, int], list[Link]] = {}
    sources, targets = {link.source_id for link in links}, {link.target_id for link in links}
    chosen = [
        (firsts, steps.filter(source_id__in=sources, target_id__in=vias)),
        (seconds, steps.filter(source_id__in=vias, target_id__in=targets)),
    ]
    for found, rows in chosen:
        for row in rows.order_by("pk"):
            found.setdefault((row.source_id, row.target_id), []).append(row)

    def step(row: Link) -> Step:
        return Step(row.pk, row.mapping.name, row.mapping.slug, row.source.code,
                    row.target.code, row.relation, row.rationale)  # fmt: skip

    paths = []
    for link in links:
        first, second = min(
            ((a, b) for a in firsts[link.source_id, link.via_id]
             for b in seconds[link.via_id, link.target_id]),
            key=lambda pair: RELATION_RANK[compose(pair[0].relation, pair[1].relation)],
        )  # fmt: skip
        paths.append(Path(second.source.code, second.source.title, step(first), step(second)))
    return paths
