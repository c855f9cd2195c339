"""The register as a printable A4 PDF (kept in the cache and rendered in the background by
mapping/pdf_cache.py and mapping/tasks.py).

The document is made of parts (front matter, guide, runs of the link table, back matter),
laid out in parallel by mapping/pdf_parts.py and joined into one numbered PDF.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urljoin

import segno
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from mapping.citing.citations import cite
from mapping.coverage.rules import Coverage, ElementCoverage
from mapping.models import Relation
from mapping.models.inference import composition_table
from mapping.models.link_rows import LinkClaim
from mapping.pdf import parts as pdf_parts
from mapping.pdf import pool
from mapping.register import Register

URL_START = re.compile(r"(https?://[^/\s<]+/?)")
# Part of the cache key: bump it when the PDF's template or stylesheet changes.
LAYOUT_VERSION = "20"
TEMPLATE = "mapping/register_pdf.html"
STYLESHEET = "mapping/register_pdf.css"
# Most links in one part of the link table: enough parts to keep every worker busy, few
# enough that the page breaks between them are rare and each part's fixed cost small.
LINKS_PER_PART = 250
# How long a part laid out is kept for the renders after it.
PART_SECONDS = 2 * 24 * 3600
# The contents list the parts (level 1) and the link table's groups (level 2), never the
# headings an organisation writes in its guide's introduction.
CONTENTS_LEVELS = 2


@dataclass(frozen=True)
class RegisterPdf:
    content: bytes
    digest: str
    as_of: datetime
    filename: str


@dataclass(frozen=True)
class LinkGroup:
    entry: ElementCoverage
    links: list[LinkClaim]
    continued: bool


@dataclass(frozen=True)
class PageAddresses:
    """Turns the address of one of the register's pages (a link's, an element's) into the
    absolute permanent one that a name in the PDF leads to (the template's address_in)."""

    top: str  # where the site's pages start: what the default register's addresses begin with
    base: str  # the register's own permanent top, absolute

    def of(self, path: str) -> str:
        return self.base + path.removeprefix(self.top)


@dataclass(frozen=True)
class ContentsEntry:
    level: int
    label: str
    page: int


def part_count(total: int, workers: int) -> int:
    """How many parts the link table is cut into: as few of at most LINKS_PER_PART links as
    will do, then, where it needs more than one, as many more as make those parts and the
    index (which takes about as long as one) a whole number each for every worker, so that
    no worker is left laying out the last long part alone while the others wait."""
    count = max(1, -(-total // LINKS_PER_PART))
    if count > 1:
        count += -(count + 1) % workers
    return count


def link_table_parts(coverage: Coverage, workers: int = 1) -> list[list[LinkGroup]]:
    """The link table cut into part_count() parts, all about the same size (so that the
    workers finish together), a source element continuing from one part into the next
    where a cut falls inside it."""
    total = sum(len(entry.links_by_origin) for entry in coverage.top_sources)
    count = part_count(total, workers)
    # Where each part ends, counted in links from the start of the table.
    cuts = [round(total * (i + 1) / count) for i in range(count)]
    parts: list[list[LinkGroup]] = [[]]
    seen = 0
    for entry in coverage.top_sources:
        links = entry.links_by_origin
        start = 0
        while True:
            if seen + start >= cuts[len(parts) - 1] and len(parts) < count and parts[-1]:
                parts.append([])
            end = min(len(links), cuts[len(parts) - 1] - seen)
            end = max(end, start)
            parts[-1].append(LinkGroup(entry, links[start:end], continued=start > 0))
            start = end
            if start >= len(links):
                break
        seen += len(links)
    return parts


def render_register_pdf(context: dict) -> bytes:
    # Relative links in the guide's introduction lead where they do on the web.
    base_url = context["permalink"]
    coverage: Coverage = context["coverage"]
    stylesheet = render_to_string(STYLESHEET)

    def html(part: str, **extra) -> tuple[str, str, str]:
        html = render_to_string(TEMPLATE, {**context, "part": part, **extra})
        return html, base_url, stylesheet

    link_parts = link_table_parts(coverage, pool.worker_count())
    skeleton = _contents_skeleton(coverage, context["register"].words)
    # The front matter's length depends only on how many contents lines it has, so a draft
    # with made-up page numbers, laid out alongside the body, says how long it will be.
    draft_contents = [ContentsEntry(b.level, b.label, 999) for b in skeleton]
    # The running heads: the label of each level-1 heading (see pdf_parts.join).
    headings = ["Contents", *(entry.label for entry in skeleton if entry.level == 1)]

    # Longest first (the index, the runs of the link table), each part made as the
    # workers lay out the ones before.
    def parts():
        yield html("back")
        for i, groups in enumerate(link_parts):
            yield html("links", groups=groups, first=i == 0)
        yield html("guide")
        yield html("front", contents=draft_contents)
        yield (*html("stamps", headings=headings), False)  # stamped on as artifacts

    back, *runs, guide, draft_front, stamps = pool.render_parts(parts(), kept=_KEPT_PARTS)
    body = [guide, *runs, back]
    front_pages = draft_front.page_count
    contents = _contents(body, first_page=front_pages + 1)
    # Only the contents wait for the body's page numbers; the running heads and footers
    # are stamped on as the parts are joined, without laying anything out again.
    [front] = pool.render_parts([html("front", contents=contents)], kept=_KEPT_PARTS)
    if front.page_count != front_pages:
        raise RuntimeError("The contents changed length once page numbers were filled in.")
    register: Register = context["register"]
    source, target = register.source_framework.name, register.target_framework.name
    metadata = pdf_parts.Metadata(
        title=register.name,
        author=register.organisation,
        subject=f"How {source} maps onto {target}, with the reason for every link.",
        keywords=f"{source}, {target}",
        created=context["as_of"],
    )
    return pdf_parts.join(
        [front, *body], stamps=stamps, headings=headings, first_footer_page=1, metadata=metadata
    )


class _CachedParts:
    """Parts laid out before, kept in the cache: after an edit, a render lays out only the
    parts the edit changed (a rationale: the run of the link table that holds it) and takes
    the rest from here. Kept for PART_SECONDS, long enough to span a day's editing."""

    def get(self, key: str) -> pdf_parts.RenderedPart | None:
        return cache.get(f"weave:pdf-part:{key}")

    def set_many(self, parts: dict[str, pdf_parts.RenderedPart]) -> None:
        kept = {f"weave:pdf-part:{key}": part for key, part in parts.items()}
        cache.set_many(kept, PART_SECONDS)


_KEPT_PARTS = _CachedParts()


def _contents_skeleton(coverage: Coverage, words) -> list[ContentsEntry]:
    entries = [
        ContentsEntry(1, "QuickStart guide", 0),
        ContentsEntry(1, f"The link table, by {words.source}", 0),
    ]
    entries += [
        ContentsEntry(2, f"{e.element.code} {e.element.title}", 0) for e in coverage.top_sources
    ]
    entries += [
        ContentsEntry(1, label, 0)
        for label in (f"Index by {words.target}", "Coverage summary", "How to cite this register")
    ]
    return entries


def _contents(body: list[pdf_parts.RenderedPart], *, first_page: int) -> list[ContentsEntry]:
    """Contents lines from the body's own bookmarks, numbered from first_page."""
    entries = []
    start = first_page
    for part in body:
        entries += [
            ContentsEntry(b.level, b.label, start + b.page)
            for b in part.bookmarks
            if b.level <= CONTENTS_LEVELS
        ]
        start += part.page_count
    return entries


def content_digest(register: Register, *, today: date) -> tuple[str, datetime]:
    """What the register's PDF would show, as a digest (its layout, the register's content
    and, for the live register, the day it is accessed), and when that content last
    changed. It reads every row: for background renders, not for every request."""
    fingerprint, as_of = register.fingerprint()
    accessed = "" if register.edition else today.isoformat()
    digest = hashlib.sha256(f"{LAYOUT_VERSION}|{fingerprint}|{accessed}".encode()).hexdigest()
    return digest, as_of


def register_pdf(register: Register, *, permalink: str, today: date) -> RegisterPdf:
    """The register's PDF, live or as an edition froze it, rendered afresh. (Readers get
    it from the cache: mapping/pdf_cache.py.)"""
    digest, as_of = content_digest(register, today=today)
    return RegisterPdf(
        content=render_register_pdf(document_context(register, permalink, today, as_of)),
        digest=digest,
        as_of=as_of,
        filename=register.file_name("", "pdf", dated=timezone.localtime(as_of)),
    )


def _unbroken_host(html: str) -> str:
    """A citation (citeproc's HTML, its values escaped) whose address's scheme and host
    stay on one line: a line may break after "http://" otherwise."""
    return mark_safe(URL_START.sub(r'<span class="url-start">\1</span>', html))


def whole_document_html(context: dict) -> str:
    """Every part of the PDF in order, as one HTML document with the same stylesheet: what
    a browser would print (bench/pdf_vs_chromium.py compares the two)."""
    coverage: Coverage = context["coverage"]
    skeleton = _contents_skeleton(coverage, context["register"].words)
    contents = [ContentsEntry(e.level, e.label, 0) for e in skeleton]
    parts = [
        render_to_string(TEMPLATE, {**context, "part": "front", "contents": contents}),
        render_to_string(TEMPLATE, {**context, "part": "guide"}),
        *(
            render_to_string(TEMPLATE, {**context, "part": "links", "groups": groups,
                                        "first": i == 0})
            for i, groups in enumerate(link_table_parts(coverage, pool.worker_count()))
        ),
        render_to_string(TEMPLATE, {**context, "part": "back"}),
    ]  # fmt: skip
    head = parts[0].split("</head>", 1)[0] + f"<style>{render_to_string(STYLESHEET)}</style>"
    bodies = [part.split("<body>", 1)[1].rsplit("</body>", 1)[0] for part in parts]
    return head + "</head>\n<body>" + "".join(bodies) + "</body>\n</html>\n"


def document_context(
    register: Register, permalink: str, today: date, as_of: datetime | None = None
) -> dict:
    """What the PDF's template is given."""
    if as_of is None:
        as_of = register.fingerprint()[1]

    def absolute(path: str) -> str:
        return urljoin(permalink, path)

    top = reverse("home")
    coverage = register.coverage
    read = None if register.edition else today  # an edition's PDF is made once, and kept
    citation = cite(register, absolute=absolute, today=read)
    example = next((link for entry in coverage.sources for link in entry.direct), None)
    context = {
        "register": register,
        "edition": register.edition,
        "coverage": coverage,
        "permalink": permalink,
        "addresses": PageAddresses(top, absolute(register.urls.permanent(top))),
        "qr_code": segno.make(permalink, error="m").svg_data_uri(scale=4, border=2),
        "as_of": timezone.localtime(as_of),
        "today": today,
        # How to read a link, and the words used: the web guide's, on paper too.
        "relations": [(relation, relation.explained(register.words)) for relation in Relation],
        "composition": composition_table() if coverage.inferred else [],
        "cite_apa": _unbroken_host(citation.apa_html()),
        "cite_harvard": _unbroken_host(citation.harvard_html()),
    }
    if example is not None:
        linked = cite(register, example, absolute=absolute, today=read)
        context |= {
            "example": example,
            "example_url": absolute(register.urls.permanent(example.url)),
            "example_apa": _unbroken_host(linked.apa_html()),
            "example_harvard": _unbroken_host(linked.harvard_html()),
        }
    return context
