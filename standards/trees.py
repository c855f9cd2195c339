"""Trees of elements, as plain functions on anything with pk and parent_id: the order a
framework is read in (depth-first) and the ids under an element. No database here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

E = TypeVar("E", bound=Any)


def tree_order(elements: Iterable[E]) -> list[E]:
    """Elements depth-first, siblings in the order given.

    Each gets .depth (0 at the top) and .tree_index (its place in this order).
    """
    elements = list(elements)
    children: dict[int | None, list[E]] = {}
    for element in elements:
        children.setdefault(element.parent_id, []).append(element)
    ids = {element.pk for element in elements}
    roots = [e for e in elements if e.parent_id is None or e.parent_id not in ids]
    ordered: list[E] = []
    waiting = [(root, 0) for root in reversed(roots)]  # a stack, not recursion: any depth
    while waiting:
        node, depth = waiting.pop()
        node.depth = depth
        node.tree_index = len(ordered)
        ordered.append(node)
        waiting += [(child, depth + 1) for child in reversed(children.get(node.pk, []))]
    return ordered


def subtree_ids(pairs: Iterable[tuple[int, int | None]], root_id: int) -> set[int]:
    """The ids of root_id and everything below it, from (id, parent_id) pairs."""
    children: dict[int | None, list[int]] = {}
    for element_id, parent_id in pairs:
        children.setdefault(parent_id, []).append(element_id)
    found = {root_id}
    frontier = [root_id]
    while frontier:
        below = [c for node in frontier for c in children.get(node, []) if c not in found]
        found.update(below)
        frontier = below
    return found
