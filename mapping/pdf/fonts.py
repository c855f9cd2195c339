"""Fonts in a PDF joined from parts (mapping/pdf/parts.py).

Each part WeasyPrint lays out embeds its own subset of each font, named by a tag made from
the font alone ("XKQQSR+DejaVu-Sans"), so the parts' different subsets arrive under one
name. ISO 32000-1 (9.6.4) asks that different subsets in one file have different tags: a
viewer that keeps fonts by name could otherwise draw one part's text with another's glyphs.
"""

from __future__ import annotations

import hashlib
import string

import pikepdf

TAG_LENGTH = 6


def unique_subset_tags(document: pikepdf.Pdf) -> int:
    """Give every embedded subset in document a tag of its own; how many were renamed."""
    used: set[str] = set()
    renamed = 0
    for font in _fonts(document):
        name = str(font.get("/BaseFont", ""))[1:]
        tag, plus, rest = name.partition("+")
        if not plus or len(tag) != TAG_LENGTH:
            continue
        if tag not in used:
            used.add(tag)
            continue
        new = _fresh_tag(tag, used)
        used.add(new)
        _rename(font, f"{new}+{rest}")
        renamed += 1
    return renamed


def _fonts(document: pikepdf.Pdf):
    """Each font the pages (and the forms stamped on them) use, once."""
    seen: set[tuple[int, int]] = set()
    for page in document.pages:
        resources = [page.obj.get("/Resources")]
        xobjects = resources[0].get("/XObject", {}) if resources[0] is not None else {}
        resources += [xobject.get("/Resources") for xobject in xobjects.values()]
        for found in resources:
            if found is None:
                continue
            for font in found.get("/Font", {}).values():
                if font.objgen not in seen:
                    seen.add(font.objgen)
                    yield font


def _fresh_tag(tag: str, used: set[str]) -> str:
    for attempt in range(1, 1000):
        digest = hashlib.sha256(f"{tag}:{attempt}".encode()).digest()
        new = "".join(string.ascii_uppercase[byte % 26] for byte in digest[:TAG_LENGTH])
        if new not in used:
            return new
    raise RuntimeError("No subset tag left")  # 26**6 tags: cannot happen for one document


def _rename(font, name: str) -> None:
    """The font's name, its descendant's (a composite font) and its descriptor's."""
    font.BaseFont = pikepdf.Name("/" + name)
    for descendant in font.get("/DescendantFonts", []):
        descendant.BaseFont = pikepdf.Name("/" + name)
        if "/FontDescriptor" in descendant:
            descendant.FontDescriptor.FontName = pikepdf.Name("/" + name)
    if "/FontDescriptor" in font:
        font.FontDescriptor.FontName = pikepdf.Name("/" + name)
