"""The register: one mapping, live or as one of its editions, behind one interface.

Every page, download and export reads a register and never asks which kind it is: its two
frameworks (the source and the target) and their elements in tree order, an element by
code, its links filtered and sorted, one link, its coverage, its reviewed gaps, its words
and its addresses. A live register (live.py) reads the live tables; an edition's
(edition.py) reads its frozen rows, through the same QuerySet methods.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import cached_property
from typing import TypeVar

from django.db import models

from mapping.caching.versioning import per_version
from mapping.coverage.rules import Coverage, PlainLink, build_coverage
from mapping.models import Edition, LinkSort, Mapping
from mapping.models.inference import InferredLink
from mapping.models.link_rows import Side
from mapping.models.search import terms
from mapping.register.addresses import FRAMEWORK_FORMATS, RegisterUrls
from mapping.register.filters import LinkFilter, LinkSection
from mapping.register.standing import Standing
from mapping.register.words import Words
from standards.models import tree_order

T = TypeVar("T")
SIDES = (Side.SOURCE, Side.TARGET)
# The largest id a database row can have (a 64-bit integer).
MAX_ID = 2**63 - 1


class Register:
    """What every register offers; LiveRegister and EditionRegister say where its rows come
    from, and set mapping, edition, name, slug, organisation, description, guide_intro and
    both frameworks."""

    mapping: Mapping
    edition: Edition | None = None
    is_live = False
    statuses: tuple[str, ...] = ()  # the link statuses one may filter by
    source_framework: object
    target_framework: object

    # Where the rows come from --------------------------------------------------------
    def _elements(self) -> models.QuerySet:
        raise NotImplementedError

    def _links(self) -> models.QuerySet:
        raise NotImplementedError

    def _one_link(self, link_id: int):
        raise NotImplementedError

    def reviewed_gaps(self) -> list:
        raise NotImplementedError

    @cached_property
    def gap_decisions(self) -> dict:
        """Each decision to leave an element unlinked, by the element's id."""
        return {gap.element_id: gap for gap in self.reviewed_gaps()}

    def _inferred(self) -> list[InferredLink]:
        """The links inferred through crosswalks that this register has not made."""
        raise NotImplementedError

    def with_paths(self, links: list[InferredLink]) -> list[InferredLink]:
        """These inferred links with their paths (path_list), strongest first."""
        raise NotImplementedError

    def history_of(self, subject) -> list | None:
        """The recent recorded changes of an element or link; None where the register
        keeps no history (an edition never changes)."""
        return None

    def standing(self, subject) -> Standing | None:
        """How a link's or element's page stands against the version one might cite
        instead: a live page against the latest edition, a pinned one against the live."""
        raise NotImplementedError

    def file_name(self, what: str, extension: str, *, dated: date | datetime) -> str:
        raise NotImplementedError

    # The frameworks, and what the register calls them --------------------------------
    def framework(self, side: str):
        return self.source_framework if side == Side.SOURCE else self.target_framework

    def side_of(self, framework_slug: str) -> Side | None:
        """Which end of the register the framework with this slug is, if either."""
        return next((side for side in SIDES if self.framework(side).slug == framework_slug), None)

    @cached_property
    def words(self) -> Words:
        return Words.of(self.source_framework, self.target_framework,
                        lambda side: [e for e in self.elements(side) if e.depth == 0])  # fmt: skip

    @cached_property
    def urls(self) -> RegisterUrls:
        slugs = {side: self.framework(side).slug for side in SIDES}
        return RegisterUrls(self.mapping, self.edition.number if self.edition else None, slugs)

    @cached_property
    def downloads(self) -> list[tuple[str, str, str]]:
        """(what, format, address) of each export of the register, and of its frameworks."""
        return [
            *self.urls.register_downloads,
            *(
                (f"The {self.words.many(side)} framework", label,
                 self.urls.framework_download(side, extension))
                for side in SIDES
                for label, extension in FRAMEWORK_FORMATS
            ),
        ]  # fmt: skip

    def kept(self, name: str, build: Callable[[], T]) -> T:
        """What build() makes of this register, made once per version of it and kept by
        the process (an edition's for good: it never changes)."""
        edition = self.edition
        key = (name, self.mapping.pk, self.urls.home, edition and (edition.pk, edition.digest))
        return per_version(key, build, self.mapping.slug, frozen=edition is not None)

    # Elements --------------------------------------------------------------------------
    @cached_property
    def _tree(self) -> dict[str, list]:
        """Both frameworks' elements in tree order, each with its address and parent:
        built once per version of the register, and kept (an edition's for good)."""
        return self.kept("tree", self._build_tree)

    def _build_tree(self) -> dict[str, list]:
        sides_by_framework = {self.framework(side).pk: side for side in SIDES}
        sides: dict[str, list] = {side: [] for side in SIDES}
        for element in self._elements().order_by("position", "code"):
            sides[sides_by_framework[element.framework_id]].append(element)
        for side, elements in sides.items():
            sides[side] = tree_order(elements)
            framework = self.framework(side)
            for element in elements:
                element.framework = framework
                element.side = side
                element.url = self.urls.element(side, element.code)
        index = {element.pk: element for elements in sides.values() for element in elements}
        for element in index.values():
            if element.parent_id in index:
                element.parent = index[element.parent_id]
        return sides

    @cached_property
    def _index(self) -> dict[int, object]:
        return {element.pk: element for side in SIDES for element in self._tree[side]}

    def elements(self, side: str) -> list:
        return self._tree[side]

    def element(self, side: str, code: str):
        """The element with this code, or None."""
        return next((e for e in self._tree[side] if e.code == code), None)

    def children(self, element) -> list:
        return [e for e in self._tree[element.side] if e.parent_id == element.pk]

    def subtree(self, element) -> list:
        """The element and everything under it, in tree order (one run of the tree)."""
        start = getattr(element, "tree_index", None)
        found = [element]
        if start is None:
            return found
        for other in self._tree[element.side][start + 1 :]:
            if other.depth <= element.depth:
                break
            found.append(other)
        return found

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

    # Coverage, and what is inferred ----------------------------------------------------
    @cached_property
    def coverage(self) -> Coverage:
        return build_coverage(
            self,
            sources=self.elements(Side.SOURCE),
            targets=self.elements(Side.TARGET),
            links=self.plain_links(),
            reviews=self.reviewed_gaps(),
            inferred=self.inferred,
        )

    @cached_property
    def approved_coverage(self) -> Coverage:
        """Coverage counting approved links alone, as an edition does: the live register's
        drafts and proposals left out (an edition's coverage is this already)."""
        if not self.is_live:
            return self.coverage
        return build_coverage(
            self,
            sources=self.elements(Side.SOURCE),
            targets=self.elements(Side.TARGET),
            links=[link for link in self.plain_links() if link.is_approved],
            reviews=self.reviewed_gaps(),
            inferred=self.inferred,
        )

    @cached_property
    def inferred(self) -> list[InferredLink]:
        """Links inferred through crosswalks that the register has not made (nor dismissed),
        each with its two elements and the strongest path's element: worked out once per
        version of the register (and of the registers it infers through), and kept."""
        found = []
        for link in self.kept("inferred", self._inferred):
            if link.source_id in self._index and link.target_id in self._index:
                link.source = self._index[link.source_id]
                link.target = self._index[link.target_id]
                found.append(link)
        return found

    def inferred_as_kept(self) -> list[InferredLink]:
        """The inferred links as kept, their elements by id only: for counting, without
        reading the register's elements."""
        return self.kept("inferred", self._inferred)

    def inferred_of(self, element, at_most: int) -> tuple[list[InferredLink], int]:
        """The first links (at most so many, with their paths) inferred to or from this
        element and what sits under it, in the other framework's order; and how many."""
        low, high = self.rank_range(element.side, element.code)
        end, other = ("source", "target") if element.side == Side.SOURCE else ("target", "source")
        found = [link for link in self.inferred
                 if low <= (getattr(link, end).tree_rank or 0) <= high]  # fmt: skip
        found.sort(
            key=lambda link: (getattr(link, other).tree_index, getattr(link, end).tree_index)
        )
        return self.with_paths(found[:at_most]), len(found)

    # Links -------------------------------------------------------------------------------
    def links(self, chosen: LinkFilter | None = None) -> models.QuerySet:
        """The links chosen (all of them by default), in the order chosen, as a QuerySet to
        count or slice: the same rules for every register."""
        chosen = chosen or LinkFilter()
        links = self._links()
        if chosen.source:
            links = links.touching_sources(self.rank_range(Side.SOURCE, chosen.source))
        if chosen.target:
            links = links.touching_targets(self.rank_range(Side.TARGET, chosen.target))
        if chosen.relation:
            links = links.with_relation(chosen.relation)
        if chosen.status and chosen.status in self.statuses:
            links = links.with_status(chosen.status)
        if chosen.text:
            links = self._matching(links, terms(chosen.text))
        return links.sorted_by(chosen.sort)

    def _matching(self, links: models.QuerySet, words: list[str]) -> models.QuerySet:
        """Links holding every word, where a word is held by the link's own text or by an
        element it sits under: "Advocate" finds the links to Advocate's statements too."""
        wide = {word: under for word in words if (under := self._under_named(word))}
        if plain := [word for word in words if word not in wide]:
            links = links.matching_terms(plain)
        for word, under in wide.items():
            own = self._links().matching_terms([word]).values("pk")
            links = links.filter(under | models.Q(pk__in=own))
        return links

    def _under_named(self, word: str) -> models.Q | None:
        """Links under an element with others under it whose code or title holds word (of
        three letters or more), as runs of tree ranks; None when no such element."""
        if len(word) < 3:
            return None
        needle, found = word.casefold(), models.Q()
        for side in Side:
            for element in self._tree[side]:
                if needle in element.code.casefold() or needle in element.title.casefold():
                    low, high = self.rank_range(side, element.code)
                    if low < high:
                        found |= models.Q(**{f"{side.value}_rank__range": (low, high)})
        return found or None

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
        side = Side(element.side)
        chosen = LinkFilter(**{side.value: element.code}, sort=LinkSort(side.other.value))
        heads = [element, *self.children(element)]
        section_of = {head.pk: index for index, head in enumerate(heads)}

        def section(element_id: int) -> int:
            while element_id not in section_of and element_id in self._index:
                element_id = self._index[element_id].parent_id
            return section_of.get(element_id, 0)

        listed: list[list[int]] = [[] for _ in heads]
        totals = [0] * len(heads)
        for pk, owner in self.links(chosen).values_list("pk", f"{side.value}_id"):
            index = section(owner)
            totals[index] += 1
            if totals[index] <= at_most:
                listed[index].append(pk)
        rows = {link.pk: link for link in self.rows_by_id([pk for ids in listed for pk in ids])}
        # What nothing covers (the element, when none of its sections has a link; an element
        # under it with none) says so, with the decision to leave it so where there is one.
        bare = {head.pk for head, total in zip(heads[1:], totals[1:], strict=True) if not total}
        bare |= set() if any(totals) else {element.pk}
        decided = self.gap_decisions if bare else {}
        return [
            LinkSection(head, [rows[pk] for pk in ids if pk in rows], total,
                        decided.get(head.pk) if head.pk in bare else None)
            for head, ids, total in zip(heads, listed, totals, strict=True)
        ]  # fmt: skip

    def plain_links(self) -> list[PlainLink]:
        """Every link as a plain row with its address, from one narrow query: what the
        pages that read the whole register count and draw, with no model instance per link.
        Coverage gives each row its elements."""
        links = self._links().order_by("pk")
        address = self.urls.link
        fields = ("pk", links.model.stable_id, "source_id", "target_id", "relation",
                  "rationale", "example")  # fmt: skip
        if not self.is_live:  # an edition's links were all approved
            return [PlainLink(*row, url=address(row[1])) for row in links.values_list(*fields)]
        return [PlainLink(*row, url=address(row[1]), status=status)
                for *row, status in links.values_list(*fields, "status")]  # fmt: skip

    def link(self, link_id: int):
        """One link by its id (the same live and in every edition), or None. A live
        register finds retired links too: their pages stay."""
        if not 0 < link_id <= MAX_ID:  # no such row, and more than a database can compare
            return None
        link = self._one_link(link_id)
        return None if link is None else self.show(link)

    def show(self, link):
        """A link loaded with its elements and their parents, given their addresses here."""
        for side in SIDES:
            element = link.end(side)
            for node in (element, element.parent):
                if node is not None:
                    node.side, node.url = side, self.urls.element(side, node.code)
                    node.framework = self.framework(side)
        link.url = self.urls.link(link.link_id)
        return link

    def _attach(self, link):
        link.source = self._index[link.source_id]
        link.target = self._index[link.target_id]
        link.url = self.urls.link(link.link_id)
        return link
