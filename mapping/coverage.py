"""How far one framework covers the other, computed from the links.

A standard statement is covered when at least one link targets it. An element with children
is covered *directly* when a link targets it, and *through* its children when a link targets
one of its descendants; the two are reported separately, never blurred. The same rules apply
to behaviours and their descriptors. These are the rules alone, over rows already in hand:
a register (mapping/register.py) supplies them, live or frozen in an edition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mapping.models import EditionGap, ReviewedGap
from mapping.models.link_rows import LinkClaim
from standards.models import ElementText, tree_order

# Elements, links and reviews are live rows or an edition's frozen copies: both kinds name
# their fields alike (code, title, parent_id; behaviour_id, standard_id, relation; reason).
Review = ReviewedGap | EditionGap


@dataclass
class ElementCoverage:
    element: ElementText
    is_behaviour: bool
    direct: list[LinkClaim] = field(default_factory=list)
    through: list[LinkClaim] = field(default_factory=list)
    review: Review | None = None

    def partner(self, link: LinkClaim) -> ElementText:
        """The element at the other end of one of this element's links."""
        return link.standard if self.is_behaviour else link.behaviour

    def origin(self, link: LinkClaim) -> ElementText:
        """This element, or the one under it, that the link is made to."""
        return link.behaviour if self.is_behaviour else link.standard

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
        deliberately left unlinked, or not yet reviewed."""
        if self.covered_directly:
            return "covered directly"
        if self.covered_through_children:
            return "covered through what sits under it"
        if self.review is not None:
            return "reviewed and left unlinked"
        return "not yet reviewed"

    @property
    def links(self) -> list[LinkClaim]:
        """Every link of this element and those under it, in the other framework's order."""
        return sorted(
            self.direct + self.through,
            key=lambda link: (self.partner(link).tree_index, self.origin(link).tree_index),
        )

    @property
    def links_by_origin(self) -> list[LinkClaim]:
        """The same links, grouped by the element they are made to, this one first."""
        return sorted(
            self.direct + self.through,
            key=lambda link: (self.origin(link).tree_index, self.partner(link).tree_index),
        )

    @property
    def partners(self) -> list[ElementText]:
        """The elements on the other side that this one is linked to, each once, in order."""
        return list({self.partner(link).pk: self.partner(link) for link in self.links}.values())


@dataclass
class LevelSummary:
    """Coverage of every element of one level (say "Standard statement") of a framework."""

    label: str
    total: int = 0
    covered: int = 0
    direct: int = 0
    through: int = 0
    reviewed: int = 0

    @property
    def percent(self) -> int:
        """Covered, as a whole percentage, rounded down so 99.6% never reads as complete."""
        return 100 * self.covered // self.total if self.total else 0

    @property
    def not_reviewed(self) -> int:
        return self.uncovered - self.reviewed

    @property
    def uncovered(self) -> int:
        return self.total - self.covered


@dataclass
class Coverage:
    register: Any  # says its frameworks' names: register.behaviours_framework.name
    behaviours: list[ElementCoverage]
    standards: list[ElementCoverage]
    link_count: int

    @property
    def top_behaviours(self) -> list[ElementCoverage]:
        return [entry for entry in self.behaviours if entry.element.parent_id is None]

    @property
    def top_standards(self) -> list[ElementCoverage]:
        return [entry for entry in self.standards if entry.element.parent_id is None]

    @property
    def behaviour_levels(self) -> list[LevelSummary]:
        return _summarise(self.behaviours)

    @property
    def standard_levels(self) -> list[LevelSummary]:
        return _summarise(self.standards)

    @property
    def uncovered_standards(self) -> list[ElementCoverage]:
        return [entry for entry in self.standards if not entry.covered]

    @property
    def unlinked_behaviours(self) -> list[ElementCoverage]:
        return [entry for entry in self.behaviours if not entry.covered]

    @property
    def standards_covered_only_through_children(self) -> list[ElementCoverage]:
        return [e for e in self.standards if e.covered_through_children and not e.covered_directly]

    def csv_rows(self) -> Iterable[list[str | int]]:
        """The report as rows, header first: one row for every element of both frameworks."""
        yield [
            "framework", "level", "code", "title", "part of", "status", "direct links",
            "links through what sits under it", "reason left unlinked", "decided by",
            "decided on",
        ]  # fmt: skip
        for entry in [*self.behaviours, *self.standards]:
            element, review = entry.element, entry.review
            shown_review = review if not entry.covered else None
            yield [
                self.register.behaviours_framework.name
                if entry.is_behaviour
                else self.register.standards_framework.name,
                element.level_label,
                element.code,
                element.title,
                element.parent.code if element.parent_id else "",
                entry.status,
                len(entry.direct),
                len(entry.through),
                shown_review.reason if shown_review else "",
                (shown_review.decided_by_name or "unknown") if shown_review else "",
                shown_review.decided_at.date().isoformat() if shown_review else "",
            ]

    def children_of(self, entry: ElementCoverage) -> list[ElementCoverage]:
        side = self.behaviours if entry.is_behaviour else self.standards
        return [other for other in side if other.element.parent_id == entry.element.pk]

    @property
    def top_behaviours_with_children(self) -> list[tuple[ElementCoverage, list[ElementCoverage]]]:
        return [(entry, self.children_of(entry)) for entry in self.top_behaviours]

    @property
    def top_standards_with_children(self) -> list[tuple[ElementCoverage, list[ElementCoverage]]]:
        return [(entry, self.children_of(entry)) for entry in self.top_standards]


def _summarise(entries: list[ElementCoverage]) -> list[LevelSummary]:
    levels: dict[str, LevelSummary] = {}
    for entry in entries:
        label = entry.element.level_label
        summary = levels.setdefault(label, LevelSummary(label))
        summary.total += 1
        summary.covered += entry.covered
        summary.direct += entry.covered_directly
        summary.through += entry.covered_through_children
        summary.reviewed += not entry.covered and entry.review is not None
    return list(levels.values())


def build_coverage(
    register,
    *,
    behaviours: Iterable[ElementText],
    standards: Iterable[ElementText],
    links: Iterable[LinkClaim],
    reviews: Iterable[Review] = (),
) -> Coverage:
    """Coverage from rows already in hand: the rules themselves, with no queries."""
    behaviours = tree_order(sorted(behaviours, key=lambda e: (e.position, e.code)))
    standards = tree_order(sorted(standards, key=lambda e: (e.position, e.code)))
    by_id = {element.pk: element for element in [*behaviours, *standards]}
    behaviour_entries = {e.pk: ElementCoverage(e, is_behaviour=True) for e in behaviours}
    standard_entries = {e.pk: ElementCoverage(e, is_behaviour=False) for e in standards}
    links = list(links)
    for link in links:
        # Attach the elements already loaded, so templates follow link.behaviour for free.
        link.behaviour = by_id[link.behaviour_id]
        link.standard = by_id[link.standard_id]
        for entries, element_id in (
            (behaviour_entries, link.behaviour_id),
            (standard_entries, link.standard_id),
        ):
            entries[element_id].direct.append(link)
            ancestor_id = by_id[element_id].parent_id
            while ancestor_id is not None:
                entries[ancestor_id].through.append(link)
                ancestor_id = by_id[ancestor_id].parent_id
    for review in reviews:
        entry = behaviour_entries.get(review.element_id) or standard_entries.get(review.element_id)
        if entry is not None:
            entry.review = review
    for element in by_id.values():
        if element.parent_id is not None:
            element.parent = by_id[element.parent_id]
    return Coverage(
        register=register,
        behaviours=[behaviour_entries[e.pk] for e in behaviours],
        standards=[standard_entries[e.pk] for e in standards],
        link_count=len(links),
    )
