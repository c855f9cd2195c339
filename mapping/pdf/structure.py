"""One structure tree for a PDF joined from parts laid out apart (mapping/pdf/parts.py).

Each part is written tagged by WeasyPrint: a structure tree (a /Document element whose kids
are the part's headings, paragraphs, tables and lists, each leaf naming its marked content
on a page), and a parent tree mapping each page's /StructParents and each link's
/StructParent to the elements that own them. Joined, the parts' pages keep their marked
content; this module gives the document one tree in their place: the parts' top-level
elements in order under one /Document, the parent trees renumbered into one, table header
ids made unique, and what is stamped on afterwards (running heads, page numbers) marked as
an artifact, so that a screen reader reads the pages' content and nothing else. Plus what
PDF/UA-1 asks of the document itself: language, title shown, marked, XMP identification.
No Django here: workers import the module beside parts.py.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name

ARTIFACT_START = b"/Artifact <</Type /Pagination>> BDC\n"


def finish_tables(pdf: pikepdf.Pdf, prefix: str) -> None:
    """WeasyPrint names a table's header cells "<table object number>-<row>-<column>":
    unique in one part, not across parts. Prefix them (and the cells' /Headers that point
    at them) with the part's own prefix, and give each header cell its /Scope: Weave's
    tables put column headers in their first row and row headers in their first column.
    Runs in the worker, on the part alone. The tree's /IDTree then finds each element by
    its id, as ISO 32000-1 (14.7.2) asks of a tree whose elements have ids."""
    ids = []
    for obj in pdf.objects:
        if not isinstance(obj, Dictionary) or obj.get("/Type") != Name.StructElem:
            continue
        attributes = obj.get("/A")
        if "/ID" in obj:
            name = str(obj.ID)
            obj.ID = pikepdf.String(prefix + name)
            ids.append((prefix + name, obj))
            if obj.get("/S") == Name.TH and isinstance(attributes, Dictionary):
                row = name.split("-")[-2]
                attributes.Scope = Name.Column if row == "0" else Name.Row
        if isinstance(attributes, Dictionary) and "/Headers" in attributes:
            attributes.Headers = Array(
                pikepdf.String(prefix + str(header)) for header in attributes.Headers
            )
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is not None and ids:
        tree.IDTree = pdf.make_indirect(_name_tree(ids))


def join_trees(document: pikepdf.Pdf, sources: list[pikepdf.Pdf]) -> None:
    """Give document, whose pages are the sources' pages in order (already copied), one
    structure tree made of the sources' trees. Sources without a tree add no elements
    (their pages must then carry no marked content)."""
    root = document.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    top = document.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array())
    )
    root.K = Array([top])
    numbers = Array()
    ids: list[tuple[str, object]] = []
    role_map: dict[str, object] = {}
    offset = 0
    first_page = 0
    for source in sources:
        pages = document.pages[first_page : first_page + len(source.pages)]
        first_page += len(source.pages)
        tree = source.Root.get("/StructTreeRoot")
        if tree is None:
            continue
        # Copied with the pages' own copier, so each element's /Pg is the joined page.
        tree = document.copy_foreign(tree)
        role_map.update(dict(tree.get("/RoleMap", Dictionary()).items()))
        if "/IDTree" in tree:
            ids += _name_tree_entries(tree.IDTree)
        for part_document in tree.K if isinstance(tree.K, Array) else [tree.K]:
            kids = part_document.K if isinstance(part_document.K, Array) else [part_document.K]
            for kid in kids:
                if isinstance(kid, Dictionary):
                    kid.P = top
                top.K.append(kid)
        last = -1
        entries = list(_number_tree(tree.ParentTree))
        for key, value in entries:
            numbers.append(key + offset)
            numbers.append(value)
            last = max(last, key)
        for page in pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
        offset += last + 1
    root.ParentTree = document.make_indirect(Dictionary(Nums=numbers))
    root.ParentTreeNextKey = offset
    if role_map:
        root.RoleMap = Dictionary(role_map)
    if ids:
        root.IDTree = document.make_indirect(_name_tree(ids))
    document.Root.StructTreeRoot = root


def _name_tree(entries: list[tuple[str, object]]) -> Dictionary:
    """A flat PDF name tree: its keys in order, as name trees must be."""
    ordered = sorted(entries, key=lambda entry: entry[0].encode())
    return Dictionary(Names=Array(v for key, obj in ordered for v in (pikepdf.String(key), obj)))


def _name_tree_entries(node) -> list[tuple[str, object]]:
    """Every (key, value) of a PDF name tree, flat or with kids."""
    return [(str(key), value) for key, value in _tree_entries(node, "/Names")]


def _number_tree(node) -> list[tuple[int, object]]:
    """Every (key, value) of a PDF number tree, flat or with kids."""
    return [(int(key), value) for key, value in _tree_entries(node, "/Nums")]


def _tree_entries(node, leaves: str) -> list[tuple[object, object]]:
    entries = []
    if leaves in node:
        values = list(node[leaves])
        entries += [(values[i], values[i + 1]) for i in range(0, len(values), 2)]
    for kid in node.get("/Kids", []):
        entries += _tree_entries(kid, leaves)
    return entries


def declare_accessible(document: pikepdf.Pdf, *, title: str, language: str) -> None:
    """What PDF/UA-1 asks of the document: its language, marked as tagged, its title shown
    in the title bar, and the PDF/UA identification (with the title) in its XMP."""
    document.Root.Lang = pikepdf.String(language)
    document.Root.MarkInfo = Dictionary(Marked=True)
    document.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp.load_from_docinfo(document.docinfo)  # title, author, subject, dates, as written
        xmp.register_xml_namespace("http://www.aiim.org/pdfua/ns/id/", "pdfuaid")
        xmp["dc:title"] = title
        xmp["pdfuaid:part"] = "1"
