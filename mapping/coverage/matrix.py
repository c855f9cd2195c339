"""The coverage matrix: sources down (behaviours, say), targets across (standards), every link
in exactly one cell.

Rows and columns open to show what sits under them; a closed one gathers its subtree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mapping.coverage.rules import Coverage, ElementCoverage
from mapping.models import Relation
from mapping.models.link_rows import LinkClaim
from standards.models import ElementText

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
    def element(self) -> ElementText:
        return self.entry.element


@dataclass
class Cell:
    row: Axis
    column: Axis
    links: list[LinkClaim]
    # links inferred through a crosswalk, not reviewed: shown apart, never counted
    inferred: list = field(default_factory=list)

    @property
    def inferred_through(self) -> str:
        """The elements they go through, in words: "INT.4, KNO"."""
        return ", ".join(sorted({link.via_code for link in self.inferred}))

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
    children: dict[int | None, list[ElementText]] = {}
    entry_of = {entry.element.pk: entry for entry in entries}
    for entry in entries:
        children.setdefault(entry.element.parent_id, []).append(entry.element)
    axes: list[Axis] = []
    shown_as: dict[int, int] = {}

    def gather(element: ElementText, into: int) -> None:
        shown_as[element.pk] = into
        for child in children.get(element.pk, []):
            gather(child, into)

    def show(elements: list[ElementText], depth: int) -> None:
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
    """Sources down (behaviours, say), targets across (standards); every link in exactly
    one cell."""
    rows, row_of = _axes(coverage.sources, expanded)
    columns, column_of = _axes(coverage.targets, expanded)
    row_index = {axis.element.pk: i for i, axis in enumerate(rows)}
    column_index = {axis.element.pk: i for i, axis in enumerate(columns)}
    cells = [[Cell(row, column, []) for column in columns] for row in rows]
    seen = set()
    for entry in coverage.sources:
        for link in entry.direct:
            if link.pk in seen:
                continue
            seen.add(link.pk)
            r = row_index[row_of[link.source_id]]
            c = column_index[column_of[link.target_id]]
            cells[r][c].links.append(link)
    for link in coverage.inferred:
        if link.source_id in row_of and link.target_id in column_of:
            r = row_index[row_of[link.source_id]]
            c = column_index[column_of[link.target_id]]
            cells[r][c].inferred.append(link)
    grid = [
        (row, row_cells, sum(len(c.links) for c in row_cells))
        for row, row_cells in zip(rows, cells, strict=True)
    ]
    column_totals = [
        sum(len(cells[r][c].links) for r in range(len(rows))) for c in range(len(columns))
    ]
    return Matrix(rows, columns, grid, column_totals, total=len(seen))
