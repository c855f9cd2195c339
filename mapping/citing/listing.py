"""A reference list read against the registers: each entry's citation (APA, Harvard, BibTeX,
RIS, CSL-JSON, COinS), sorted as each style sorts its reference list, or what happened to
what it named (a link retired since, an edition that does not exist); and pinning every live
entry to its register's latest edition (or the newest that reads as it was read)."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import rispy
from citeproc import Citation as CiteprocCitation
from citeproc import CitationItem, CitationStylesBibliography, formatter
from citeproc.source.json import CiteProcJSON
from django.utils import timezone

from mapping.citing.as_read import AsRead
from mapping.citing.citations import (
    STYLE_FILES,
    _for_style,
    _PlainRisWriter,
    _retrieved,
    _style,
    cite,
    with_year_letters,
)
from mapping.citing.references import Entry, Resolved
from mapping.models import Edition, Mapping
from mapping.register import EditionRegister, LiveRegister, Register


@dataclass
class Registers:
    """The registers a list names, each loaded once: live, or at an edition."""

    mappings: dict[str, Mapping]
    editions: dict[tuple[str, int], Edition | None]  # None: looked for, not there
    _loaded: dict

    @classmethod
    def for_entries(cls, entries: list[Entry]) -> Registers:
        slugs = {entry.slug for entry in entries}
        mappings = {m.slug: m for m in Mapping.objects.with_frameworks().filter(slug__in=slugs)}
        wanted = {(e.slug, e.edition) for e in entries if e.edition}
        editions = dict.fromkeys(wanted)
        if wanted:
            found = Edition.objects.with_newest().filter(mapping__slug__in=slugs)
            for edition in found.select_related("published_by", "mapping"):
                editions[(edition.mapping.slug, edition.number)] = edition
        return cls(mappings, editions, {})

    def get(self, slug: str, number: int | None) -> Register | None:
        key = (slug, number)
        if key not in self._loaded:
            mapping = self.mappings.get(slug)
            if mapping is None:
                register = None
            elif number is None:
                register = LiveRegister(mapping)
            else:
                edition = self._edition(mapping, number)
                register = EditionRegister(edition) if edition is not None else None
            self._loaded[key] = register
        return self._loaded[key]

    def superseded(self, entries: list[Entry]) -> list[tuple[Register, Register]]:
        """Each edition the entries cite that a newer one has followed: (cited, newest)."""
        found = []
        for slug, number in sorted({(e.slug, e.edition) for e in entries if e.edition}):
            edition = self.editions.get((slug, number))
            newest = getattr(edition, "newest", None)
            if edition is not None and newest and newest > number:
                cited, latest = self.get(slug, number), self.get(slug, newest)
                if cited is not None and latest is not None:
                    found.append((cited, latest))
        return found

    def _edition(self, mapping: Mapping, number: int) -> Edition | None:
        """An edition the entries named (read with them), or one asked for since, such as
        the latest when pinning."""
        key = (mapping.slug, number)
        if key not in self.editions:
            found = Edition.objects.with_newest().filter(mapping=mapping, number=number)
            self.editions[key] = found.select_related("published_by").first()
        edition = self.editions[key]
        if edition is not None:
            edition.mapping = mapping
        return edition


def resolve(entries: list[Entry], *, absolute: Callable[[str], str], today: date,
            registers: Registers | None = None,
            added: dict[Entry, date] | None = None) -> list[Resolved]:  # fmt: skip
    """Every entry with its citation, or a note saying what became of what it named. A live
    entry is cited as read on the day it was added (added; today where not known), and
    one changed after that day says so."""
    registers = registers or Registers.for_entries(entries)
    added = added or {}
    return [_resolve(entry, registers, absolute, added.get(entry, today), entry in added)
            for entry in entries]  # fmt: skip


def _since_read(subject, read: date) -> str:
    """A live link's or element's note when it changed after the day it was read."""
    changed = getattr(subject, "updated_at", None)
    day = changed and timezone.localtime(changed).date()
    if day is None or day <= read:
        return ""
    return f"Changed on {day.day} {day:%B %Y}, after you added it: read it again before citing it."


def _resolve(entry: Entry, registers: Registers, absolute, today: date, known: bool = False
             ) -> Resolved:  # fmt: skip
    where = f"edition {entry.edition} of " if entry.edition else ""
    register = registers.get(entry.slug, entry.edition)
    if register is None:
        if entry.slug not in registers.mappings:
            return Resolved(entry, None, f"Register “{entry.slug}”", "",
                            "This register is no longer on this site.")  # fmt: skip
        return Resolved(entry, None, f"Edition {entry.edition}", "",
                        f"The register has no edition {entry.edition}.")  # fmt: skip
    if entry.kind == "register":
        return Resolved(entry, cite(register, absolute=absolute, today=today), register.name,
                        absolute(register.urls.permanent(register.urls.home)))  # fmt: skip
    if entry.kind == "link":
        link = register.link(entry.link)
        if link is None:
            return Resolved(entry, None, f"Link {entry.link}", "",
                            f"This link is not in {where}{register.name}.")  # fmt: skip
        note = _since_read(link, today) if known and entry.is_live else ""
        if link.is_retired:
            note = f"Retired since you added it: {link.retired_reason}".strip()
        citation = cite(register, link, absolute=absolute, today=today)
        return Resolved(entry, citation, link.reference, citation.cited.url, note)
    element = register.element(entry.side, entry.code)
    if element is None:
        return Resolved(entry, None, entry.code, "",
                        f"{entry.code} is not in {where}{register.name}.")  # fmt: skip
    note = _since_read(element, today) if known and entry.is_live else ""
    if getattr(element, "retired", False):
        note = "Retired from its framework since."
    citation = cite(register, element, absolute=absolute, today=today)
    return Resolved(entry, citation, f"{element.code} {element.title}", citation.cited.url,
                    note)  # fmt: skip


def in_style_order(resolved: list[Resolved], style: str) -> list[tuple[Resolved, str]]:
    """The citable entries as the style's reference list orders them, each with its entry
    in the style as HTML (citeproc sorts by the style's own rules: author, then date, then
    title for APA and Cite Them Right). The order is the plain text's: citeproc compares the
    formatted keys, and HTML's markup would move a title that ends where another goes on
    ("Standards</i>" after "Standards: B1")."""
    citable = [r for r in resolved if r.found]
    plain = _bibliography(citable, style, formatter.plain, str)
    if plain is None:
        return []
    marked_up = _bibliography(citable, style, formatter.html, _escape, order=plain.keys)
    items = {r.citation.csl_item["id"].lower(): r for r in citable}  # citeproc's keys
    ordered = [items[key.lower()] for key in marked_up.keys]
    rendered = _finished(ordered, marked_up.bibliography(), style, _escape)
    return list(zip(ordered, rendered, strict=True))


def as_text(resolved: list[Resolved], style: str) -> str:
    """The whole list in a style, as plain text, one entry a paragraph (for copy-all)."""
    if style not in STYLE_FILES:
        raise ValueError(style)
    citable = [r for r in resolved if r.found]
    bibliography = _bibliography(citable, style, formatter.plain, str)
    if bibliography is None:
        return ""
    items = {r.citation.csl_item["id"].lower(): r for r in citable}
    ordered = [items[key.lower()] for key in bibliography.keys]
    return "\n\n".join(_finished(ordered, bibliography.bibliography(), style, str)) + "\n"


def _finished(ordered: list[Resolved], entries, style: str, escape) -> list[str]:
    """The style's entries as a reference list needs them: APA's retrieval date for a live
    page (as a single citation has it), and, where one author has more than one entry of
    a year, the letters after the year that tell them apart in the text ("2026a",
    "2026b", in the list's order), which citeproc-py does not add."""
    written = [str(entry) for entry in entries]
    items = [r.citation.csl_item for r in ordered]
    if style == "apa":
        written = [_retrieved(text, item, escape)
                   for text, item in zip(written, items, strict=True)]  # fmt: skip
    return with_year_letters(written, items)


def _bibliography(citable: list[Resolved], style: str, output, escape: Callable[[str], str],
                  order: list[str] | None = None):  # fmt: skip
    """citeproc's reference list of the citable entries in a style, sorted by its rules (or
    in the order given: another run's keys)."""
    if not citable:
        return None
    source = CiteProcJSON([_for_style(r.citation.csl_item, escape) for r in citable])
    bibliography = CitationStylesBibliography(_style(style), source, output)
    for r in citable:
        bibliography.register(CiteprocCitation([CitationItem(r.citation.csl_item["id"])]))
    if order is None:
        bibliography.sort()
    else:
        by_key = {item.key: item for item in bibliography.items}
        bibliography.items = [by_key[key] for key in order]
        bibliography.keys = list(order)
    return bibliography


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def as_file(resolved: list[Resolved], name: str) -> str:
    """The whole list as one BibTeX, RIS or CSL-JSON file."""
    citable = [r.citation for r in resolved if r.found]
    if name == "bibtex":
        return "\n".join(citation.bibtex() for citation in citable)
    if name == "ris":
        return "".join(rispy.dumps([c.ris_record()], implementation=_PlainRisWriter)
                       for c in citable)  # fmt: skip
    if name == "csl-json":
        return json.dumps([c.csl_item for c in citable], ensure_ascii=False, indent=2) + "\n"
    raise ValueError(name)


def pin_to_latest(
    entries: list[Entry], registers: Registers, added: dict[Entry, date] | None = None
) -> tuple[list[Entry], list[str], list[str]]:
    """Every live entry pinned to its register's latest edition, where that edition has
    what it names and reads as the page did on the day it was added (added: those days,
    where known); else to the newest edition that does. Returns the entries, the reasons
    for those left live, and those pinned to an edition older than the latest."""
    pinned, left, older = [], [], []
    as_read, held = AsRead(entries, added or {}), {}
    for entry in entries:
        if not entry.is_live:
            pinned.append(entry)
            continue
        live = registers.get(entry.slug, None)
        latest = live.latest_edition if live is not None else None
        if latest is None:
            pinned.append(entry)
            left.append(f"{entry.slug}: no edition has been published yet")
            continue
        number, day = latest.number, (added or {}).get(entry)
        if day is not None and entry.kind != "register":
            number = as_read.edition(live, entry, day)
            if number is None and not _holds(registers.get(entry.slug, latest.number), entry,
                                             held):  # fmt: skip
                number = latest.number  # said below: not in it
            elif number is None:
                pinned.append(entry)
                left.append(f"{_named(entry, live)}: no edition reads as it did when you "
                            f"added it on {day.day} {day:%B %Y} (open it and add the version "
                            "you mean to cite)")  # fmt: skip
                continue
        candidate = entry.pinned(number)
        if _holds(registers.get(entry.slug, number), candidate, held):
            pinned.append(candidate)
            if number != latest.number:
                older.append(f"{_named(entry, live)} (edition {number})")
        else:
            pinned.append(entry)
            left.append(f"{_named(entry, live)}: not in edition {number}")
    return pinned, left, older


def _holds(register: Register | None, entry: Entry, held: dict) -> bool:
    """_has, reading each register's link ids once for a whole list (held: by register)."""
    if register is None or entry.kind != "link":
        return _has(register, entry)
    key = (register.slug, register.edition.number if register.edition else None)
    if key not in held:
        links = register.links()
        held[key] = set(links.values_list(links.model.stable_id, flat=True))
    return entry.link in held[key]


def _has(register: Register | None, entry: Entry) -> bool:
    if register is None:
        return False
    if entry.kind == "register":
        return True
    if entry.kind == "link":
        return register.link(entry.link) is not None
    return register.element(entry.side, entry.code) is not None


def _named(entry: Entry, live: Register) -> str:
    """What an entry names, as its reader knows it ("B9.1 → INT.4", not "link 77")."""
    if entry.kind == "link":
        link = live.link(entry.link)
        return link.reference if link is not None else f"link {entry.link}"
    return {"register": live.name, "element": entry.code or ""}[entry.kind]
