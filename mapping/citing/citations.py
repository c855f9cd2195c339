"""Citing the register, an edition, a link or an element, in the formats students need.

CSL-JSON is the source of truth. APA (7th edition) and Harvard (Cite Them Right) come from
the official CSL styles, vendored in mapping/vendor/csl-styles with their licence, through
citeproc-py; BibTeX is written by pybtex and RIS by rispy. A live page is cited with the
date the reader accessed it; a page pinned to an edition cites the edition, which never
changes: APA then gives no date of reading, Cite Them Right's Harvard still does.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlencode

import rispy
from citeproc import (
    Citation as CiteprocCitation,
)
from citeproc import (
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from django.utils import timezone
from pybtex.database import BibliographyData, Entry, Person
from rispy.writer import RisWriter

from mapping.coverage.rules import PlainLink
from mapping.models.link_rows import LinkClaim
from standards.text import printable

STYLES = Path(__file__).resolve().parent / "csl-styles"
# APA is an American style (dates "November 30"); Cite Them Right a British one ("2nd edn").
STYLE_FILES = {"apa": ("apa.csl", "en-US"), "harvard": ("harvard-cite-them-right.csl", "en-GB")}


@dataclass(frozen=True)
class Format:
    label: str
    media_type: str
    extension: str


FORMATS = {
    "apa": Format("APA 7th edition", "text/plain", "txt"),
    "harvard": Format("Harvard (Cite Them Right)", "text/plain", "txt"),
    "bibtex": Format("BibTeX", "application/x-bibtex", "bib"),
    "ris": Format("RIS", "application/x-research-info-systems", "ris"),
    "csl-json": Format("CSL-JSON", "application/vnd.citationstyles.csl+json", "json"),
}


@dataclass(frozen=True)
class Cited:
    """What is being cited, in the terms every format needs."""

    key: str  # BibTeX key and CSL id
    title: str
    organisation: str  # the author and the publisher
    url: str  # the permalink
    issued: date
    accessed: date | None = None  # the day it was read (not in what is kept for an edition)
    edition: int | None = None  # pages pinned to an edition only

    @property
    def csl(self) -> dict:
        """The CSL-JSON item: a live page is a web page that changes; a page pinned to an
        edition is part of a published, numbered document."""
        item = {
            "id": self.key,
            "type": "report" if self.edition else "webpage",
            "title": self.title,
            "author": [{"literal": self.organisation}],
            "publisher": self.organisation,
            "issued": {"date-parts": [[self.issued.year, self.issued.month, self.issued.day]]},
            "URL": self.url,
            "language": "en-GB",
        }
        if self.edition:
            item |= {"edition": str(self.edition), "version": str(self.edition)}
        if self.accessed:
            item["accessed"] = {"date-parts": [_parts(self.accessed)]}
        return item


def _parts(day: date) -> list[int]:
    return [day.year, day.month, day.day]


@cache
def _style(name: str) -> CitationStylesStyle:
    filename, locale = STYLE_FILES[name]
    return CitationStylesStyle(str(STYLES / filename), locale=locale, validate=False)


def _for_style(item: dict, escape) -> dict:
    """The item as a style renders it. APA (and Cite Them Right) leave out the publisher
    when it is the author, and the edition when it is the first; for HTML, every value is
    escaped first, as citeproc-py's HTML formatter passes text through as it is."""
    item = {k: v for k, v in item.items() if k not in ("publisher", "version", "language")}
    if item.get("edition") == "1":  # both give an edition's number only after the first
        del item["edition"]

    def clean(value):
        if isinstance(value, str):
            return escape(value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: v if k == "date-parts" else clean(v) for k, v in value.items()}
        return value

    return {k: v if k in ("id", "type") else clean(v) for k, v in item.items()}


def _render(item: dict, style: str, html_output: bool) -> str:
    escape = (lambda text: html.escape(text, quote=False)) if html_output else str
    source = CiteProcJSON([_for_style(item, escape)])
    bibliography = CitationStylesBibliography(
        _style(style), source, formatter.html if html_output else formatter.plain
    )
    bibliography.register(CiteprocCitation([CitationItem(item["id"])]))
    written = str(bibliography.bibliography()[0])
    if style == "apa":
        written = _retrieved(written, item, escape)
    return written


def _retrieved(written: str, item: dict, escape) -> str:
    """APA's retrieval date, before the address, for a page designed to change (APA 9.16):
    the style writes one only for a work without a date, and a live page has the date it
    last changed."""
    if "accessed" not in item or "edition" in item:  # an edition never changes
        return written
    year, month, day = item["accessed"]["date-parts"][0]
    url = escape(item["URL"])
    before, found, after = written.rpartition(url)
    if not found or "Retrieved" in written:
        return written
    return f"{before}Retrieved {date(year, month, day):%B} {day}, {year}, from {url}{after}"


TITLE_MARK, URL_MARK = "WEAVETITLEMARK", "https://weave.invalid/URLMARK"


def render_many(items: list[dict], style: str, *, html_output: bool) -> list[str]:
    """Many entries in one style, in the order given, as _render would write each. A
    style lays out every item of one shape (type, author, dates, edition) alike, so each
    shape is rendered once with stand-ins for its title and address, which are then put
    in (escaped as _render escapes them); an entry whose stand-ins the style changed is
    rendered on its own. citeproc-py takes milliseconds an entry: a pack of 1,000 links
    would otherwise spend seconds on its reference list."""
    escape = (lambda text: html.escape(text, quote=False)) if html_output else str
    shapes: dict[str, str | None] = {}
    written = []
    for item in items:
        shape = {k: v for k, v in item.items() if k not in ("id", "title", "URL")}
        key = json.dumps(shape, sort_keys=True)
        if key not in shapes:
            sample = _render({**shape, "id": "shape", "title": TITLE_MARK, "URL": URL_MARK},
                             style, html_output)  # fmt: skip
            fits = sample.count(TITLE_MARK) == 1 and sample.count(URL_MARK) == 1
            shapes[key] = sample if fits else None
        sample = shapes[key]
        if (sample is None or "URL" not in item or URL_MARK in item["title"]
                or TITLE_MARK in item["title"]):  # fmt: skip
            written.append(_render(item, style, html_output))
        else:
            written.append(sample.replace(TITLE_MARK, escape(item["title"]))
                           .replace(URL_MARK, escape(item["URL"])))  # fmt: skip
    return written


def with_year_letters(written: list[str], items: list[dict]) -> list[str]:
    """A reference list's entries (written from items, in the list's order) where one
    author has more than one entry of a year: the letters after the year that tell them
    apart in the text ("2026a", "2026b", in the list's order), which citeproc-py does not
    add (APA 9.47)."""
    written = list(written)
    by_author_year: dict[tuple, list[int]] = {}
    for place, item in enumerate(items):
        if "issued" not in item:  # "n.d.": no year to tell apart
            continue
        key = (json.dumps(item["author"], sort_keys=True), item["issued"]["date-parts"][0][0])
        by_author_year.setdefault(key, []).append(place)
    for (_author, year), places in by_author_year.items():
        if len(places) > 1:
            for number, place in enumerate(places):
                written[place] = written[place].replace(f"({year}", f"({year}{_letters(number)}", 1)
    return written


def _letters(number: int) -> str:
    """a, b, … z, then aa, ab, …: the year suffix of the number-th entry (from 0)."""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


class _PlainRisWriter(RisWriter):
    """rispy's RIS, without the "1." line it puts before each reference by default."""

    def set_header(self, count: int) -> str:
        return ""


@dataclass(frozen=True)
class Citation:
    cited: Cited

    @property
    def csl_item(self) -> dict:
        return self.cited.csl

    def apa_html(self) -> str:
        return _render(self.csl_item, "apa", html_output=True)

    def harvard_html(self) -> str:
        return _render(self.csl_item, "harvard", html_output=True)

    def text(self, name: str) -> str:
        """The citation in one of FORMATS, as text."""
        if name in STYLE_FILES:
            return _render(self.csl_item, name, html_output=False)
        return {"bibtex": self.bibtex, "ris": self.ris, "csl-json": self.csl_json}[name]()

    def csl_json(self) -> str:
        text = json.dumps([self.csl_item], ensure_ascii=False, indent=2)
        # Dates read better on one line: "date-parts": [[2026, 11, 30]].
        numbers = re.compile(r"\[\s*((?:\d+,\s*)*\d+)\s*\]")
        text = numbers.sub(lambda found: f"[{', '.join(found[1].replace(',', ' ').split())}]", text)
        return re.sub(r"\[\s*(\[[\d, ]+\])\s*\]", r"[\1]", text)

    def bibtex(self) -> str:
        cited = self.cited
        fields = {
            # Braced whole: a style's sentence case would lower "CIH", "B2.1" and "INT.4".
            "title": f"{{{_latex(cited.title)}}}",
            "year": str(cited.issued.year),
            "month": _MONTH,  # the style's own month (dec), written below
            "publisher": _latex(cited.organisation),
            "url": cited.url,  # once: a howpublished \url as well printed it twice
        }
        if cited.edition:
            fields |= {"version": str(cited.edition), "edition": str(cited.edition)}
        if cited.accessed:
            fields["urldate"] = cited.accessed.isoformat()
        # Double braces keep an organisation whole, not read as a surname and first names.
        author = Person(f"{{{_latex(cited.organisation)}}}")
        entry = Entry("misc", fields=fields, persons={"author": [author]})
        text = BibliographyData({cited.key: entry}).to_string("bibtex")
        return text.replace(f'"{_MONTH}"', f"{cited.issued:%b}".lower())

    def ris(self) -> str:
        return rispy.dumps([self.ris_record()], implementation=_PlainRisWriter)

    def ris_record(self) -> dict:
        cited = self.cited
        reference = {
            "type_of_reference": "RPRT" if cited.edition else "ELEC",
            "authors": [cited.organisation],
            "title": cited.title,
            "year": str(cited.issued.year),
            "date": cited.issued.strftime("%Y/%m/%d"),
            "publisher": cited.organisation,
            "urls": [cited.url],
            "language": "en-GB",
        }
        if cited.edition:
            reference["edition"] = str(cited.edition)
        if cited.accessed:
            reference["access_date"] = cited.accessed.strftime("%Y/%m/%d")
        return reference

    def coins(self) -> str:
        """The citation as a COinS title (an OpenURL ContextObject, Dublin Core): one span
        a citable thing, for reference managers that save several items from one page."""
        cited = self.cited
        fields = [
            ("ctx_ver", "Z39.88-2004"),
            ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
            ("rft_id", cited.url),
            ("rft.title", cited.title),
            ("rft.creator", cited.organisation),
            ("rft.publisher", cited.organisation),
            ("rft.date", cited.issued.isoformat()),
            ("rft.identifier", cited.url),
            ("rft.type", "report" if cited.edition else "webpage"),
            ("rft.language", "en-GB"),
        ]
        if cited.edition:
            fields.append(("rft.relation", f"Edition {cited.edition}"))
        return urlencode(fields, quote_via=quote)

    def meta_tags(self) -> list[tuple[str, str]]:
        """The citation as <meta> tags that reference managers (Zotero's Embedded Metadata)
        read from a page's head: Highwire Press and Dublin Core."""
        cited = self.cited
        tags = [
            ("citation_title", cited.title),
            ("citation_author", cited.organisation),
            ("citation_publisher", cited.organisation),
            ("citation_date", cited.issued.strftime("%Y/%m/%d")),
            ("citation_public_url", cited.url),
            ("citation_language", "en-GB"),
            ("DC.title", cited.title),
            ("DC.creator", cited.organisation),
            ("DC.publisher", cited.organisation),
            ("DC.date", cited.issued.isoformat()),
            ("DC.identifier", cited.url),
            ("DC.type", "Text"),
        ]
        if cited.edition:
            tags += [
                ("citation_technical_report_institution", cited.organisation),
                ("citation_technical_report_number", f"Edition {cited.edition}"),
            ]
        return tags


def cite(register, subject=None, *, absolute, today: date | None) -> Citation:
    """The citation of a register's page: the register itself (its guide, or an edition's),
    one of its links, or one of its elements. absolute() turns the page's path into its
    full permalink; today is the date the page is accessed (Harvard gives it for an edition
    too; APA only for a live page), None in what is made once for an edition and kept (its
    PDF, its evidence packs), where the reader adds the day they read it."""
    edition = register.edition
    if isinstance(subject, PlainLink):
        # Coverage's plain rows leave out when a link changed: its citation needs the link.
        subject = register.link(subject.link_id)
    if subject is None:
        title, path, changed, part = register.name, register.urls.home, register.last_changed, ""
    elif isinstance(subject, LinkClaim):
        title = (
            f"{register.name}: link {subject.reference} ({subject.source.code} "
            f"{subject.source.title}; {subject.target.code} {subject.target.title})"
        )
        path, changed = subject.url, subject.updated_at
        part = f"{subject.source.code}-{subject.target.code}"
    else:
        title = f"{register.name}: {subject.code} {subject.title}"
        path, changed, part = subject.url, getattr(subject, "updated_at", None), subject.code
    issued = edition.published_at if edition else (changed or register.last_changed)
    key = "-".join(filter(None, [register.slug, f"edition-{edition.number}" if edition else "",
                                 part]))  # fmt: skip
    return Citation(
        Cited(
            key=key,
            # One line each: a line break pasted into a title would end an RIS field (and
            # the record, were the next line "ER  -") where it falls.
            title=" ".join(printable(title).split()),
            organisation=" ".join(printable(register.organisation).split()),
            url=absolute(register.urls.permanent(path)),
            issued=_local_date(issued),
            accessed=today,
            edition=edition.number if edition else None,
        )
    )


def _local_date(moment: datetime | date) -> date:
    return timezone.localtime(moment).date() if isinstance(moment, datetime) else moment


# What pybtex leaves as it is and LaTeX would read as markup: an unmatched brace in a
# title ("Acme {Housing") made the entry unreadable (and pybtex refuse to write it).
# pybtex itself escapes & % # _ and ~. A link's arrow is written as LaTeX's own (pdflatex
# has no glyph for U+2192).
_LATEX = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
          "$": r"\$", "^": r"\textasciicircum{}", "→": r"\textrightarrow{}"}  # fmt: skip
_MONTH = "weave-month"


def _latex(text: str) -> str:
    return "".join(_LATEX.get(character, character) for character in text)
