"""How far one framework covers the other, computed from the links.

A standard statement is covered when at least one link targets it. An element with children
is covered *directly* when a link targets it, and *through* its children when a link targets
one of its descendants; the two are reported separately, never blurred. The same rules apply
to behaviours and their descriptors. Everything comes from three queries, whatever the size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mapping.models import Link, Mapping, Relation, ReviewedGap
from standards.models import Element, tree_order


@dataclass
class ElementCoverage:
    element: Element
    is_behaviour: bool
    direct: list[Link] = field(default_factory=list)
    through: list[Link] = field(default_factory=list)
    review: ReviewedGap | None = None

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
                self.mapping.behaviours_framework.name
                if entry.is_behaviour
                else self.mapping.standards_framework.name,
                element.level_label,
                element.code,
                element.title,
                element.parent.code if element.parent_id else "",
                entry.status,
                len(entry.direct),
                len(entry.through),
                shown_review.reason if shown_review else "",
                _who(shown_review) if shown_review else "",
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


def _who(review: ReviewedGap) -> str:
    user = review.decided_by
    return (user.get_full_name() or user.get_username()) if user else "unknown"


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


def compute_coverage(mapping: Mapping) -> Coverage:
    """The mapping's coverage, both ways: four queries whatever the register's size."""
    return build_coverage(
        mapping,
        behaviours=mapping.behaviours_framework.elements.current(),
        standards=mapping.standards_framework.elements.current(),
        links=mapping.links.current().order_by("pk"),
        reviews=mapping.reviewed_gaps.select_related("decided_by"),
    )


def build_coverage(
    mapping: Mapping,
    *,
    behaviours: Iterable[Element],
    standards: Iterable[Element],
    links: Iterable[Link],
    reviews: Iterable[ReviewedGap] = (),
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
        mapping=mapping,
        behaviours=[behaviour_entries[e.pk] for e in behaviours],
        standards=[standard_entries[e.pk] for e in standards],
        link_count=len(links),
    )


RELATION_SYMBOLS = {
    "same_as": "=",
    "fully_covers": "●",
    "partly_covers": "◐",
    "closely_matches": "≈",
    "supports": "+",
}


@dataclass
class Axis:
    """One row or column of the matrix: an element shown at some depth."""

    entry: ElementCoverage
    depth: int
    has_children: bool
    expanded: bool

    @property
    def element(self) -> Element:
        return self.entry.element


@dataclass
class Cell:
    row: Axis
    column: Axis
    links: list[Link]

    @property
    def heat(self) -> int:
        """0 to 4, for the colour scale; the count is always printed too."""
        count = len(self.links)
        return 0 if count == 0 else 1 if count == 1 else 2 if count == 2 else 3 if count < 5 else 4

    @property
    def relation_counts(self) -> list[tuple[str, str, int]]:
        """(symbol, label, count) for each relation present, strongest first."""
        counts = {value: 0 for value in Relation.values}
        for link in self.links:
            counts[link.relation] += 1
        return [
            (RELATION_SYMBOLS[relation.value], relation.label, counts[relation.value])
            for relation in Relation
            if counts[relation.value]
        ]


@dataclass
class Matrix:
    rows: list[Axis]
    columns: list[Axis]
    grid: list[tuple[Axis, list[Cell], int]]  # each row, its cells, its total
    column_totals: list[int]
    total: int

    def cell(self, row_code: str, column_code: str) -> Cell | None:
        for row, cells, _total in self.grid:
            if row.element.code == row_code:
                return next((c for c in cells if c.column.element.code == column_code), None)
        return None


def _axes(entries: list[ElementCoverage], expanded: set[str]) -> tuple[list[Axis], dict[int, int]]:
    """The visible rows (or columns) and, for every element, the visible one it counts under.

    Top-level elements are always shown; the children of an expanded element are shown
    after it. A collapsed element gathers everything below it.
    """
    children: dict[int | None, list[Element]] = {}
    entry_of = {entry.element.pk: entry for entry in entries}
    for entry in entries:
        children.setdefault(entry.element.parent_id, []).append(entry.element)
    axes: list[Axis] = []
    shown_as: dict[int, int] = {}

    def gather(element: Element, into: int) -> None:
        shown_as[element.pk] = into
        for child in children.get(element.pk, []):
            gather(child, into)

    def show(elements: list[Element], depth: int) -> None:
        for element in elements:
            kids = children.get(element.pk, [])
            is_open = element.code in expanded and bool(kids)
            axes.append(Axis(entry_of[element.pk], depth, bool(kids), is_open))
            shown_as[element.pk] = element.pk
            if is_open:
                show(kids, depth + 1)
            else:
                for kid in kids:
                    gather(kid, element.pk)

    show(children.get(None, []), 0)
    return axes, shown_as


def build_matrix(coverage: Coverage, expanded: set[str]) -> Matrix:
    """Behaviours down, standards across; every link in exactly one cell."""
    rows, row_of = _axes(coverage.behaviours, expanded)
    columns, column_of = _axes(coverage.standards, expanded)
    row_index = {axis.element.pk: i for i, axis in enumerate(rows)}
    column_index = {axis.element.pk: i for i, axis in enumerate(columns)}
    cells = [[Cell(row, column, []) for column in columns] for row in rows]
    seen = set()
    for entry in coverage.behaviours:
        for link in entry.direct:
            if link.pk in seen:
                continue
            seen.add(link.pk)
            r = row_index[row_of[link.behaviour_id]]
            c = column_index[column_of[link.standard_id]]
            cells[r][c].links.append(link)
    grid = [
        (row, row_cells, sum(len(c.links) for c in row_cells))
        for row, row_cells in zip(rows, cells, strict=True)
    ]
    column_totals = [
        sum(len(cells[r][c].links) for r in range(len(rows))) for c in range(len(columns))
    ]
    return Matrix(rows, columns, grid, column_totals, total=len(seen))


def map_nodes_and_edges(coverage: Coverage) -> tuple[list[dict], list[dict]]:
    """The register as a graph: a node for every element, an edge for every link."""
    nodes = []
    for entries, prefix, kinds in (
        (coverage.behaviours, "b", ("behaviour", "descriptor")),
        (coverage.standards, "s", ("characteristic", "statement")),
    ):
        for entry in entries:
            element = entry.element
            top = element
            while top.parent_id is not None:
                top = top.parent
            nodes.append(
                {
                    "id": f"{prefix}:{element.code}",
                    "code": element.code,
                    "label": f"{element.code} {element.title}",
                    "title": element.title,
                    "kind": kinds[0] if element.parent_id is None else kinds[1],
                    "level": element.level_label,
                    "description": element.description,
                    "parent": f"{prefix}:{element.parent.code}" if element.parent_id else None,
                    "cluster": f"{prefix}:{top.code}",
                    "element": element,
                }
            )
    edges = [
        {
            "id": f"link:{link.pk}",
            "source": f"b:{link.behaviour.code}",
            "target": f"s:{link.standard.code}",
            "relation": link.relation,
            "relation_label": link.get_relation_display(),
            "rationale": link.rationale,
            "example": link.example,
        }
        for entry in coverage.behaviours
        for link in entry.direct
    ]
    return nodes, edges
