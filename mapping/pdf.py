"""The register as a printable A4 PDF, cached by the register's content.

The document is made of parts (front matter, guide, runs of the link table, back matter),
laid out in parallel by mapping/pdf_parts.py and joined into one numbered PDF.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urljoin

import segno
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from mapping import pdf_parts
from mapping.citations import cite
from mapping.coverage import Coverage, ElementCoverage
from mapping.models.link_rows import LinkClaim
from mapping.register import Register

# Part of the cache key: bump it when the PDF's template or stylesheet changes.
LAYOUT_VERSION = "5"
CACHE_SECONDS = 60 * 60 * 24 * 30
TEMPLATE = "mapping/register_pdf.html"
# Links in one part of the link table: enough parts to keep every worker busy, few
# enough that the page breaks between them are rare.
LINKS_PER_PART = 250


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
class ContentsEntry:
    level: int
    label: str
    page: int


def link_table_parts(coverage: Coverage) -> list[list[LinkGroup]]:
    """The link table cut into parts of about LINKS_PER_PART links, each behaviour kept
    whole unless it alone is longer than that."""
    parts: list[list[LinkGroup]] = []
    current: list[LinkGroup] = []
    size = 0
    for entry in coverage.top_behaviours:
        links = entry.links_by_origin
        if size and size + len(links) > LINKS_PER_PART:
            parts.append(current)
            current, size = [], 0
        for start in range(0, max(len(links), 1), LINKS_PER_PART):
            piece = links[start : start + LINKS_PER_PART]
            if start:
                parts.append(current)
                current, size = [], 0
            current.append(LinkGroup(entry, piece, continued=start > 0))
            size += len(piece)
    if current:
        parts.append(current)
    return parts


def render_register_pdf(context: dict) -> bytes:
    base_url = str(settings.BASE_DIR)
    coverage: Coverage = context["coverage"]

    def html(part: str, **extra) -> tuple[str, str]:
        return render_to_string(TEMPLATE, {**context, "part": part, **extra}), base_url

    link_parts = link_table_parts(coverage)
    body_html = [
        html("guide"),
        *(html("links", groups=groups, first=i == 0) for i, groups in enumerate(link_parts)),
        html("back"),
    ]
    # The front matter's length depends only on how many contents lines it has, so a draft
    # with made-up page numbers, laid out alongside the body, says how long it will be.
    draft_contents = [ContentsEntry(b.level, b.label, 999) for b in _contents_skeleton(coverage)]
    draft_front, *body = pdf_parts.render_parts(
        [html("front", contents=draft_contents), *body_html]
    )
    front_pages = draft_front.page_count
    contents = _contents(body, first_page=front_pages + 1)
    total = front_pages + sum(part.page_count for part in body)
    # Page numbers go on afterwards, laid out in as many runs as there are workers.
    numbers = range(2, total + 1)
    runs = pdf_parts.worker_count()
    step = -(-len(numbers) // runs)
    front, *footers = pdf_parts.render_parts(
        [
            html("front", contents=contents),
            *(
                html("footers", footer_numbers=numbers[i : i + step], total_pages=total)
                for i in range(0, len(numbers), step)
            ),
        ]
    )
    if front.page_count != front_pages:
        raise RuntimeError("The contents changed length once page numbers were filled in.")
    register: Register = context["register"]
    behaviours, standards = register.behaviours_framework.name, register.standards_framework.name
    metadata = pdf_parts.Metadata(
        title=register.name,
        author=register.organisation,
        subject=f"How {behaviours} maps onto {standards}, with the reason for every link.",
        keywords=f"{behaviours}, {standards}",
        created=context["as_of"],
    )
    return pdf_parts.join([front, *body], footers=footers, first_footer_page=1, metadata=metadata)


def _contents_skeleton(coverage: Coverage) -> list[ContentsEntry]:
    entries = [
        ContentsEntry(1, "QuickStart guide", 0),
        ContentsEntry(1, "The link table, by behaviour", 0),
    ]
    entries += [
        ContentsEntry(2, f"{e.element.code} {e.element.title}", 0) for e in coverage.top_behaviours
    ]
    entries += [
        ContentsEntry(1, label, 0)
        for label in ("Index by standard", "Coverage summary", "How to cite this register")
    ]
    return entries


def _contents(body: list[pdf_parts.RenderedPart], *, first_page: int) -> list[ContentsEntry]:
    """Contents lines from the body's own bookmarks, numbered from first_page."""
    entries = []
    start = first_page
    for part in body:
        entries += [ContentsEntry(b.level, b.label, start + b.page) for b in part.bookmarks]
        start += part.page_count
    return entries


def register_pdf(register: Register, *, permalink: str, today: date) -> RegisterPdf:
    """The register's PDF, live or as an edition froze it: from the cache when nothing has
    changed, else rendered afresh. A live register's PDF cites it as accessed today, so it
    is laid out again on a new day."""
    fingerprint, as_of = register.fingerprint()
    accessed = "" if register.edition else today.isoformat()
    digest = hashlib.sha256(f"{LAYOUT_VERSION}|{fingerprint}|{accessed}".encode()).hexdigest()
    filename = register.file_name("", "pdf", dated=timezone.localtime(as_of))
    key = f"weave:register-pdf:{hashlib.sha256(f'{digest}|{permalink}'.encode()).hexdigest()}"
    content = cache.get(key)
    if content is None:
        content = render_register_pdf(_context(register, permalink, today, as_of))
        cache.set(key, content, CACHE_SECONDS)
    return RegisterPdf(content=content, digest=digest, as_of=as_of, filename=filename)


def _context(register: Register, permalink: str, today: date, as_of: datetime) -> dict:
    def absolute(path: str) -> str:
        return urljoin(permalink, path)

    coverage = register.coverage
    citation = cite(register, absolute=absolute, today=today)
    example = next((link for entry in coverage.behaviours for link in entry.direct), None)
    context = {
        "register": register,
        "edition": register.edition,
        "coverage": coverage,
        "permalink": permalink,
        "qr_code": segno.make(permalink, error="m").svg_data_uri(scale=4, border=2),
        "as_of": timezone.localtime(as_of),
        "today": today,
        "cite_apa": mark_safe(citation.apa_html()),
        "cite_harvard": mark_safe(citation.harvard_html()),
    }
    if example is not None:
        linked = cite(register, example, absolute=absolute, today=today)
        context |= {
            "example": example,
            "example_url": absolute(example.url),
            "example_apa": mark_safe(linked.apa_html()),
            "example_harvard": mark_safe(linked.harvard_html()),
        }
    return context
