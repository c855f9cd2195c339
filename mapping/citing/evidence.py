"""An evidence pack: a short document for coursework or an appraisal about one element of a
register, live or as an edition published it. For a standard, every behaviour and
descriptor that covers it; for a behaviour, every standard it evidences. Each link with its
relation, rationale and practice example, grouped from the strongest relation down; then
the links made to what sits under the element, element by element; and a reference list
with a full citation for each entry (the edition's, when made from an edition).

Written as Markdown here, as Word through python-docx (mapping/citing/evidence_docx.py)
and as a tagged PDF through WeasyPrint (mapping/views/evidence.py)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from mapping.citing.citations import Citation, cite, render_many, with_year_letters
from mapping.models.link_rows import RELATION_RANK, Relation, not_yet_approved
from mapping.register import Register
from standards.models import FrameworkKind
from standards.text import printable

ALL = 10**9
# Before a framework's own note on citing it: who owns its words, how to quote them.
NOTE_SAID = "On citing and reusing them: "


@dataclass(frozen=True)
class PackLink:
    reference: str
    other_code: str
    other_title: str
    relation_label: str
    rationale: str
    example: str
    url: str
    citation: Citation
    unapproved: str = ""  # "draft, not yet approved" for a live link that is not approved

    @property
    def reference_ends(self) -> list[str]:
        """The reference's two codes ("B10.1", "SKI.5"): a line breaks between them, never
        inside one (the PDF's narrow column)."""
        return self.reference.split(" → ", 1)


@dataclass(frozen=True)
class PackGroup:
    relation_label: str
    links: list[PackLink]


@dataclass(frozen=True)
class PackSection:
    code: str
    title: str
    groups: list[PackGroup]
    left_unlinked: str = ""  # with no links: the register's decision to leave it so, in words

    @property
    def count(self) -> int:
        return sum(len(group.links) for group in self.groups)


@dataclass(frozen=True)
class PublishedStandards:
    """A standards framework of the register, as its publisher published it: named in the
    pack (who sets the standard), and cited in its reference list (the primary source)."""

    name: str
    publisher: str
    version: str
    year: int | None
    url: str
    note: str

    @property
    def said(self) -> str:
        """ "The Regulator of Social Housing, Competence and Conduct Standard (2026)"."""
        dated = ", ".join(dict.fromkeys(filter(None, [self.version, str(self.year or "")])))
        return f"{self.publisher}, {self.name}" + (f" ({dated})" if dated else "")

    @property
    def csl_item(self) -> dict:
        """A report its publisher wrote; APA gives "n.d." for one without a year."""
        shown = self.version and self.version != str(self.year)  # not "(2021)" twice
        title = f"{self.name} ({self.version})" if shown else self.name
        item = {"id": f"standards-{self.name}", "type": "report", "title": title,
                "author": [{"literal": self.publisher}]}  # fmt: skip
        item |= {"issued": {"date-parts": [[self.year]]}} if self.year else {}
        return item | ({"URL": self.url} if self.url else {})


@dataclass
class Pack:
    register_name: str
    organisation: str
    framework_name: str
    other_framework_name: str
    code: str
    title: str
    level: str
    description: str
    wording: str  # whether the wording was checked against its publisher's own text
    retired: str  # why the element was retired, if it was
    left_unlinked: str  # the register's decision to leave it without links, in words
    is_standard: bool
    is_target: bool  # the register's links are made to it (a standard, say), not from it
    as_of: str  # "Edition 2: Launch, published 4 December 2026" or "The live register, …"
    url: str
    citation: Citation
    direct: list[PackGroup] = field(default_factory=list)
    under: list[PackSection] = field(default_factory=list)
    style: str = "apa"  # the reference list's: "apa" or "harvard"
    standards: list[PublishedStandards] = field(default_factory=list)

    @property
    def references_note(self) -> str:
        """What the reader adds to Harvard references made once for an edition and kept."""
        if self.style != "harvard" or self.citation.cited.accessed:
            return ""
        return (
            "Cite Them Right asks for the day you read each page: add “(Accessed: day "
            "month year)” after each address."
        )

    @property
    def references_heading(self) -> str:
        """APA's "References"; Cite Them Right's "Reference list", saying whose it is."""
        return "References" if self.style == "apa" else "Reference list (Harvard, Cite Them Right)"

    @property
    def links(self) -> list[PackLink]:
        sections = [PackSection(self.code, self.title, self.direct), *self.under]
        return [link for s in sections for group in s.groups for link in group.links]

    @property
    def heading(self) -> str:
        return f"Evidence pack: {self.code} {self.title}"

    @property
    def what(self) -> str:
        level = self.level.lower()
        if self.is_target:
            return f"What in {self.other_framework_name} covers this {level}"
        if self.is_standard:  # a crosswalk's source: a standard covering another's
            return f"What in {self.other_framework_name} this {level} covers"
        return f"Which of {self.other_framework_name} this {level} evidences"

    @property
    def references(self) -> list[Citation | PublishedStandards]:
        """What the reference list cites (each with its csl_item): the pack's element,
        the standards as their publishers published them, and every link."""
        return [self.citation, *self.standards, *(link.citation for link in self.links)]

    @property
    def other_heading(self) -> str:
        """The heading of the links tables' column naming the element at the other end."""
        return "Covered by" if self.is_target else "Covers" if self.is_standard else "Evidences"

    def reference_list(self, *, html_output: bool = False) -> list[tuple[str, str]]:
        """Each reference in the pack's style, with its permalink, in the style's order.
        Every entry has the one author, so that is by date (a year alone before a full
        date) and then title: the order of the entries' own plain text, in both styles."""
        citations = self.references
        texts = render_many([c.csl_item for c in citations], self.style, html_output=html_output)
        listed = sorted(zip((text.strip() for text in texts), citations, strict=True),
                        key=lambda entry: _plain(entry[0]))  # fmt: skip
        written = with_year_letters([text for text, _c in listed],
                                    [c.csl_item for _text, c in listed])  # fmt: skip
        return [(text, c.csl_item.get("URL", ""))
                for text, (_text, c) in zip(written, listed, strict=True)]  # fmt: skip


def _line(text: str) -> str:
    """A title on one line (one pasted with a line break would split a heading), without
    what an older install may hold that nothing prints."""
    return " ".join(printable(text).split())


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text)).casefold()


def build(register: Register, element, *, absolute, today: date, style: str = "apa") -> Pack:
    side = element.side
    other = "target" if side == "source" else "source"
    direct, *children = register.link_sections(element, at_most=ALL)
    read = None if register.edition else today  # an edition's pack is made once, and kept

    def link_of(row) -> PackLink:
        partner = row.end(other)
        return PackLink(
            reference=row.reference, other_code=partner.code, other_title=_line(partner.title),
            relation_label=row.get_relation_display(), rationale=row.rationale,
            example=row.example, url=absolute(register.urls.permanent(row.url)),
            citation=cite(register, row, absolute=absolute, today=read),
            unapproved=not_yet_approved(row),
        )  # fmt: skip

    def grouped(rows) -> list[PackGroup]:
        by_relation: dict[str, list] = {}
        for row in sorted(rows, key=lambda r: RELATION_RANK[r.relation]):
            by_relation.setdefault(row.relation, []).append(link_of(row))
        return [PackGroup(Relation(value).label, links) for value, links in by_relation.items()]

    edition = register.edition
    if edition:
        as_of = (f"Edition {edition.number}: {edition.title}, published "
                 f"{timezone.localtime(edition.published_at):%-d %B %Y}")  # fmt: skip
    else:
        as_of = f"The live register, as it stood on {today:%-d %B %Y}"
    wording = ""
    if register.framework(side).kind != FrameworkKind.STANDARDS:
        pass  # an organisation's own words (its behaviours): nobody else's to check against
    elif getattr(element, "is_unchecked", False):
        wording = "Paraphrase, not checked against the publisher's own text: quote the publisher."
    elif getattr(element, "is_not_published", False):
        wording = "Not part of the published standards: do not cite it as a standard."
    elif getattr(element, "is_checked", False):
        wording = "Wording checked against the publisher's own text."
    retired = ""
    if getattr(element, "retired", False):
        retired = element.retired_reason or "Retired from its framework."
    standards = [_published(register.framework(each)) for each in (side, other)
                 if register.framework(each).kind == FrameworkKind.STANDARDS]  # fmt: skip
    return Pack(
        standards=list(dict.fromkeys(standards)),
        left_unlinked=_decision(direct.left_unlinked),
        register_name=register.name, organisation=register.organisation,
        framework_name=register.framework(side).name,
        other_framework_name=register.framework(other).name,
        code=element.code, title=_line(element.title), level=element.level_label or "Element",
        description=element.description, wording=wording, retired=retired,
        is_standard=register.framework(side).kind == FrameworkKind.STANDARDS,
        is_target=side == "target", as_of=as_of,
        url=absolute(register.urls.permanent(element.url)),
        citation=cite(register, element, absolute=absolute, today=read),
        direct=grouped(direct.links),
        under=[PackSection(s.element.code, _line(s.element.title), grouped(s.links),
                           _decision(s.left_unlinked))
               for s in children], style=style,
    )  # fmt: skip


def _published(framework) -> PublishedStandards:
    return PublishedStandards(
        name=_line(framework.name), publisher=_line(framework.publisher),
        version=_line(framework.version_label), year=framework.year, url=framework.source_url,
        note=" ".join(printable(framework.citation_note).split()),
    )  # fmt: skip


def _decision(review) -> str:
    """The register's decision to leave an element without links, in words, or ""."""
    if review is None:
        return ""
    by = f" by {review.decided_by_name}" if review.decided_by_name else ""
    day = timezone.localtime(review.decided_at)
    return f"Reviewed and left unlinked on purpose on {day:%-d %B %Y}{by}: {_line(review.reason)}"


def markdown(pack: Pack) -> str:
    """The pack as Markdown, every text people wrote shown as written (_md)."""
    said = f"{_md(pack.register_name)}, {_md(pack.organisation)}. {_md(pack.as_of)}."
    lines = [f"# {_md(pack.heading)}", "", said, f"Permalink: <{pack.url}>", ""]
    if pack.retired:
        lines += [f"> **Retired.** {_md(pack.retired, indent='> ')}", ""]
    lines += [f"## The {_md(pack.level.lower())}", "", f"**{_md(pack.code)} {_md(pack.title)}** "
              f"({_md(pack.level)}, {_md(pack.framework_name)})", ""]  # fmt: skip
    if pack.description:
        lines += [_md(pack.description, indent=""), ""]
    if pack.wording:
        lines += [f"*{pack.wording}*", ""]
    for standards in pack.standards:
        where = f": <{standards.url}>" if standards.url else "."
        lines += [f"The standards: {_md(standards.said)}{where}", ""]
        lines += [f"{NOTE_SAID}{_md(standards.note)}", ""] if standards.note else []
    lines += [f"## {_md(pack.what)}", ""]
    lines += _groups_md(pack.direct, "###") or [
        f"No links are made to {_md(pack.code)} itself.",
        "",
        *([f"**{_md(pack.left_unlinked)}**", ""] if pack.left_unlinked else []),
    ]
    if pack.under:
        lines += [f"## What sits under {_md(pack.code)}", ""]
        for section in pack.under:
            lines += [f"### {_md(section.code)} {_md(section.title)}", ""]
            lines += _groups_md(section.groups, "####") or [
                f"No links. {_md(section.left_unlinked)}".strip(),
                "",
            ]
    lines += [f"## {pack.references_heading}", ""]
    lines += [pack.references_note, ""] if pack.references_note else []
    lines += [f"- {_md(text)}" for text, _url in pack.reference_list()]
    return "\n".join(lines).rstrip() + "\n"


def _groups_md(groups: list[PackGroup], level: str) -> list[str]:
    lines = []
    for group in groups:
        lines += [f"{level} {group.relation_label}", ""]
        for link in group.links:
            marked = f" *({link.unapproved})*" if link.unapproved else ""
            other = f"{_md(link.other_code)} {_md(link.other_title)}"
            lines.append(f"- **[{_md(link.reference)}]({link.url})**{marked} {other}: "
                         f"{_md(link.rationale)}")  # fmt: skip
            if link.example:  # a paragraph of its own in the item, not run on
                lines += ["", f"  *In practice:* {_md(link.example)}", ""]
        lines.append("")
    return lines


# What Markdown would read as markup inside a line: emphasis, code, links, headings, a
# backslash itself (escaped with a backslash, as every Markdown reader takes it); and a "<"
# or "&" that could start a tag or an entity (written as entities: not every reader takes
# a backslash before them).
_INLINE = re.compile(r"([\\`*_\[\]#])")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# What would start a block at the start of a line: a list, a quote, a heading's underline.
_LINE_START = re.compile(r"^(\s*)([-+>=])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")


def _md(text: str, *, indent: str = "  ") -> str:
    """Text as Markdown shows it, as written: its markup characters escaped, and each line
    break kept inside the list item or paragraph it is in (indent: the continuation's), as
    a hard break (two spaces at the end of the line: every reader takes those)."""
    lines = []
    for line in str(text).splitlines() or [""]:
        line = _TAG_START.sub("&lt;", _ENTITY.sub("&amp;", _INLINE.sub(r"\\\1", line)))
        lines.append(_NUMBERED.sub(r"\1\\\2", _LINE_START.sub(r"\1\\\2", line)))
    return f"  \n{indent}".join(lines)
