"""The register as a printable A4 PDF (WeasyPrint), cached by the register's content."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from mapping.coverage import compute_coverage
from mapping.models import Mapping
from standards.models import Element

# Part of the cache key: bump it when the PDF's template or stylesheet changes.
LAYOUT_VERSION = "1"
CACHE_SECONDS = 60 * 60 * 24 * 30


@dataclass(frozen=True)
class RegisterPdf:
    content: bytes
    digest: str
    as_of: datetime
    filename: str


def register_fingerprint(mapping: Mapping) -> tuple[str, datetime]:
    """A digest of everything the PDF shows, and when any of it last changed.

    It hashes the content itself rather than timestamps, so any edit, addition or deletion,
    however it was made, gives a new digest.
    """
    digest = hashlib.sha256(LAYOUT_VERSION.encode())
    frameworks = [mapping.behaviours_framework, mapping.standards_framework]
    stamps = [mapping.updated_at, *(f.updated_at for f in frameworks)]
    for instance in [mapping, *frameworks]:
        fields = instance._meta.concrete_fields
        digest.update(repr([getattr(instance, field.attname) for field in fields]).encode())
    element_rows = (
        Element.objects.filter(framework__in=frameworks)
        .order_by("pk")
        .values_list(
            "pk", "framework_id", "parent_id", "code", "title", "description", "level_label",
            "position", "updated_at",
        )
    )  # fmt: skip
    link_rows = mapping.links.order_by("pk").values_list(
        "pk", "behaviour_id", "standard_id", "relation", "rationale", "example", "updated_at"
    )
    for rows in (element_rows, link_rows):
        for row in rows:
            digest.update(repr(row).encode())
            stamps.append(row[-1])
        digest.update(b"|")
    return digest.hexdigest(), max(stamps)


def render_register_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("mapping/guide_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def register_pdf(mapping: Mapping, *, permalink: str) -> RegisterPdf:
    """The register's PDF: from the cache when nothing has changed, else rendered afresh."""
    digest, as_of = register_fingerprint(mapping)
    key = f"weave:register-pdf:{hashlib.sha256(f'{digest}|{permalink}'.encode()).hexdigest()}"
    filename = f"{mapping.slug}-{timezone.localtime(as_of):%Y-%m-%d}.pdf"
    content = cache.get(key)
    if content is None:
        context = {
            "mapping": mapping,
            "coverage": compute_coverage(mapping),
            "permalink": permalink,
            "as_of": as_of,
        }
        content = render_register_pdf(context)
        cache.set(key, content, CACHE_SECONDS)
    return RegisterPdf(content=content, digest=digest, as_of=as_of, filename=filename)
