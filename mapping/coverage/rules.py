"""How far one framework covers the other, computed from the links.

A target element (a standard statement, say) is covered when at least one link is made to
it. An element with children is covered *directly* when a link is made to it, and
*through* its children when a link is made to one of its descendants; the two are reported
separately, never blurred. The same rules apply to the source elements (behaviours and
their descriptors, say). These are the rules alone, over rows already in hand: a register
(mapping/register/) supplies them, live or frozen in an edition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from mapping.coverage.plain import PlainLink
from mapping.models import EditionGap, ReviewedGap
from mapping.models.link_rows import LinkClaim
from standards.models import ElementText, tree_order

# Elements, links and reviews are live rows or an edition's frozen copies: both kinds name
# their fields alike (code, title, parent_id; source_id, target_id, relation; reason).
Review = ReviewedGap | EditionGap

# Past this many links (or partners), a summary names what an element reaches, each
# top-level element with its count, instead of listing them all: the link table has the rest.
LISTED_AT_MOST = 25


# What coverage counts: plain rows from a register, or model instances built by hand.
AnyLink = PlainLink | LinkClaim


@dataclass(frozen=True)
class Reach:
    """How many of an element's links go to one top-level element on the other side."""

    element: ElementText
    links: int


def top_of(element: ElementText) -> ElementText:
    while element.parent_id is not None:
        element = element.parent
    return element


@dataclass
class ElementCoverage:
    element: ElementText
    is_source: bool
    direct: list[AnyLink] = field(default_factory=list)
    through: list[AnyLink] = field(default_factory=list)
    review: Review | None = None
    # Links inferred through a crosswalk to or from this element: never coverage on their
    # own, shown apart until someone accepts one (mapping/models/inference.py).
    inferred: list = field(default_factory=list)
    inferred_below: list = field(default_factory=list)  # to or from what sits under it

    @property
    def inferred_within(self) -> list:
        """The links inferred to or from this element and what sits under it."""
        return [*self.inferred, *self.inferred_below]

    def partner(self, link: AnyLink) -> ElementText:
        """The element at the other end of one of this element's links."""
        return link.target if self.is_source else link.source

    def origin(self, link: AnyLink) -> ElementText:
        """This element, or the one under it, that the link is made to."""
        return link.source if self.is_source else link.target

    @property
    def covered_directly(self) -> bool:
        return bool(self.direct)

    @property
    def covered_through_children(self) -> bool:
        return bool(self.through)

    @property
    def covered(self) -> bool:
        return self.covered_directly or self.covered_through_children

    @property
    def status(self) -> str:
        """In words: covered directly, covered through what sits under it, reviewed and
        deliberately left unlinked, covered only by links inferred through a crosswalk
        (nobody has reviewed them), or not yet reviewed."""
        if self.covered_directly:
            return "covered directly"
        if self.covered_through_children:
            return "covered through what sits under it"
        if self.review is not None:
            return "reviewed and left unlinked"
        if self.inferred or self.inferred_below:
            return "covered only by inference"
        return "not yet reviewed"

    @property
    def decided_gap(self) -> Review | None:
        """The decision to leave it unlinked, while nothing covers it."""
        return None if self.covered else self.review

    @property
    def covered_only_by_inference(self) -> bool:
        return self.status == "covered only by inference"

    @property
    def links(self) -> list[AnyLink]:
        """Every link of this element and those under it, in the other framework's order."""
        return sorted(
            self.direct + self.through,
            key=lambda link: (self.partner(link).tree_index, self.origin(link).tree_index),
        )

    @property
    def links_by_origin(self) -> list[AnyLink]:
        """The same links, grouped by the element they are made to, this one first."""
        return sorted(
            self.direct + self.through,
            key=lambda link: (self.origin(link).tree_index, self.partner(link).tree_index),
        )

    @property
    def partners(self) -> list[ElementText]:
        """The elements on the other side that this one is linked to, each once, in order."""
        key = self._partner_id
        return list({getattr(link, key): self.partner(link) for link in self.links}.values())

    @property
    def _partner_id(self) -> str:
        return "target_id" if self.is_source else "source_id"

    @property
    def link_count(self) -> int:
        return len(self.direct) + len(self.through)

    @property
    def lists_every_link(self) -> bool:
        """Few enough links to list them all; past that, pages show its reach instead."""
        return self.link_count <= LISTED_AT_MOST

    @property
    def lists_every_partner(self) -> bool:
        return self.partner_count <= LISTED_AT_MOST

    @property
    def partner_count(self) -> int:
        return len(self.partner_ids)

    @property
    def partner_ids(self) -> set[int]:
        key = self._partner_id
        return {getattr(link, key) for link in (*self.direct, *self.through)}

    @property
    def listed_partners(self) -> list[ElementText]:
        """The first partners in order, as many as a page lists."""
        return self.partners[:LISTED_AT_MOST]

    @property
    def unlisted_partners(self) -> int:
        return max(0, self.partner_count - LISTED_AT_MOST)

    @property
    def reach(self) -> list[Reach]:
        """Each top-level element on the other side that this one's links go to, with how
        many go there (to it or to what sits under it), in framework order."""
        key = self._partner_id
        per_partner: dict[int, int] = {}
        partners: dict[int, ElementText] = {}
        for link in (*self.direct, *self.through):
            partner_id = getattr(link, key)
            if partner_id in per_partner:
                per_partner[partner_id] += 1
            else:
                per_partner[partner_id] = 1
                partners[partner_id] = self.partner(link)
        counts: dict[int, int] = {}
        tops: dict[int, ElementText] = {}
        for partner_id, count in per_partner.items():
            top = top_of(partners[partner_id])
            tops[top.pk] = top
            counts[top.pk] = counts.get(top.pk, 0) + count
        ordered = sorted(tops.values(), key=lambda top: top.tree_index)
        return [Reach(top, counts[top.pk]) for top in ordered]


@dataclass
class LevelSummary:
    """Coverage of every element of one level (say "Standard statement") of a framework."""

    label: str
    plural: str  # the label said of several, as its framework says it
    total: int = 0
    covered: int = 0
    direct: int = 0
    through: int = 0
    reviewed: int = 0
    inferred: int = 0  # not covered, not reviewed, but reached by an inferred link

    @property
    def named(self) -> str:
        """The label for its total: "1 behaviour", "10 behaviours"."""
        return self.label if self.total == 1 else self.plural

    @property
    def percent(self) -> int:
        """Covered, as a whole percentage, rounded down so 99.6% never reads as complete."""
        return 100 * self.covered // self.total if self.total else 0

    @property
    def only_through(self) -> int:
        """Covered, but not directly: only through what sits under them. With those covered
        directly, it makes up every one covered (through counts both ways)."""
        return self.covered - self.direct

    @property
    def not_reviewed(self) -> int:
        return self.uncovered - self.reviewed - self.inferred

    @property
    def uncovered(self) -> int:
        return self.total - self.covered


@dataclass
class Coverage:
    register: Any  # says its frameworks' names: register.source_framework.name
    sources: list[ElementCoverage]
    targets: list[ElementCoverage]
    link_count: int
    inferred: list = field(default_factory=list)  # every inferred link, apart
    unapproved: int = 0  # of link_count, the live register's drafts and proposals

    @property
    def top_sources(self) -> list[ElementCoverage]:
        return [entry for entry in self.sources if entry.element.parent_id is None]

    @property
    def top_targets(self) -> list[ElementCoverage]:
        return [entry for entry in self.targets if entry.element.parent_id is None]

    @property
    def source_levels(self) -> list[LevelSummary]:
        return _summarise(self.sources, self.register.source_framework)

    @property
    def target_levels(self) -> list[LevelSummary]:
        return _summarise(self.targets, self.register.target_framework)

    @property
    def uncovered_targets(self) -> list[ElementCoverage]:
        return [entry for entry in self.targets if not entry.covered]

    @property
    def unlinked_sources(self) -> list[ElementCoverage]:
        return [entry for entry in self.sources if not entry.covered]

    @property
    def targets_covered_only_through_children(self) -> list[ElementCoverage]:
        return [e for e in self.targets if e.covered_through_children and not e.covered_directly]

    @property
    def sources_covered_only_through_children(self) -> list[ElementCoverage]:
        return [e for e in self.sources if e.covered_through_children and not e.covered_directly]

    @property
    def targets_covered_only_by_inference(self) -> list[ElementCoverage]:
        return [e for e in self.targets if e.covered_only_by_inference]

    def csv_rows(self) -> Iterable[list[str | int]]:
        """The report as rows, header first: one row for every element of both frameworks."""
        yield [
            "framework", "level", "code", "title", "part of", "status", "direct links",
            "links through what sits under it", "inferred links, to it or under it (not reviewed)",
            "reason left unlinked", "decided by",
            "decided on",
        ]  # fmt: skip
        for entry in [*self.sources, *self.targets]:
            element, review = entry.element, entry.review
            shown_review = review if not entry.covered else None
            yield [
                self.register.source_framework.name
                if entry.is_source
                else self.register.target_framework.name,
                element.level_label,
                element.code,
                element.title,
                element.parent.code if element.parent_id else "",
                entry.status,
                len(entry.direct),
                len(entry.through),
                len(entry.inferred_within),
                shown_review.reason if shown_review else "",
                (shown_review.decided_by_name or "unknown") if shown_review else "",
                timezone.localdate(shown_review.decided_at).isoformat() if shown_review else "",
            ]

    def children_of(self, entry: ElementCoverage) -> list[ElementCoverage]:
        side = self.sources if entry.is_source else self.targets
        return [other for other in side if other.element.parent_id == entry.element.pk]

    @property
    def top_sources_with_children(self) -> list[tuple[ElementCoverage, list[ElementCoverage]]]:
        return [(entry, self.children_of(entry)) for entry in self.top_sources]

    @property
    def top_targets_with_children(self) -> list[tuple[ElementCoverage, list[ElementCoverage]]]:
        return [(entry, self.children_of(entry)) for entry in self.top_targets]


def _summarise(entries: list[ElementCoverage], framework) -> list[LevelSummary]:
    levels: dict[str, LevelSummary] = {}
    for entry in entries:
        label = entry.element.level_label
        if label not in levels:
            levels[label] = LevelSummary(label, framework.plural_of(label))
        summary = levels[label]
        summary.total += 1
        summary.covered += entry.covered
        summary.direct += entry.covered_directly
        summary.through += entry.covered_through_children
        summary.reviewed += not entry.covered and entry.review is not None
        summary.inferred += entry.covered_only_by_inference
    return list(levels.values())


def build_coverage(
    register,
    *,
    sources: Iterable[ElementText],
    targets: Iterable[ElementText],
    links: Iterable[AnyLink],
    reviews: Iterable[Review] = (),
    inferred: Iterable = (),
) -> Coverage:
    """Coverage from rows already in hand: the rules themselves, with no queries."""
    sources = tree_order(sorted(sources, key=lambda e: (e.position, e.code)))
    targets = tree_order(sorted(targets, key=lambda e: (e.position, e.code)))
    by_id = {element.pk: element for element in [*sources, *targets]}
    source_entries = {e.pk: ElementCoverage(e, is_source=True) for e in sources}
    target_entries = {e.pk: ElementCoverage(e, is_source=False) for e in targets}
    links = list(links)
    for link in links:
        # Attach the elements already loaded, so templates follow link.source for free.
        link.source = by_id[link.source_id]
        link.target = by_id[link.target_id]
        for entries, element_id in (
            (source_entries, link.source_id),
            (target_entries, link.target_id),
        ):
            entries[element_id].direct.append(link)
            ancestor_id = by_id[element_id].parent_id
            while ancestor_id is not None:
                entries[ancestor_id].through.append(link)
                ancestor_id = by_id[ancestor_id].parent_id
    for review in reviews:
        entry = source_entries.get(review.element_id) or target_entries.get(review.element_id)
        if entry is not None:
            entry.review = review
    inferred = [link for link in inferred if link.source_id in by_id and link.target_id in by_id]
    for link in inferred:
        for entries, element_id in ((source_entries, link.source_id),
                                    (target_entries, link.target_id)):  # fmt: skip
            entries[element_id].inferred.append(link)
            ancestor_id = by_id[element_id].parent_id
            while ancestor_id is not None:
                entries[ancestor_id].inferred_below.append(link)
                ancestor_id = by_id[ancestor_id].parent_id
    for element in by_id.values():
        if element.parent_id is not None:
            element.parent = by_id[element.parent_id]
    return Coverage(
        register=register,
        sources=[source_entries[e.pk] for e in sources],
        targets=[target_entries[e.pk] for e in targets],
        link_count=len(links),
        inferred=inferred,
        unapproved=sum(1 for link in links if not getattr(link, "is_approved", True)),
    )
