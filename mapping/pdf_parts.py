"""Lay out a long PDF in parts, in parallel, and join them into one numbered document.

WeasyPrint lays out pages in pure Python, about 2-5 ms a table row on this kind of machine,
so a register of thousands of links takes many seconds on one core. Its parts (guide, runs of
the link table, index) do not depend on each other except through page numbers, so each is
laid out in a worker process; the joined document then gets its running footers ("Page 3 of
12"), its outline and its contents links here. No Django in this module: workers import it
fresh.
"""

from __future__ import annotations

import gc
import io
import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime

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


def render_part(html: str, base_url: str) -> RenderedPart:
    """Lay out and write one part; runs in a worker process."""
    from weasyprint import HTML

    # Layout makes a great many short-lived objects; the cyclic collector rescanning
    # them all costs about a sixth of the time, and nothing here lives past the call.
    gc.disable()
    try:
        document = HTML(string=html, base_url=base_url).render()
        bookmarks = [
            Bookmark(level=level, label=label, page=index)
            for index, page in enumerate(document.pages)
            for level, label, _point, _state in page.bookmarks
        ]
        return RenderedPart(document.write_pdf(), len(document.pages), bookmarks)
    finally:
        gc.enable()
        gc.collect()


def worker_count() -> int:
    configured = os.environ.get("WEAVE_PDF_WORKERS", "")
    if configured.strip():
        return max(1, int(configured))
    return max(1, min(4, os.cpu_count() or 1))


_pool: ProcessPoolExecutor | None = None


def executor() -> Executor | None:
    """A lasting pool of renderers, or None to render in this process.

    Workers come from a fork server that has already imported WeasyPrint: starting one is
    quick, and forking never copies a web server's threads or open database connections.
    """
    global _pool
    if worker_count() == 1:
        return None
    if _pool is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["weasyprint", "mapping.pdf_parts"])
        _pool = ProcessPoolExecutor(max_workers=worker_count(), mp_context=context)
    return _pool


def render_parts(parts: list[tuple[str, str]]) -> list[RenderedPart]:
    """Render (html, base_url) parts, in parallel where there are workers."""
    global _pool
    pool = executor()
    if pool is not None:
        try:
            # Longest first, so that no worker is left with a long part at the end.
            order = sorted(range(len(parts)), key=lambda index: -len(parts[index][0]))
            futures = {index: pool.submit(render_part, *parts[index]) for index in order}
            return [futures[index].result() for index in range(len(parts))]
        except BrokenProcessPool:
            # A worker died (killed, out of memory): start a fresh pool next time, and
            # finish this document here rather than fail the request.
            logger.exception("The PDF worker pool broke; rendering in this process.")
            _pool = None
    return [render_part(html, base_url) for html, base_url in parts]


def join(
    parts: list[RenderedPart],
    *,
    footers: list[RenderedPart],
    first_footer_page: int,
    metadata: Metadata,
) -> bytes:
    """One PDF: the parts in order, footers laid over their pages, one outline, links live.

    The footers' pages, in order, go over every page from first_footer_page (an index).
    Links to "weave-page:N" become jumps to page N (counting from 1).
    """
    import pikepdf

    document = pikepdf.Pdf.new()
    sources = [pikepdf.open(io.BytesIO(part.pdf)) for part in parts]
    for source in sources:
        document.pages.extend(source.pages)
    # The source documents must outlive the copy: pikepdf pages refer back to them.
    footer_sources = [pikepdf.open(io.BytesIO(part.pdf)) for part in footers]
    footer_pages = [page for source in footer_sources for page in source.pages]
    for offset, footer in enumerate(footer_pages):
        document.pages[first_footer_page + offset].add_overlay(footer)

    _make_page_links_live(document)
    _add_outline(document, parts)
    _set_metadata(document, metadata)
    output = io.BytesIO()
    document.save(
        output, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate
    )
    return output.getvalue()


def _make_page_links_live(document) -> None:
    import pikepdf

    for page in document.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            if action is None or action.get("/S") != pikepdf.Name.URI:
                continue
            uri = str(action.get("/URI"))
            if uri.startswith(PAGE_LINK_SCHEME):
                target = document.pages[int(uri.removeprefix(PAGE_LINK_SCHEME)) - 1]
                annotation.A = pikepdf.Dictionary(
                    S=pikepdf.Name.GoTo, D=pikepdf.Array([target.obj, pikepdf.Name.Fit])
                )


def _add_outline(document, parts: list[RenderedPart]) -> None:
    import pikepdf

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
    import pikepdf

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
