"""Lay out a long PDF in parts, in parallel (mapping/pdf/pool.py), and join them into one
numbered, tagged document.

WeasyPrint lays out pages in pure Python, about 2-5 ms a table row on this kind of machine,
so a register of thousands of links takes many seconds on one core. Its parts (guide, runs of
the link table, index) do not depend on each other except through page numbers, so each is
laid out in a worker process; the joined document then gets its running heads and footers
("Page 3 of 12"), its outline and its contents links here, stamped with pikepdf rather than
laid out again. No Django in this module: workers import it fresh.
"""

from __future__ import annotations

import gc
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pikepdf

from mapping.pdf import continued, fonts, structure

PAGE_LINK_SCHEME = "weave-page:"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Bookmark:
    level: int
    label: str
    page: int  # index within its own part, then within the whole document


@dataclass(frozen=True)
class RenderedPart:
    pdf: bytes
    page_count: int
    bookmarks: list[Bookmark] = field(default_factory=list)


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    keywords: str
    created: datetime
    language: str = "en-GB"


# Stylesheets this process has parsed, by their text: every part shares one.
_stylesheets: dict[str, object] = {}


def _stylesheet(text: str):
    from weasyprint import CSS

    if text not in _stylesheets:
        _stylesheets.clear()
        _stylesheets[text] = CSS(string=text)
    return _stylesheets[text]


def render_part(
    html: str, base_url: str, stylesheet: str = "", tagged: bool = True, prefix: str = ""
) -> RenderedPart:
    """Lay out and write one part, tagged for PDF/UA unless it is only stamps; runs in a
    worker process. prefix makes its table header ids unique in the joined document."""
    # Layout makes a great many short-lived objects; the cyclic collector rescanning
    # them all as they are made costs about a sixth of the time. Off while it runs, it
    # leaves them all in the youngest generation, collected once the part is done.
    gc.disable()
    try:
        part = _laid_out(html, base_url, stylesheet, tagged, prefix)
    finally:
        # Only the youngest generation: every object the part made and its cycles of
        # garbage, without rescanning the whole process (a web server's) each time.
        gc.enable()
        gc.collect(0)
    return part


# Where the system's fonts are: the one place a PDF may read a file from (a font named by
# local() in an @font-face rule: the stylesheets' "Weave Arabic").
FONT_DIRECTORIES = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


def nothing_fetched():
    """A URL fetcher for WeasyPrint that fetches nothing but data: URIs and the system's
    own fonts: a PDF is laid out from what it is given (the QR code is one), and base_url
    (the page's own address, so that relative links in an organisation's text lead where
    they do on the web) is never read from, here or anywhere."""
    from weasyprint.urls import URLFetcher

    class FontsAndData(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(fonts) for fonts in FONT_DIRECTORIES):
                    raise ValueError(f"Only the system's fonts are read, not {url}")
            return super().fetch(url, headers)

    return FontsAndData(allowed_protocols={"data", "file"})


def _laid_out(html: str, base_url: str, stylesheet: str, tagged: bool, prefix: str):
    from weasyprint import HTML

    stylesheets = [_stylesheet(stylesheet)] if stylesheet else []
    continued.mark_elements()
    page = HTML(string=html, base_url=base_url, url_fetcher=nothing_fetched())
    document = page.render(stylesheets=stylesheets)
    bookmarks = [
        Bookmark(level=level, label=label, page=index)
        for index, page in enumerate(document.pages)
        for level, label, _point, _state in page.bookmarks
    ]
    pdf = document.write_pdf(pdf_tags=tagged)
    if tagged and prefix:
        with pikepdf.open(io.BytesIO(pdf)) as part:
            structure.finish_tables(part, prefix)
            continued.join_part(part)
            output = io.BytesIO()
            part.save(output, compress_streams=True,
                      object_stream_mode=pikepdf.ObjectStreamMode.generate)  # fmt: skip
            pdf = output.getvalue()
    return RenderedPart(pdf, len(document.pages), bookmarks)


def join(
    parts: list[RenderedPart],
    *,
    stamps: RenderedPart,
    headings: list[str],
    first_footer_page: int,
    metadata: Metadata,
) -> bytes:
    """One PDF: the parts in order, running heads and footers stamped on, one outline,
    links live.

    stamps is a part laid out beside the others, one stamp a page: the footer's page number
    as a sample ("Page 0123456789 of", right-aligned where the numbers go), the register's
    name at the foot, then each of the running headings (the level-1 bookmarks' labels) at
    the head. Each page from first_footer_page (an index) gets its running heading (its
    first level-1 bookmark's, else the last page's), the name and "Page N of M", written
    in the sample's font, all marked as an artifact. The parts' structure trees become
    one (mapping/pdf/structure.py).
    Links to "weave-page:N" become jumps to page N (counting from 1).
    """

    document = pikepdf.Pdf.new()
    sources = [pikepdf.open(io.BytesIO(part.pdf)) for part in parts]
    for source in sources:
        document.pages.extend(source.pages)
    # The source documents must outlive the copy: pikepdf pages refer back to them.
    stamp_source = pikepdf.open(io.BytesIO(stamps.pdf))
    name, *heading_pages = (
        document.copy_foreign(page.as_form_xobject()) for page in stamp_source.pages[1:]
    )
    numbers = _PageNumbers(document, stamp_source.pages[0])
    forms_by_heading = dict(zip(headings, heading_pages, strict=True))

    total = len(document.pages)
    heading = ""
    start = 0
    for part in parts:
        for index in range(part.page_count):
            number = start + index
            page = document.pages[number]
            labels = [b.label for b in part.bookmarks if b.page == index and b.level == 1]
            heading = labels[0] if labels else heading
            if number < first_footer_page:
                continue
            overlays = [name, numbers.form(f"Page {number + 1} of {total}")]
            if heading in forms_by_heading:
                overlays.append(forms_by_heading[heading])
            _stamp(document, page, overlays)
        start += part.page_count

    structure.join_trees(document, sources)
    continued.join_parts(document)
    fonts.unique_subset_tags(document)
    _make_page_links_live(document)
    _add_outline(document, parts)
    _set_metadata(document, metadata)
    structure.declare_accessible(document, title=metadata.title, language=metadata.language)
    output = io.BytesIO()
    document.save(
        output, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate
    )
    return output.getvalue()


def _stamp(document, page, forms) -> None:
    """Paint forms over the page as one pagination artifact (running heads and footers are
    not content a screen reader should read)."""
    names = [page.add_resource(form, pikepdf.Name.XObject, prefix="Stamp") for form in forms]
    page.contents_add(b"q\n", prepend=True)
    painted = b"".join(b"q %s Do Q\n" % bytes(str(name), "ascii") for name in names)
    page.contents_add(document.make_stream(b"Q\n" + structure.ARTIFACT_START + painted + b"EMC\n"))


class _PageNumbers:
    """Footer lines written straight into PDF in the font of a sample page laid out by
    WeasyPrint, right-aligned where the sample ends: the sample's glyphs must cover the
    text (ASCII digits and "Page of")."""

    def __init__(self, document, sample_page) -> None:

        self.document = document
        self.instructions = list(pikepdf.parse_content_stream(sample_page))
        self.show = next(
            i for i, (_, operator) in enumerate(self.instructions) if str(operator) == "TJ"
        )
        self.matrix = max(
            i
            for i, (_, operator) in enumerate(self.instructions[: self.show])
            if str(operator) == "Tm"
        )
        size_at = max(
            i
            for i, (_, operator) in enumerate(self.instructions[: self.show])
            if str(operator) == "Tf"
        )
        font_name, size = self.instructions[size_at][0]
        resources = sample_page.obj.Resources
        font = resources.Font[font_name]
        self.size = float(size)
        self.widths = _glyph_widths(font.DescendantFonts[0].get("/W", []))
        self.glyphs = _glyph_ids(font.ToUnicode.read_bytes())
        sample = [bytes(item) for item in self.instructions[self.show][0][0] if _is_string(item)]
        self.sample_width = self._width(b"".join(sample))
        self.resources = document.copy_foreign(resources)
        self.bbox = [float(value) for value in sample_page.mediabox]

    def _width(self, codes: bytes) -> float:
        ids = [int.from_bytes(codes[i : i + 2], "big") for i in range(0, len(codes), 2)]
        return sum(self.widths.get(glyph, 0) for glyph in ids) * self.size / 1000

    def form(self, text: str):

        codes = b"".join(self.glyphs[char].to_bytes(2, "big") for char in text)
        instructions = list(self.instructions)
        operands, operator = instructions[self.matrix]
        a, b, c, d, x, y = (float(value) for value in operands)
        x += self.sample_width - self._width(codes)
        instructions[self.matrix] = pikepdf.ContentStreamInstruction([a, b, c, d, x, y], operator)
        instructions[self.show] = pikepdf.ContentStreamInstruction(
            [pikepdf.Array([pikepdf.String(codes)])], pikepdf.Operator("TJ")
        )
        form = pikepdf.Stream(self.document, pikepdf.unparse_content_stream(instructions))
        form.Type = pikepdf.Name.XObject
        form.Subtype = pikepdf.Name.Form
        form.BBox = self.bbox
        form.Resources = self.resources
        return form


def _is_string(item) -> bool:

    return isinstance(item, pikepdf.String)


def _glyph_widths(array) -> dict[int, float]:
    """A CID font's /W array (c [w1 w2 ...] or c_first c_last w) as {glyph: width}."""

    widths: dict[int, float] = {}
    items = list(array)
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            widths.update({first + k: float(w) for k, w in enumerate(items[i + 1])})
            i += 2
        else:
            last, width = int(items[i + 1]), float(items[i + 2])
            widths.update(dict.fromkeys(range(first, last + 1), width))
            i += 3
    return widths


def _glyph_ids(cmap: bytes) -> dict[str, int]:
    """Characters to glyph ids from a ToUnicode CMap's bfchar and bfrange entries."""

    glyphs: dict[str, int] = {}
    text = cmap.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for glyph, char in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            glyphs.setdefault(bytes.fromhex(char).decode("utf-16-be"), int(glyph, 16))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for first, last, char in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            start = ord(bytes.fromhex(char).decode("utf-16-be"))
            for offset in range(int(last, 16) - int(first, 16) + 1):
                glyphs.setdefault(chr(start + offset), int(first, 16) + offset)
    return glyphs


def _make_page_links_live(document) -> None:

    for page in document.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            if action is None or action.get("/S") != pikepdf.Name.URI:
                continue
            uri = str(action.get("/URI"))
            if uri.startswith(PAGE_LINK_SCHEME):
                number = int(uri.removeprefix(PAGE_LINK_SCHEME))
                target = document.pages[number - 1]
                annotation.A = pikepdf.Dictionary(
                    S=pikepdf.Name.GoTo, D=pikepdf.Array([target.obj, pikepdf.Name.Fit])
                )
                # What a screen reader says of the link (WeasyPrint gave it the address).
                annotation.Contents = pikepdf.String(f"Go to page {number}")


def _add_outline(document, parts: list[RenderedPart]) -> None:

    with document.open_outline() as outline:
        parents: list = []  # the open item at each level
        start = 0
        for part in parts:
            for bookmark in part.bookmarks:
                item = pikepdf.OutlineItem(bookmark.label, start + bookmark.page)
                del parents[bookmark.level - 1 :]
                siblings = parents[-1].children if parents else outline.root
                siblings.append(item)
                parents.append(item)
            start += part.page_count


def _set_metadata(document, metadata: Metadata) -> None:

    stamp = metadata.created.strftime("D:%Y%m%d%H%M%S") + _offset(metadata.created)
    info = {
        "/Title": metadata.title,
        "/Author": metadata.author,
        "/Subject": metadata.subject,
        "/Keywords": metadata.keywords,
        "/Creator": "Weave",
        "/Producer": "WeasyPrint and pikepdf",
        "/CreationDate": stamp,
        "/ModDate": stamp,
    }
    for key, value in info.items():
        document.docinfo[key] = pikepdf.String(value)


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset()
    if delta is None or not delta.total_seconds():
        return "Z"
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"
