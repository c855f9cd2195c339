"""The register's PDFs, kept in the cache (files, local memory or Redis: CACHES) so that
every server shares them, and looked up without reading the register.

A PDF is kept under a cheap key: for the live register the register's version (mapping/
caching/versioning.py: every change to it makes a new one) and the day (the live PDF cites
the register as accessed today); for an edition its number and digest. Beside it, each
register keeps a pointer to its latest PDF, which readers are given while a new one is
rendered in the background (mapping/tasks.py). The page that offers the PDF says when that is so.

The permalink printed on a PDF (and in its QR code) is absolute, so PDFs are kept per site
address too; the addresses readers have used are remembered, for renders that no request
asked for (after a write, or a publish).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from urllib.parse import urljoin

from django.core.cache import cache
from django.utils import timezone

from mapping.caching.versioning import version
from mapping.pdf import document as pdf
from mapping.pdf.document import RegisterPdf
from mapping.register import Register

# A live register's PDF is wanted for a day; kept a little longer, as the one to offer
# while the next renders. An edition's never changes and is kept without expiry.
LIVE_SECONDS = 8 * 24 * 3600
ORIGINS_KEY = "weave:pdf:origins"
# The site addresses remembered for background renders (most recent first).
ORIGINS_KEPT = 3


@dataclass(frozen=True)
class Latest:
    """The pointer to a register's latest PDF."""

    key: str
    digest: str
    as_of: datetime
    made: datetime


@dataclass(frozen=True)
class PdfState:
    """What the page offering the PDF says about it."""

    ready: bool  # the PDF for the register as it is now is kept
    previous: Latest | None  # else the one readers are given meanwhile, if any


def _hash(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


class PrintedRegister:
    """One register's PDF at one site address: where it is kept and how to keep it."""

    def __init__(self, register: Register, origin: str, *, today: date) -> None:
        self.register = register
        self.origin = origin
        self.today = today
        self.permalink = urljoin(origin, register.urls.permanent(register.urls.home))
        edition = register.edition
        self.name = _hash(register.mapping.pk, edition.pk if edition else "live", self.permalink)

    @cached_property
    def stamp(self) -> str:
        """What the PDF shows, named cheaply: read before the register is, so that a write
        made meanwhile gives a new stamp."""
        edition = self.register.edition
        if edition:
            return _hash(edition.digest)
        return _hash(version(self.register.mapping.slug), self.today.isoformat())

    @property
    def key(self) -> str:
        """Where the PDF of the register as it is now is kept."""
        return f"weave:pdf:{pdf.LAYOUT_VERSION}:{self.name}:{self.stamp}"

    @property
    def latest_key(self) -> str:
        return f"weave:pdf-latest:{pdf.LAYOUT_VERSION}:{self.name}"

    @property
    def queued_key(self) -> str:
        """Present while a render of this register is queued (mapping/tasks.py)."""
        return f"weave:pdf-queued:{self.name}"

    @property
    def _seconds(self) -> int | None:
        return None if self.register.edition else LIVE_SECONDS

    def current(self) -> RegisterPdf | None:
        return cache.get(self.key)

    def has_current(self) -> bool:
        return cache.has_key(self.key)

    def latest(self) -> RegisterPdf | None:
        """The latest PDF rendered of this register, whatever version it shows."""
        pointer = cache.get(self.latest_key)
        return None if pointer is None else cache.get(pointer.key)

    def state(self) -> PdfState:
        if self.has_current():
            return PdfState(ready=True, previous=None)
        return PdfState(ready=False, previous=cache.get(self.latest_key))

    def keep(self) -> RegisterPdf:
        """The PDF of the register as it is now, kept: the one already kept, the latest
        one again if nothing it shows has changed (a write elsewhere, say), or else a new
        one rendered here."""
        found = self.current()
        if found is not None:
            return found
        digest, as_of = pdf.content_digest(self.register, today=self.today)
        pointer: Latest | None = cache.get(self.latest_key)
        same = cache.get(pointer.key) if pointer and pointer.digest == digest else None
        if same is not None:
            made = pointer.made
            rendered = same
        else:
            made = timezone.now()
            context = pdf.document_context(self.register, self.permalink, self.today, as_of)
            rendered = RegisterPdf(
                content=pdf.render_register_pdf(context),
                digest=digest,
                as_of=as_of,
                filename=self.register.file_name("", "pdf", dated=timezone.localtime(as_of)),
            )
        cache.set(self.key, rendered, self._seconds)
        cache.set(self.latest_key, Latest(self.key, digest, as_of, made), None)
        return rendered


def remember_origin(origin: str) -> None:
    """Note a site address readers use, for renders that no request asks for."""
    origins = known_origins()
    if origins[:1] != [origin]:
        kept = [origin, *(o for o in origins if o != origin)][:ORIGINS_KEPT]
        cache.set(ORIGINS_KEY, kept, None)


def known_origins() -> list[str]:
    return cache.get(ORIGINS_KEY) or []
