"""How far one framework covers the other, computed from the links.

A standard statement is covered when at least one link targets it. An element with children
is covered *directly* when a link targets it, and *through* its children when a link targets
one of its descendants; the two are reported separately, never blurred. The same rules apply
to behaviours and their descriptors. Everything comes from three queries, whatever the size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mapping.models import Link, Mapping
from standards.models import Element


@dataclass
class ElementCoverage:
    element: Element
    is_behaviour: bool
    direct: list[Link] = field(default_factory=list)
    through: list[Link] = field(default_factory=list)

    def partner(self, link: Link) -> Element:
        """The element at the other end of one of this element's links."""
        return link.standard if self.is_behaviour else link.behaviour

    def origin(self, link: Link) -> Element:
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
    def links(self) -> list[Link]:
        """Every link of this element and those under it, in the other framework's order."""
        return sorted(
            self.direct + self.through,
            key=lambda link: (self.partner(link).tree_index, self.origin(link).tree_index),
        )

    @property
    def links_by_origin(self) -> list[Link]:
        """The same links, grouped by the element they are made to, this one first."""
        return sorted(
            self.direct + self.through,
            key=lambda link: (self.origin(link).tree_index, self.partner(link).tree_index),
        )

    @property
    def partners(self) -> list[Element]:
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

    @property
    def uncovered(self) -> int:
        return self.total - self.covered

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.uncovered == 0


@dataclass
class Coverage:
    mapping: Mapping
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
    return list(levels.values())


def compute_coverage(mapping: Mapping) -> Coverage:
    """The mapping's coverage, both ways: three queries whatever the register's size."""
    behaviours = mapping.behaviours_framework.elements.in_tree_order()
    standards = mapping.standards_framework.elements.in_tree_order()
    by_id = {element.pk: element for element in [*behaviours, *standards]}
    behaviour_entries = {e.pk: ElementCoverage(e, is_behaviour=True) for e in behaviours}
    standard_entries = {e.pk: ElementCoverage(e, is_behaviour=False) for e in standards}
    links = list(mapping.links.order_by("pk"))
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
    for element in by_id.values():
        if element.parent_id is not None:
            element.parent = by_id[element.parent_id]
    return Coverage(
        mapping=mapping,
        behaviours=[behaviour_entries[e.pk] for e in behaviours],
        standards=[standard_entries[e.pk] for e in standards],
        link_count=len(links),
    )
