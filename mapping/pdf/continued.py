"""One structure element for each HTML element, however many pages it spans.

WeasyPrint tags a PDF page by page: a section, a table or a list that runs over three pages
becomes three elements in the structure tree, and a table's header row, repeated on each
page it continues on, is read out again each time. So a screen reader announces a new table
on every page. Here the elements that continue one another are joined again: while a part
is laid out, each element WeasyPrint makes is marked with the HTML element it comes from
(KEY); afterwards, where two neighbours in the tree come from the same HTML element and sit
on different pages, the second's contents move into the first. A table's repeated header
rows become artifacts (what is printed for the eye, not read), and the cells under them
name the first page's header cells instead.

An HTML element with data-struct="name" keeps its mark until the parts are joined, so that
one section laid out in several parts (the link table) is one section of the joined PDF.
No Django here: workers import the module beside parts.py.
"""

from __future__ import annotations

import re

import pikepdf
from pikepdf import Array, Dictionary, Name

KEY = Name("/WeaveKey")
ACROSS_PARTS = "d:"  # the prefix of a mark kept for the join
# Where WeasyPrint's marked content begins ("/P <</MCID 3>> BDC").
MARKED = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
# The HTML elements whose boxes WeasyPrint may split over pages, as elements of the tree.
SPLIT = {
    "section", "nav", "div", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "dl",
    "li", "dd", "p", "blockquote", "main", "article",
}  # fmt: skip


def mark_elements() -> None:
    """Have WeasyPrint mark each structure element it makes with the HTML element it comes
    from. Idempotent; runs in each process that lays out a tagged PDF."""
    import pydyf
    from weasyprint.pdf import tags

    if getattr(tags._build_box_tree, "marks_elements", False):
        return
    build = tags._build_box_tree

    def marked(box, *args):
        for element in build(box, *args):
            html = getattr(box, "element", None)
            if html is not None and "WeaveKey" not in element and box.element_tag in SPLIT:
                name = html.get("data-struct")
                key = ACROSS_PARTS + name if name else f"{box.element_tag}:{id(html)}"
                element["WeaveKey"] = pydyf.String(key)
            yield element

    marked.marks_elements = True
    tags._build_box_tree = marked


def join_part(pdf: pikepdf.Pdf) -> None:
    """Join the elements of one laid-out part (or a whole document) that continue one
    another, and drop the marks, but those kept for the join of parts."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    joiner = _Joiner(pdf, tree)
    for top in _kids(tree):
        joiner.join(top)
    joiner.finish()
    for obj in pdf.objects:
        if (isinstance(obj, Dictionary) and KEY in obj
                and not str(obj[KEY]).startswith(ACROSS_PARTS)):  # fmt: skip
            del obj[KEY]


def join_parts(document: pikepdf.Pdf) -> None:
    """After the parts' trees are one: join the elements that continue from one part into
    the next (marked data-struct), and drop every mark left."""
    tree = document.Root.StructTreeRoot
    joiner = _Joiner(document, tree)
    for top in _kids(tree):
        joiner.join(top, deep=False)
        for kid in _kids(top):
            if isinstance(kid, Dictionary) and KEY in kid:
                del kid[KEY]
    joiner.finish()


def unlisted_as_artifacts(pdf: pikepdf.Pdf) -> None:
    """Content marked for an element that is not in the structure tree becomes an
    artifact: what WeasyPrint lays out in a page's margins (an evidence pack's "Page N of
    M") is tagged, but left out of the tree."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    listed, waiting = set(), _kids(tree)
    while waiting:
        node = waiting.pop()
        if isinstance(node, Dictionary) and node.get("/Type") == Name.StructElem:
            listed.add(node.objgen)
            waiting += _kids(node)
    joiner = _Joiner(pdf, tree)
    for page in pdf.pages:
        index = page.obj.get("/StructParents")
        owners = joiner.parents.get(int(index)) if index is not None else None
        for mcid, owner in enumerate(owners or []):
            if isinstance(owner, Dictionary) and owner.objgen not in listed:
                joiner.artifacts.setdefault(page.objgen, set()).add(mcid)
                joiner._owner(page.obj, mcid, None)
    joiner.finish()


class _Joiner:
    def __init__(self, pdf: pikepdf.Pdf, tree) -> None:
        self.pdf = pdf
        self.tree = tree
        nums = list(tree.ParentTree.get("/Nums", []))
        self.parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        self.slots = {int(nums[i]): i + 1 for i in range(0, len(nums), 2)}  # in /Nums
        self.pages = {page.objgen: page for page in pdf.pages}
        self.artifacts: dict[tuple[int, int], set[int]] = {}  # page's objgen: its MCIDs
        self.renamed: dict[str, str] = {}  # a repeated header cell's id: the first's
        self.removed: set[tuple[int, int]] = set()

    def join(self, node, deep: bool = True) -> None:
        """Join node's neighbouring kids that continue one another, then (deep) theirs."""
        kept: list = []
        for kid in _kids(node):
            before = _continued(kept, kid)
            if before is not None:
                self._absorb(before, kid)
            else:
                kept.append(kid)
        node.K = Array(kept)
        if deep:
            for kid in kept:
                if isinstance(kid, Dictionary) and KEY in kid:
                    self.join(kid)

    def _absorb(self, first, later) -> None:
        """Move later's contents into first (later is first continued on a next page)."""
        heads = [kid for kid in _kids(first) if _is(kid, "/THead")]
        moved, ahead = [], []
        for kid in _kids(later):
            if heads and _is(kid, "/THead"):
                self._repeated(heads[0], kid)
            elif _is(kid, "/THead"):  # no header on the first page (a row taller than it)
                kid.P = first
                ahead.append(kid)
                heads.append(kid)
            elif _is_mcid(kid):  # content on later's page: named with its page from now on
                self._owner(later.Pg, kid, first)
                moved.append(Dictionary(Type=Name.MCR, Pg=later.Pg, MCID=kid))
            else:
                kind = kid.get("/Type")
                if kind == Name.StructElem:
                    kid.P = first
                elif kind == Name.MCR:
                    self._owner(kid.Pg, int(kid.MCID), first)
                elif kind == Name.OBJR and "/StructParent" in kid.Obj:  # a link's annotation
                    self.tree.ParentTree.Nums[self.slots[int(kid.Obj.StructParent)]] = first
                moved.append(kid)
        first.K = Array([*ahead, *_kids(first), *moved])
        self.removed.add(later.objgen)

    def _repeated(self, head, again) -> None:
        """A table's header rows printed again on a next page: artifacts, their cells'
        ids the first header's, by position."""
        firsts = [str(cell.ID) for cell in _cells(head) if "/ID" in cell]
        agains = [str(cell.ID) for cell in _cells(again) if "/ID" in cell]
        self.renamed.update(zip(agains, firsts, strict=False))
        for element in _subtree(again):
            self.removed.add(element.objgen)
            page = element.get("/Pg")
            for kid in _kids(element):
                if page is not None and _is_mcid(kid):
                    self.artifacts.setdefault(page.objgen, set()).add(kid)
                    self._owner(page, kid, None)

    def _owner(self, page, mcid: int, element) -> None:
        index = self.pages[page.objgen].obj.get("/StructParents")
        owners = self.parents.get(int(index)) if index is not None else None
        if owners is not None and mcid < len(owners):
            owners[mcid] = element if element is not None else pikepdf.Object.parse(b"null")

    def finish(self) -> None:
        """Mark the repeated headers' content as artifacts, point cells at the first
        headers, and keep the id tree to the elements still in the tree."""
        for objgen, mcids in self.artifacts.items():
            page = self.pages[objgen]

            def unmarked(found, mcids=mcids) -> bytes:
                return b"/Artifact BMC" if int(found.group(1)) in mcids else found.group(0)

            page.Contents.write(MARKED.sub(unmarked, page.Contents.read_bytes()))
        if self.renamed:
            for cell in self.pdf.objects:
                if isinstance(cell, Dictionary) and cell.get("/S") == Name.TD:
                    attributes = cell.get("/A")
                    if isinstance(attributes, Dictionary) and "/Headers" in attributes:
                        attributes.Headers = Array(
                            pikepdf.String(self.renamed.get(str(h), str(h)))
                            for h in attributes.Headers
                        )
        ids = self.tree.get("/IDTree")
        if ids is not None and self.removed:
            names = list(ids.Names)
            kept = [
                value
                for i in range(0, len(names), 2)
                if names[i + 1].objgen not in self.removed
                for value in (names[i], names[i + 1])
            ]
            ids.Names = Array(kept)


def _continued(kept: list, kid):
    """The element kid continues on a next page: the last one kept, or the one before the
    lists that follow it (WeasyPrint puts a nested list beside its list item, not in it)."""
    if not (isinstance(kid, Dictionary) and KEY in kid and kid.get("/Pg") is not None):
        return None
    for before in reversed(kept):
        if (isinstance(before, Dictionary) and KEY in before and before.get("/Pg") is not None
                and str(before[KEY]) == str(kid[KEY])):  # fmt: skip
            return before if before.Pg.objgen != kid.Pg.objgen else None
        if not _is(before, "/L"):
            return None
    return None


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _is(node, kind: str) -> bool:
    return isinstance(node, Dictionary) and node.get("/S") == Name(kind)


def _is_mcid(kid) -> bool:
    """A kid that is marked content on the element's own page (pikepdf gives its number
    as an int)."""
    return isinstance(kid, int) and not isinstance(kid, bool)


def _subtree(element):
    yield element
    for kid in _kids(element):
        if isinstance(kid, Dictionary) and kid.get("/Type") == Name.StructElem:
            yield from _subtree(kid)


def _cells(head):
    return [element for element in _subtree(head) if _is(element, "/TH")]
