"""Evidence packs, read back by independent readers: python-docx for Word (headings in
order, the table's rows the links the element's page lists, every hyperlink a permalink),
pdftotext and the PDF/UA checker for the PDF, and the Markdown as text."""

import io
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from django.core.management import call_command

from mapping.models import Link, LinkStatus
from mapping.models.retiring import retire_element
from standards.models import Element
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

PDFUA = str(Path(sys.executable).with_name("pdfua"))  # the checker, beside this Python
INT = "/elements/cih-professional-standards-2021/INT/"
# Permalinks name the register (its pages are also at the top of the site while it is the
# default).
PERMALINKS = "http://testserver/m/example-homes-cih"
B1 = "/elements/example-homes-behaviours/B1/"


@pytest.fixture
def int_links(demo):
    """Every link to INT or to what sits under it: what the pack must list."""
    return list(demo.links.filter(target__code__startswith="INT").select_related("source"))


def test_markdown_lists_every_link_strongest_first(client, demo, int_links):
    response = client.get(INT + "evidence.md")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert 'filename="example-homes-cih-INT-evidence.md"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("# Evidence pack: INT Integrity\n")
    for link in int_links:
        assert f"[{link.source.code} → {link.target.code}]({PERMALINKS}/links/{link.pk}/)" \
            in text  # fmt: skip
    section = text.split("### INT.1 ")[1].split("### INT.2 ")[0]
    assert section.index("#### Is the same as") < section.index("#### Partly covers")
    assert "## References" in text and text.count("\n- Example Homes (illustrative).") == \
        len(int_links) + 1  # fmt: skip
    # Read as Markdown, each example is a paragraph of its own, not run onto the rationale.
    import markdown

    html = markdown.markdown(text)
    examples = [link.example for link in int_links if link.example]
    assert examples and all(f"<p><em>In practice:</em> {example}</p>" in html
                            for example in examples)  # fmt: skip


def test_word_has_real_headings_a_table_of_the_links_and_working_hyperlinks(client, demo,
                                                                           int_links):  # fmt: skip
    response = client.get(INT + "evidence.docx")
    document = docx.Document(io.BytesIO(response.content))
    headings = [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith("Heading")]  # fmt: skip
    assert headings[:4] == [
        ("Heading 1", "Evidence pack: INT Integrity"),
        ("Heading 2", "The characteristic"),
        ("Heading 2", "What in Example Homes: Our Behaviours covers this characteristic"),
        ("Heading 2", "What sits under INT"),
    ]
    codes = [text.split()[0] for style, text in headings if style == "Heading 3"]
    assert codes == sorted(codes) and codes[0] == "INT.1"
    assert headings[-1] == ("Heading 2", "References")
    rows = [row for table in document.tables for row in table.rows[1:]]
    assert len(rows) == len(int_links)
    assert {row.cells[0].text for row in rows} == {
        f"{link.source.code} → {link.target.code}" for link in int_links
    }
    targets = {rel.target_ref for rel in document.part.rels.values() if "hyperlink" in rel.reltype}
    standards = "https://www.cih.org/psf"  # the published standards, named and cited
    assert targets == {f"{PERMALINKS}{INT}", standards} | {
        f"{PERMALINKS}/links/{link.pk}/" for link in int_links
    }
    linked = [row for row in rows if row.cells[0]._tc.xpath(".//w:hyperlink")]
    assert len(linked) == len(rows), "each row's reference is a hyperlink"
    for target in targets - {standards}:
        assert target.startswith("http://testserver/")
        assert client.get(target.removeprefix("http://testserver")).status_code == 200
    assert document.core_properties.title == "Evidence pack: INT Integrity"
    # The column names what the PDF's does; the references, as APA sets them out: in its
    # order (the own author's: date, then title), not bulleted, with a hanging indent.
    assert [cell.text for cell in document.tables[0].rows[0].cells][:2] == \
        ["Reference", "Covered by"]  # fmt: skip
    after = [p for p in document.paragraphs][[p.text for p in document.paragraphs]
                                             .index("References") + 1:]  # fmt: skip
    assert after and all(p.style.name == "Normal" for p in after)
    assert all(p.paragraph_format.first_line_indent < 0 for p in after)
    assert [p.text for p in after] == sorted((p.text for p in after), key=str.casefold)


def test_the_pdf_is_tagged_and_reads_as_the_pack(client, demo, int_links, tmp_path):
    response = client.get(INT + "evidence.pdf")
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.content)
    check = subprocess.run([PDFUA, "check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0 and "errors=0 warnings=0" in check.stdout, check.stdout
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())  # fmt: skip
    assert "Evidence pack: INT Integrity" in text
    for link in int_links:
        assert f"{link.source.code} → {link.target.code}" in text
    assert ("The standards: Chartered Institute of Housing, CIH Professional Standards "
            "(2021): https://www.cih.org/psf On citing and reusing them:") in text  # fmt: skip


def test_every_pack_names_the_standards_and_cites_them_as_published(client, demo):
    """An inspector or a marker reads who sets the standard and where its own text is, and
    the reference list cites that text beside the register's pages."""
    for page in (INT, B1):  # a standard's pack, and a behaviour's (the standards it meets)
        text = client.get(page + "evidence.md").content.decode()
        said = text.split("## ", 2)[1]
        assert (
            "The standards: Chartered Institute of Housing, CIH Professional Standards "
            "(2021): <https://www.cih.org/psf>\n\nOn citing and reusing them: The official "
            "wording of the CIH"
        ) in said
        assert (
            "- Chartered Institute of Housing. (2021). CIH Professional Standards. "
            "https://www.cih.org/psf\n"
        ) in text
        assert text.count("Chartered Institute of Housing. (2021)") == 1
    harvard = client.get(INT + "evidence.md", {"style": "harvard"}).content.decode()
    assert ("- Chartered Institute of Housing (2021) CIH Professional Standards. Available at: "
            "https://www.cih.org/psf.") in harvard  # fmt: skip
    document = docx.Document(io.BytesIO(client.get(INT + "evidence.docx").content))
    assert any(p.text.startswith("The standards: Chartered Institute of Housing, CIH")
               for p in document.paragraphs)  # fmt: skip


def test_a_standard_without_a_year_or_an_address_is_cited_without_them(client, demo):
    demo.target_framework.__class__.objects.filter(pk=demo.target_framework_id).update(
        year=None, version_label="", source_url=""
    )
    text = client.get(INT + "evidence.md").content.decode()
    assert "The standards: Chartered Institute of Housing, CIH Professional Standards.\n" in text
    assert "- Chartered Institute of Housing. (n.d.). CIH Professional Standards.\n" in text


def test_a_behaviours_pack_says_what_it_evidences(client, demo):
    text = client.get(B1 + "evidence.md").content.decode()
    assert "## Which of CIH Professional Standards this behaviour evidences" in text
    assert "B1 → INC" in text and "### B1.1 " in text
    # The organisation's own words: no publisher's text to have checked them against.
    assert "Paraphrase" not in text and "publisher's own text" not in text


def test_the_word_pack_is_a4_and_british(client, demo):
    pack = docx.Document(io.BytesIO(client.get(INT + "evidence.docx").content))
    section = pack.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    styles = pack.styles.element.xml
    assert 'w:lang w:val="en-GB"' in styles and 'w:val="en-US"' not in styles


def test_the_word_packs_properties_say_who_made_it_and_when(client, published):
    """File, Properties: the edition's date and the organisation, made by Weave; not the
    python-docx template's 2013 dates and "Microsoft Macintosh Word"."""
    import zipfile

    from mapping.models import Edition

    content = client.get("/editions/1" + INT + "evidence.docx").content
    properties = docx.Document(io.BytesIO(content)).core_properties
    published_on = Edition.objects.get(mapping=published["mapping"], number=1).published_at
    assert properties.created.date() == properties.modified.date() == published_on.date()
    assert properties.author == properties.last_modified_by == "Example Homes (illustrative)"
    assert "python-docx" not in (properties.comments or "")
    app = zipfile.ZipFile(io.BytesIO(content)).read("docProps/app.xml").decode()
    assert "<Application>Weave</Application>" in app and "Macintosh" not in app


def test_an_editions_pack_cites_the_edition(client, published):
    text = client.get("/editions/1" + INT + "evidence.md").content.decode()
    assert "Edition 1: " in text.split("## ")[0]
    references = text.split("## References")[1]
    assert "/editions/1/" in references and "1st ed" not in references  # the first: no number
    assert "Retrieved" not in references and "Accessed" not in references  # kept: no day
    assert "http://testserver/links/" not in references


def test_a_retired_elements_pack_says_so_on_its_cover(client, demo, people):
    element = Element.objects.get(framework=demo.target_framework, code="INT.6")
    demo.links.filter(target=element).delete()
    retire_element(element, by=people["editor"], reason="Withdrawn from the standards.")
    text = client.get(INT.replace("INT/", "INT.6/") + "evidence.md").content.decode()
    assert "> **Retired.** Withdrawn from the standards." in text.split("## ")[0]
    pdf = client.get(INT.replace("INT/", "INT.6/") + "evidence.pdf").content
    first = subprocess.run(["pdftotext", "-l", "1", "-", "-"], input=pdf, capture_output=True,
                           check=True).stdout.decode()  # fmt: skip
    assert "Retired. Withdrawn from the standards." in " ".join(first.split())


@pytest.mark.parametrize(
    "url",
    [
        INT.replace("INT/", "NOPE/") + "evidence.pdf",
        INT + "evidence.txt",
        "/editions/9" + INT + "evidence.md",
    ],
)
def test_what_is_not_there_is_a_404(client, published, url):
    assert client.get(url).status_code == 404


def test_the_reference_list_reads_as_each_citation_on_its_own(client, published, rf):
    """Rendered a shape at a time (mapping/citing/citations.py: render_many), every entry
    is what citeproc writes for it alone."""
    from django.utils import timezone

    from mapping.citing import evidence
    from mapping.citing.citations import _render
    from mapping.register import EditionRegister, LiveRegister

    for register in (LiveRegister(published["mapping"]), EditionRegister(published["edition"])):
        element = register.element("target", "INT")
        pack = evidence.build(register, element, absolute=rf.get("/").build_absolute_uri,
                              today=timezone.localdate())  # fmt: skip
        for html_output in (False, True):
            listed = [text for text, _url in pack.reference_list(html_output=html_output)]
            alone = [_render(c.csl_item, "apa", html_output).strip()
                     for c in pack.references]  # fmt: skip
            assert sorted(_without_letters(text) for text in listed) == sorted(alone)
        plain = [text for text, _url in pack.reference_list()]
        assert plain == sorted(plain, key=str.casefold), "APA's order"
        # The standards themselves, by their publisher, among the register's own pages.
        assert plain[0] == (
            "Chartered Institute of Housing. (2021). CIH Professional "
            "Standards. https://www.cih.org/psf"
        )
        # One author, one year: told apart in the text as 2026a, 2026b, … in the list's order.
        year = pack.references[0].cited.issued.year
        letters = [re.search(rf"\({year}([a-z]+)", text)[1] for text in plain[1:]]
        assert letters == [chr(ord("a") + n) for n in range(len(plain) - 1)]


def _without_letters(text: str) -> str:
    return re.sub(r"\((\d{4})[a-z]+", r"(\1", text)


@pytest.mark.parametrize("extension", ["md", "docx", "pdf"])
def test_the_pack_comes_with_harvard_references_too(client, demo, extension, tmp_path):
    """Cite Them Right's Harvard (what CIH courses often ask for): its own heading, each
    entry as the style writes it; the file says which it is; another style is refused."""
    response = client.get(INT + f"evidence.{extension}", {"style": "harvard"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-INT-evidence-harvard.{extension}"')
    if extension == "md":
        text = response.content.decode()
    elif extension == "docx":
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    else:
        (tmp_path / "pack.pdf").write_bytes(response.content)
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "pack.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout  # fmt: skip
    listed = text.split("Reference list (Harvard, Cite Them Right)")[1]
    assert " Available at: " in " ".join(listed.split())
    assert "Retrieved" not in listed and "(Accessed: " in " ".join(listed.split())
    refused = client.get(INT + f"evidence.{extension}", {"style": "mla"})
    assert refused.status_code == 400 and refused.content == b"style: choose apa or harvard."


def test_an_editions_harvard_pack_asks_the_reader_to_add_the_day(client, demo):
    """Made once for an edition and kept, it cannot give the day it is read."""
    text = client.get("/editions/1" + INT + "evidence.md", {"style": "harvard"}).content.decode()
    listed = text.split("## Reference list (Harvard, Cite Them Right)")[1]
    assert "add “(Accessed: day month year)” after each address" in listed
    assert "(Accessed: 1" not in listed and "Available at: " in listed
    live = client.get(INT + "evidence.md", {"style": "harvard"}).content.decode()
    assert "add “(Accessed:" not in live  # the live pack gives the day itself


def test_the_element_page_offers_the_pack_in_both_styles(client, demo):
    page = client.get(INT).content.decode()
    for extension in ("pdf", "docx", "md"):
        assert f'href="{INT}evidence.{extension}" download' in page
        assert f'href="{INT}evidence.{extension}?style=harvard" download' in page


def test_a_link_not_yet_approved_is_marked_in_every_format(client, demo, tmp_path):
    """A student should not cite a draft as the organisation's word: a live pack marks
    each link not yet approved, as the element's page does; an approved one is not."""
    draft, approved = demo.links.filter(target__code__startswith="INT").order_by("pk")[:2]
    Link.objects.filter(pk=draft.pk).update(status=LinkStatus.DRAFT)
    call_command("announce_changes", stdout=io.StringIO())  # an UPDATE, behind the write path
    markdown = client.get(INT + "evidence.md").content.decode()
    assert f"**[{draft.reference}](" in markdown and "*(draft, not yet approved)*" in markdown
    assert markdown.count("not yet approved") == 1
    word = docx.Document(io.BytesIO(client.get(INT + "evidence.docx").content))
    rows = [[cell.text for cell in row.cells] for table in word.tables for row in table.rows]
    marked = [row for row in rows if row[0] == draft.reference]
    assert marked and marked[0][2].endswith("(draft, not yet approved)")
    assert all("not yet approved" not in row[2] for row in rows if row[0] == approved.reference)
    path = tmp_path / "pack.pdf"
    path.write_bytes(client.get(INT + "evidence.pdf").content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())  # fmt: skip
    # The mark in the reference's cell (read before the next column's text, or after).
    assert re.search(re.escape(draft.reference) + r" [^→]*\(draft, not yet approved\)", text)
    assert text.count("not yet approved") == 1


ODD = ("She said \"don't\" & it's <b>bold</b> <script>alert(1)</script> &amp; *star* _under_ "
       "`code` [x](javascript:alert(1)) # hash \\ slash\n- not a list\n1. nor this\n"
       "# nor a heading")  # fmt: skip


@pytest.mark.parametrize("reader", ["python-markdown", "commonmark"])
def test_markdown_shows_what_people_wrote_as_written(client, demo, int_links, reader):
    """Read by two Markdown readers (Python-Markdown, and markdown-it as CommonMark), a
    rationale full of markup is the text as typed: no tag, emphasis, link or heading of its
    own, its line breaks kept inside the link's item."""
    import html as html_lib

    import markdown
    from markdown_it import MarkdownIt

    link = int_links[0]
    Link.objects.filter(pk=link.pk).update(rationale=ODD, example="Line <i>one</i>\n> two")
    text = client.get(INT + "evidence.md").content.decode()
    page = markdown.markdown(text) if reader == "python-markdown" else MarkdownIt().render(text)
    assert "<script" not in page and "<b>" not in page and "<i>" not in page
    assert 'href="javascript' not in page and "<em>under</em>" not in page
    assert "<em>star</em>" not in page and "<code>" not in page
    headings = re.findall(r"<h(\d)>(.*?)</h\1>", page)
    assert not [h for h in headings if "heading" in h[1]]
    item = next(li for li in re.findall(r"<li>(.*?)</li>", page, re.S) if "She said" in li)
    assert item.count("<br") >= 3  # each line break in the rationale, kept in its item

    def plain(html: str) -> str:
        return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", html)).split())

    assert (
        "She said \"don't\" & it's <b>bold</b> <script>alert(1)</script> &amp; *star* _under_ "
        "`code` [x](javascript:alert(1)) # hash \\ slash - not a list 1. nor this # nor a "
        "heading"
    ) in plain(item), plain(item)
    assert "In practice: Line <i>one</i> > two" in plain(page)


def test_a_references_codes_are_never_broken_across_lines_in_the_pdf(client, demo):
    """The reference column is narrow: a line may break after the arrow, never inside a
    code ("SKI." and "5" on two lines would read as another element)."""
    b10 = "/elements/example-homes-behaviours/B10/"
    pdf = client.get(b10 + "evidence.pdf").content
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                                   check=True).stdout.decode().split())  # fmt: skip
    links = demo.links.filter(source__code__startswith="B10").select_related("source", "target")
    assert links
    table = text.rsplit(" References ", 1)[0]  # not the reference list, which names them too
    for link in links:
        assert f"{link.source.code} → {link.target.code} " in table, link.reference


def test_a_gap_left_unlinked_says_so_in_every_document_an_inspector_gets(client, demo, people):
    """The decision, its reason, who and when: in the evidence pack (Markdown, Word, PDF),
    the register's PDF, and the guide's coverage at a glance. Before, only the coverage
    page and its CSV said it."""
    from mapping.models import Mapping

    people["publisher"].first_name, people["publisher"].last_name = "Pat", "Lee"
    people["publisher"].save()
    register = Mapping.objects.get(slug="example-homes-cc")
    gap = register.target_framework.elements.exclude(
        pk__in=register.links.current().values("target")).filter(parent=None).first()  # fmt: skip
    register.leave_unlinked(gap, reason="Met through procurement, not a behaviour.",
                            by=people["publisher"])  # fmt: skip
    said = "Reviewed and left unlinked on purpose on"
    reason = "by Pat Lee: Met through procurement, not a behaviour."
    pack = f"/m/example-homes-cc/elements/{register.target_framework.slug}/{gap.code}/evidence"
    markdown = client.get(pack + ".md").content.decode()
    assert said in markdown and reason in markdown
    word = docx.Document(io.BytesIO(client.get(pack + ".docx").content))
    text = " ".join(paragraph.text for paragraph in word.paragraphs)
    assert said in text and reason in text
    for pdf in (pack + ".pdf", "/m/example-homes-cc/guide.pdf"):
        printed = subprocess.run(["pdftotext", "-", "-"], input=client.get(pdf).content,
                                 capture_output=True, check=True).stdout.decode()  # fmt: skip
        assert (
            "Reviewed and left unlinked" in printed
            and "Met through procurement, not a behaviour." in " ".join(printed.split())
        ), pdf
    guide = client.get("/m/example-homes-cc/").content.decode()
    assert "1 was reviewed and left unlinked on purpose" in guide


def test_arabic_in_an_italic_title_is_drawn_in_arabic(client, demo, tmp_path):
    """The reference list sets titles in italic, and DejaVu Sans Oblique has no Arabic: it
    is taken upright from DejaVu Sans, never from a fallback that draws other symbols."""
    Element.objects.filter(code="INT", framework=demo.target_framework).update(
        title="Integrity مرحبا بكم"
    )
    path = tmp_path / "pack.pdf"
    path.write_bytes(client.get(INT + "evidence.pdf").content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "Weave-Arabic-Italic" in fonts and "Symbola" not in fonts, fonts
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "بكم" in text or "مرحبا" in text
