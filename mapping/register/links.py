"""A register's links: chosen and sorted by one set of rules for every register, then
fetched complete and ready to show. Register (mapping/register.py) takes these from here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from mapping.coverage.rules import PlainLink
from mapping.models import LinkSort
from mapping.register.addresses import BEHAVIOURS, STANDARDS


@dataclass(frozen=True)
class LinkFilter:
    """Which of a register's links to show, and in what order: element codes include
    everything under them."""

    behaviour: str = ""
    standard: str = ""
    relation: str = ""
    status: str = ""
    text: str = ""
    sort: str = LinkSort.BEHAVIOUR

    @property
    def is_filtered(self) -> bool:
        return any((self.behaviour, self.standard, self.relation, self.status, self.text))


@dataclass(frozen=True)
class LinkSection:
    """The first of the links made to one element (or to what sits under it) that a page
    lists, and how many there are in all: the link table lists every one."""

    element: object
    links: list
    total: int

    @property
    def unlisted(self) -> int:
        return self.total - len(self.links)


class RegisterLinks:
    """The link half of a register; the register supplies its elements and rows."""

    def rank_range(self, side: str, code: str) -> tuple[int, int]:
        """The tree ranks from the element with this code to the last element under it: a
        subtree is one run of ranks. An unknown code gives a range holding nothing."""
        elements = self._tree[side]
        root = self.element(side, code)
        if root is None or root.tree_rank is None or not hasattr(root, "tree_index"):
            return (1, 0)
        last = root
        for element in elements[root.tree_index + 1 :]:
            if element.depth <= root.depth:
                break
            last = element
        return (root.tree_rank, last.tree_rank)

    # Links -------------------------------------------------------------------------------
    def links(self, chosen: LinkFilter = LinkFilter()) -> models.QuerySet:
        """The links chosen, in the order chosen, as a QuerySet to count or slice: the
        same rules for every register."""
        links = self._links()
        if chosen.behaviour:
            links = links.touching_behaviours(self.rank_range(BEHAVIOURS, chosen.behaviour))
        if chosen.standard:
            links = links.touching_standards(self.rank_range(STANDARDS, chosen.standard))
        if chosen.relation:
            links = links.with_relation(chosen.relation)
        if chosen.status and chosen.status in self.statuses:
            links = links.with_status(chosen.status)
        if chosen.text:
            links = links.matching(chosen.text)
        return links.sorted_by(chosen.sort)

    def rows(self, links: models.QuerySet) -> list:
        """The links of a (sliced) selection, complete and ready to show. Sorting and
        slicing work on narrow rows; only the links shown are then fetched in full."""
        return self.rows_by_id(list(links.values_list("pk", flat=True)))

    def rows_by_id(self, ids: list[int]) -> list:
        """These links, complete and ready to show, in the order of ids."""
        return [self._attach(link) for link in self._links().in_id_order(ids)]

    def fetch(self, links: models.QuerySet) -> list:
        """Every link of a selection, complete and ready to show."""
        return [self._attach(link) for link in links]

    def all_links(self) -> list:
        return self.fetch(self._links().order_by("pk"))

    def link_sections(self, element, *, at_most: int) -> list[LinkSection]:
        """An element's links for its page: those made to it, then those through each
        element under it, each in the other framework's order and each cut to at_most.
        Two queries at any size: the narrow rows of them all, then the listed ones."""
        side = element.side
        other = STANDARDS if side == BEHAVIOURS else BEHAVIOURS
        chosen = LinkFilter(**{side[:-1]: element.code}, sort=LinkSort(other[:-1]))
        heads = [element, *self.children(element)]
        section_of = {head.pk: index for index, head in enumerate(heads)}

        def section(element_id: int) -> int:
            while element_id not in section_of and element_id in self._index:
                element_id = self._index[element_id].parent_id
            return section_of.get(element_id, 0)

        listed: list[list[int]] = [[] for _ in heads]
        totals = [0] * len(heads)
        for pk, owner in self.links(chosen).values_list("pk", f"{side[:-1]}_id"):
            index = section(owner)
            totals[index] += 1
            if totals[index] <= at_most:
                listed[index].append(pk)
        rows = {link.pk: link for link in self.rows_by_id([pk for ids in listed for pk in ids])}
        return [
            LinkSection(head, [rows[pk] for pk in ids if pk in rows], total)
            for head, ids, total in zip(heads, listed, totals, strict=True)
        ]

    def plain_links(self) -> list[PlainLink]:
        """Every link as a plain row with its address, from one narrow query: what the
        pages that read the whole register count and draw, with no model instance per link.
        Coverage gives each row its elements."""
        links = self._links().order_by("pk")
        address = self.urls.link
        fields = ("pk", links.model.stable_id, "behaviour_id", "standard_id", "relation",
                  "rationale", "example")  # fmt: skip
        return [PlainLink(*row, url=address(row[1])) for row in links.values_list(*fields)]

    def link(self, link_id: int):
        """One link by its id (the same live and in every edition), or None. A live
        register finds retired links too: their pages stay."""
        link = self._one_link(link_id)
        return None if link is None else self.show(link)

    def show(self, link):
        """A link loaded with its elements and their parents, given their addresses here."""
        for side, element in ((BEHAVIOURS, link.behaviour), (STANDARDS, link.standard)):
            for node in (element, element.parent):
                if node is not None:
                    node.side, node.url = side, self.urls.element(side, node.code)
        link.url = self.urls.link(link.link_id)
        return link

    def _attach(self, link):
        link.behaviour = self._index[link.behaviour_id]
        link.standard = self._index[link.standard_id]
        link.url = self.urls.link(link.link_id)
        return link
