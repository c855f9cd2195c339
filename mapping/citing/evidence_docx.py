"""An evidence pack (mapping/citing/evidence.py) as a Word document, through python-docx:
real Word headings (Heading 1 to 3, so Word's navigation pane and a table of contents find
them), one table for the links (reference, element, relation, why, in practice), and
hyperlinks that work (a relationship to each permalink, not just blue text)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, time

from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from mapping.citing.evidence import NOTE_SAID, Pack, PackGroup
from standards.text import printable

COLUMNS = ("Reference", None, "Relation", "Why", "In practice")  # None: pack.other_heading
# Word cannot hold a control character that an older install may have saved: left out.
_t = printable


def docx(pack: Pack) -> bytes:
    document = Document()
    properties = document.core_properties
    properties.title, properties.author = _t(pack.heading), _t(pack.organisation)
    properties.subject, properties.language = _t(pack.register_name), "en-GB"
    # What File, Properties shows: when what it says was issued (an edition's publishing,
    # the live register's last change), not the python-docx template's own 2013 dates.
    issued = datetime.combine(pack.citation.cited.issued, time(12), tzinfo=UTC)
    properties.created = properties.modified = issued
    properties.last_modified_by, properties.comments = _t(pack.organisation), _t(pack.as_of)
    properties.revision, properties.keywords = 1, ""
    _application(document)
    document.styles["Normal"].font.size = Pt(10)
    _british_a4(document)
    document.add_heading(_t(pack.heading), level=1)
    intro = document.add_paragraph(_t(f"{pack.register_name}, {pack.organisation}. {pack.as_of}. "))
    _hyperlink(intro, pack.url, pack.url)
    if pack.retired:
        retired = document.add_paragraph()
        run = retired.add_run(_t(f"Retired. {pack.retired}"))
        run.bold = True
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    document.add_heading(_t(f"The {pack.level.lower()}"), level=2)
    element = document.add_paragraph()
    element.add_run(_t(f"{pack.code} {pack.title}")).bold = True
    element.add_run(_t(f" ({pack.level}, {pack.framework_name})"))
    if pack.description:
        document.add_paragraph(_t(pack.description))
    if pack.wording:
        document.add_paragraph().add_run(_t(pack.wording)).italic = True
    for standards in pack.standards:
        said = document.add_paragraph(
            _t(f"The standards: {standards.said}" + (": " if standards.url else "."))
        )
        if standards.url:
            _hyperlink(said, standards.url, standards.url)
        if standards.note:
            document.add_paragraph(_t(f"{NOTE_SAID}{standards.note}"))
    document.add_heading(_t(pack.what), level=2)
    if not _table(document, pack, pack.direct):
        document.add_paragraph(f"No links are made to {pack.code} itself.")
        if pack.left_unlinked:
            document.add_paragraph().add_run(_t(pack.left_unlinked)).bold = True
    if pack.under:
        document.add_heading(f"What sits under {pack.code}", level=2)
        for section in pack.under:
            document.add_heading(_t(f"{section.code} {section.title}"), level=3)
            if not _table(document, pack, section.groups):
                document.add_paragraph(f"No links. {_t(section.left_unlinked)}".strip())
    document.add_heading(pack.references_heading, level=2)
    if pack.references_note:
        document.add_paragraph(pack.references_note)
    for text, url in pack.reference_list():
        entry = document.add_paragraph()  # no bullets, a hanging indent (both styles)
        entry.paragraph_format.left_indent = Cm(1.27)
        entry.paragraph_format.first_line_indent = Cm(-1.27)
        before, found, after = text.partition(url) if url else (text, "", "")
        entry.add_run(_t(before))
        if found:
            _hyperlink(entry, url, url)
        if after:
            entry.add_run(_t(after))
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _table(document, pack: Pack, groups: list[PackGroup]) -> bool:
    """One table for the links of a section, strongest relation first; False if none."""
    links = [link for group in groups for link in group.links]
    if not links:
        return False
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, title in zip(header.cells, COLUMNS, strict=True):
        cell.paragraphs[0].add_run(_t(title or pack.other_heading)).bold = True
    for link in links:
        cells = table.add_row().cells
        _hyperlink(cells[0].paragraphs[0], link.reference, link.url)
        cells[1].text = _t(f"{link.other_code} {link.other_title}")
        marked = f" ({link.unapproved})" if link.unapproved else ""
        cells[2].text = _t(link.relation_label + marked)
        cells[3].text = _t(link.rationale)
        cells[4].text = _t(link.example)
    document.add_paragraph()
    return True


def _british_a4(document) -> None:
    """A4 pages (python-docx's template is US Letter) and British English for the spelling
    checker (its template says en-US)."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), "en-GB")


def _repeat_as_header(row) -> None:
    """Mark a table's first row as its header: repeated on each page, read as headers."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _hyperlink(paragraph, text: str, url: str) -> None:
    """A working hyperlink in Word: a run inside <w:hyperlink> pointing at an external
    relationship, styled as Word styles hyperlinks."""
    part = paragraph.part
    relationship = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0B4F8A")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(colour)
    properties.append(underline)
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = _t(text)
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)


def _application(document) -> None:
    """docProps/app.xml names the program that made the file: Weave, not the template's
    "Microsoft Macintosh Word"."""
    for part in document.part.package.parts:
        if str(part.partname) == "/docProps/app.xml":
            part._blob = re.sub(rb"<Application>[^<]*</Application>",
                                b"<Application>Weave</Application>", part.blob)  # fmt: skip
