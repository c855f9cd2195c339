import io
import re
import subprocess
from concurrent.futures.process import BrokenProcessPool
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from pypdf import PdfReader

from mapping.models import Change, Link, Relation
from mapping.pdf import document as register_pdf_module
from mapping.pdf import pool as pdf_pool
from standards.models import Element
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

URL = reverse("guide_pdf")


def pdftotext(content: bytes, *pages: int) -> str:
    args = ["pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run(
        [*args, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture(scope="module")
def demo_pdf(demo_once, django_db_blocker):
    """The demo's PDF, rendered once for the module's tests that only read it."""
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get(URL)
    assert response.status_code == 200
    return response


def test_it_is_a_dated_a4_download(demo_pdf, demo):
    assert demo_pdf["Content-Type"] == "application/pdf"
    disposition = demo_pdf["Content-Disposition"]
    assert disposition.startswith("attachment;")
    as_of = max(demo.links.values_list("updated_at", flat=True))
    assert f'filename="example-homes-cih-{as_of.date():%Y-%m-%d}.pdf"' in disposition
    page = PdfReader(io.BytesIO(demo_pdf.content)).pages[0]
    width_mm, height_mm = (float(v) * 25.4 / 72 for v in page.mediabox.upper_right)
    assert round(width_mm) == 210 and round(height_mm) == 297


def test_its_text_has_every_behaviour_characteristic_footer_and_citation(demo_pdf, demo):
    text = pdftotext(demo_pdf.content)
    flat = " ".join(text.split())
    frameworks = [demo.source_framework, demo.target_framework]
    for element in Element.objects.filter(parent=None, framework__in=frameworks):
        assert f"{element.code} {element.title}" in flat
    pages = len(PdfReader(io.BytesIO(demo_pdf.content)).pages)
    # every page but the cover is numbered
    for number in range(2, pages + 1):
        assert f"Page {number} of {pages}" in flat
    assert "Page 1 of" not in flat
    assert "How to cite this register" in flat
    assert "Example Homes (illustrative) (" in flat and "Register as of" in flat
    assert "Available at: http://testserver/" in flat
    assert "Chartered Institute of Housing (2021) CIH Professional Standards." in flat
    assert flat.count("then why") >= 10  # one table header per behaviour at least


def test_its_contents_page_has_real_page_numbers(demo_pdf):
    reader = PdfReader(io.BytesIO(demo_pdf.content))
    contents = " ".join(pdftotext(demo_pdf.content, 2).split())
    for title in ("How to cite this register", "Coverage summary", "Index by standard"):
        page_number = next(
            i + 1
            for i, page in enumerate(reader.pages)
            if title in " ".join(page.extract_text().split()[:12])
        )
        assert contents.split(title)[1].split()[0] == str(page_number)


def test_its_outline_has_every_section_and_behaviour(demo_pdf, demo):
    outline = PdfReader(io.BytesIO(demo_pdf.content)).outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top == [
        "Contents",
        "QuickStart guide",
        "The link table, by behaviour",
        "Index by standard",
        "Coverage summary",
        "How to cite this register",
    ]
    behaviours = [item.title for item in outline[top.index("The link table, by behaviour") + 1]]
    expected = demo.source_framework.elements.filter(parent=None).order_by("position")
    assert behaviours == [f"{b.code} {b.title}" for b in expected]


def test_it_carries_metadata_and_embeds_its_fonts(demo_pdf, demo):
    reader = PdfReader(io.BytesIO(demo_pdf.content))
    metadata = reader.metadata
    assert metadata.title == demo.name
    assert metadata.author == demo.organisation
    assert metadata.creation_date is not None
    fonts = subprocess.run(
        ["pdffonts", "-"], input=demo_pdf.content, capture_output=True, check=True
    )
    rows = fonts.stdout.decode().splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), rows


def test_a_second_request_for_unchanged_data_does_not_render_again(client, demo):
    with mock.patch.object(
        register_pdf_module, "render_register_pdf", wraps=register_pdf_module.render_register_pdf
    ) as render:
        first = client.get(URL).content
        second = client.get(URL).content
    assert render.call_count == 1
    assert first == second


@pytest.mark.parametrize(
    "change",
    [
        # a bulk write goes round the write path, so it is announced by hand
        lambda demo: (
            Link.objects.filter(pk=demo.links.first().pk).update(rationale="Rewritten."),
            call_command("announce_changes", stdout=io.StringIO()),
        ),
        lambda demo: demo.links.last().delete(),
        lambda demo: Change.objects.apply(
            Element.objects.get(code="INT.1"), {"title": "A new title"}, by=None
        ),
        lambda demo: Link.objects.create(
            mapping=demo,
            source=demo.source_framework.elements.get(code="B10.2"),
            target=demo.target_framework.elements.get(code="KNO.1"),
            relation=Relation.SUPPORTS,
            rationale="A new link.",
        ),
        lambda demo: (setattr(demo, "guide_intro", "New intro."), demo.save()),
    ],
    ids=["rationale-updated-in-bulk", "link-deleted", "element-retitled", "link-added", "intro"],
)
def test_any_change_to_the_data_gives_a_new_pdf(client, demo, change):
    with mock.patch.object(
        register_pdf_module, "render_register_pdf", wraps=register_pdf_module.render_register_pdf
    ) as render:
        before = client.get(URL)
        change(demo)
        after = client.get(URL)
    assert render.call_count == 2
    assert before["ETag"] != after["ETag"]
    assert before.content != after.content


def test_it_allows_only_get(client, demo):
    assert client.post(URL).status_code == 405


def test_the_contents_lines_jump_to_their_pages(demo_pdf):
    reader = PdfReader(io.BytesIO(demo_pdf.content))
    contents_page = reader.pages[1]
    targets = []
    for annotation in contents_page["/Annots"]:
        action = annotation.get_object()["/A"]
        assert action["/S"] == "/GoTo"
        targets.append(reader.get_page_number(action["/D"][0].get_object()) + 1)
    assert targets, "the contents page has no links"
    text = " ".join(pdftotext(demo_pdf.content, 2).split())
    cite_page = int(text.split("How to cite this register")[1].split()[0])
    assert cite_page in targets
    assert "How to cite this register" in reader.pages[cite_page - 1].extract_text()


def test_rendering_in_one_process_gives_the_same_document(client, demo, monkeypatch):
    parallel = pdftotext(client.get(URL).content)
    cache.clear()
    monkeypatch.setenv("WEAVE_PDF_WORKERS", "1")
    with mock.patch.object(pdf_pool, "ProcessPoolExecutor") as pool:
        single = pdftotext(client.get(URL).content)
    pool.assert_not_called()
    assert single == parallel


def test_a_broken_worker_pool_falls_back_to_this_process(client, demo, monkeypatch):
    class BrokenPool:
        def submit(self, *args, **kwargs):
            raise BrokenProcessPool("a worker was killed")

    monkeypatch.setattr(pdf_pool, "executor", lambda: BrokenPool())
    response = client.get(URL)
    assert response.status_code == 200
    assert "How to cite this register" in pdftotext(response.content)


def test_each_page_after_the_cover_has_one_footer_on_one_line(demo_pdf, demo):
    """The register's name on the left and the page number on the right, on one baseline,
    once a page; none on the cover."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=demo_pdf.content, capture_output=True, check=True
    ).stdout.decode()
    pages = boxes.split("<page ")[1:]
    first_word = demo.name.split()[0]
    for number, page in enumerate(pages, start=1):
        words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)
        bottom = [(float(y_max), word) for y_min, y_max, word in words if float(y_min) > 790]
        if number == 1:
            assert not bottom, bottom
            continue
        baselines = {round(y_max, 1) for y_max, _ in bottom}
        assert len(baselines) == 1, (number, bottom)
        texts = [word for _, word in bottom]
        assert texts.count("Page") == 1 and texts.count(first_word) == 1, (number, texts)
        assert " ".join(texts).endswith(f"Page {number} of {len(pages)}")
        assert " ".join(texts).startswith("Live register, ")  # a loose page says what it is


def _qr_codes(content: bytes, tmp_path) -> list[str]:
    """What the QR codes on the cover decode to, read from the printed page itself."""
    import zxingcpp
    from PIL import Image

    (tmp_path / "register.pdf").write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", "150", "-png", str(tmp_path / "register.pdf"),
         str(tmp_path / "cover")],
        check=True,
    )  # fmt: skip
    [cover] = tmp_path.glob("cover*.png")
    return [code.text for code in zxingcpp.read_barcodes(Image.open(cover))]


def test_the_cover_carries_a_qr_code_of_the_permalink(demo_pdf, tmp_path):
    assert _qr_codes(demo_pdf.content, tmp_path) == ["http://testserver/m/example-homes-cih/"]


def test_an_editions_qr_code_is_the_editions_permalink(client, demo, tmp_path):
    content = client.get("/editions/1/guide.pdf").content
    permalink = "http://testserver/m/example-homes-cih/editions/1/"  # names the register
    assert _qr_codes(content, tmp_path) == [permalink]
    text = " ".join(pdftotext(content).split())
    assert "Scan for edition 1, as printed" in text
    # The first edition is not numbered (the address may wrap: compared without spaces).
    assert f"Standards.{permalink}" in text.replace(" ", "") and "1st ed" not in text
    assert "http:// " not in text  # an address wraps after its host, if at all
    # Made once and kept, it gives no day of reading, and says how to add one for Harvard.
    assert not re.search(r"Accessed: ?\d", text) and "Retrieved" not in text
    assert "add “(Accessed: day month year)”, the day you read it, after the address" in text
    # Every page after the cover says, at its foot, which edition it belongs to.
    pages = pdftotext(content).split("\f")[1:-1]
    assert pages and all("Edition 1 · " in page for page in pages)


def test_how_to_cite_gives_apa_and_harvard_and_a_single_link(demo_pdf, demo):
    from django.utils import timezone

    today = timezone.localdate()
    text = " ".join(pdftotext(demo_pdf.content).split())
    cite = text[text.rindex("How to cite this register") :]
    assert "In APA (7th edition): Example Homes (illustrative). (" in cite
    assert "In Harvard (Cite Them Right): Example Homes (illustrative) (" in cite
    squashed = re.sub(r"\s+", "", cite)  # URLs and cells wrap across lines
    permalink = "http://testserver/m/example-homes-cih/"
    assert f"Availableat:{permalink}(Accessed:{today.day}{today:%B%Y})." in squashed
    assert "Citing a single link" in cite
    single = cite[cite.index("Citing a single link") :]
    assert "in APA (7th edition):" in single and "In Harvard (Cite Them Right):" in single
    first = demo.links.order_by("source__position").first()
    assert re.search(r"such as B\d+(\.\d+)? → [A-Z]{3}(\.\d)?", cite)
    assert f"apageofitsown:{permalink}links/" in squashed and first is not None


def test_every_link_row_starts_with_its_reference(demo_pdf, demo):
    # In reading order (no -layout): the row's header cell, then its text.
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=demo_pdf.content, capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(text.split())
    for link in demo.links.select_related("source", "target"):
        assert f"{link.source.code} → {link.target.code} {link.target.title} · " in text


def test_unchecked_wording_is_marked_in_the_index(demo_pdf):
    # Read cell by cell (no -layout, which interleaves the index's two columns).
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=demo_pdf.content, capture_output=True, check=True
    ).stdout.decode()
    index = text.split("For each characteristic")[1].split("Coverage summary")[0]
    squashed = re.sub(r"\s+", "", index)  # cells wrap across lines
    marked = "ADV.1Promotethevalueofhousingandofthehousingprofession·paraphrase,notchecked"
    assert marked in squashed
    assert "INT.1Ownyouractionsandmistakes,andhelpputthingsright·" not in squashed


def test_each_page_after_the_cover_has_its_sections_running_head(demo_pdf):
    """Stamped on as the parts are joined: the heading of the section a page is in, at the
    top; none on the cover."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=demo_pdf.content, capture_output=True, check=True
    ).stdout.decode()
    heads, texts = [], []
    for page in boxes.split("<page ")[1:]:
        words = re.findall(r'yMax="([\d.]+)">([^<]*)</word>', page)
        heads.append(" ".join(word for y_max, word in words if float(y_max) < 40))
        texts.append(" ".join(word for _, word in words))
    assert heads[0] == ""
    assert heads[1] == "Contents"
    assert heads[2] == "QuickStart guide"
    assert heads[-1] == "How to cite this register"
    table_pages = [i for i, text in enumerate(texts) if "then why" in text]
    assert table_pages
    assert all(heads[i] == "The link table, by behaviour" for i in table_pages)


def test_links_inferred_through_a_crosswalk_are_printed_apart_and_not_counted(client, demo):
    response = client.get("/m/example-homes-cc/guide.pdf")
    assert response.status_code == 200
    flat = " ".join(pdftotext(response.content).split())
    assert "Besides them, 21 links inferred through a crosswalk, not reviewed and not counted" \
        in flat  # fmt: skip
    assert ("Inferred through a crosswalk, not reviewed (not counted): B1 → CC2 supports, "
            "inferred through SKI.4") in flat  # fmt: skip
    assert "Inferred, not reviewed: B1.1 (partly covers, inferred through INC.3)" in flat
    assert "Besides its 3 links, the register infers 21 links through a crosswalk" in flat
    # Outcomes with nothing under them are covered by a link to them, and nothing else.
    assert "A required outcome is covered when at least one link targets it." in flat
    assert "covered directly when a link targets it, or through" not in flat


def _addresses(content: bytes) -> set[str]:
    """Where the PDF's web links lead."""
    reader = PdfReader(io.BytesIO(content))
    return {
        str(annotation.get_object()["/A"]["/URI"])
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/A", {}).get("/S") == "/URI"
    }


def test_every_link_reference_and_element_name_leads_to_its_page(demo_pdf, demo):
    # The demo's guide says "every name links to its own page": in the PDF too, each to
    # the permanent address that names the register.
    permalink = "http://testserver/m/example-homes-cih/"
    addresses = _addresses(demo_pdf.content)
    for link in demo.links.all():
        assert f"{permalink}links/{link.link_id}/" in addresses
    # Each behaviour heads its run of the table; every standard and statement the index.
    named = Element.objects.filter(retired=False).filter(
        Q(framework=demo.source_framework, parent=None) | Q(framework=demo.target_framework)
    )
    for element in named.select_related("framework"):
        assert f"{permalink}elements/{element.framework.slug}/{element.code}/" in addresses
    assert all(address.startswith(permalink) for address in addresses)


def test_an_editions_names_lead_to_the_editions_pages(client, demo):
    edition = "http://testserver/m/example-homes-cih/editions/1/"
    addresses = _addresses(client.get("/editions/1/guide.pdf").content)
    first = demo.links.order_by("pk").first()
    assert f"{edition}links/{first.link_id}/" in addresses
    assert f"{edition}elements/{demo.source_framework.slug}/B1/" in addresses
    assert all(address.startswith(edition) for address in addresses)


def test_no_page_ends_with_a_groups_heading_and_a_single_row(demo_pdf, demo):
    """A behaviour's heading keeps at least two of its rows with it (when it has two)."""
    pages = len(PdfReader(io.BytesIO(demo_pdf.content)).pages)
    tops = demo.source_framework.elements.filter(parent=None)
    sizes = {
        top.code: demo.links.filter(Q(source=top) | Q(source__parent=top)).count()
        for top in tops
    }  # fmt: skip
    heading = re.compile(r"^(B\d+) [A-Z]")
    for number in range(1, pages + 1):
        lines = [line.strip() for line in pdftotext(demo_pdf.content, number).splitlines()]
        starts = [i for i, line in enumerate(lines) if heading.match(line) and "→" not in line]
        if not starts or "then the rationale" not in pdftotext(demo_pdf.content, 1, number):
            continue
        code = heading.match(lines[starts[-1]]).group(1)
        rows = sum("→" in line for line in lines[starts[-1] :])
        assert rows >= min(2, sizes[code]), f"{code}'s heading ends page {number}"


def test_no_page_of_the_index_ends_with_a_heading_and_a_single_row(demo_pdf, demo):
    pages = len(PdfReader(io.BytesIO(demo_pdf.content)).pages)
    sizes = {top.code: 1 + top.children.count()
             for top in demo.target_framework.elements.filter(parent=None)}  # fmt: skip
    heading, row = re.compile(r"^([A-Z]{3}) [A-Z][a-z]+$"), re.compile(r"^[A-Z]{3}(\.\d+)? ")
    texts = {n: " ".join(pdftotext(demo_pdf.content, n).split()) for n in range(1, pages + 1)}
    first = next(n for n, text in texts.items() if "cover it directly, by code and name" in text)
    for number in range(first, pages + 1):
        lines = [line.strip() for line in pdftotext(demo_pdf.content, number).splitlines()]
        starts = [i for i, line in enumerate(lines) if heading.match(line)]
        if not starts:
            continue
        code = heading.match(lines[starts[-1]]).group(1)
        rows = sum(bool(row.match(line)) for line in lines[starts[-1] + 1 :])
        assert rows >= min(2, sizes[code]), f"{code}'s heading ends page {number}"


def test_the_index_names_each_behaviour_as_well_as_its_code(demo_pdf):
    text = " ".join(pdftotext(demo_pdf.content).split())
    index = text[text.index("Index by standard") :]
    assert re.search(r"B\d+(\.\d+)? [A-Z][a-z]+[^()]* \((is the same as|fully covers|partly "
                     r"covers|closely matches|supports)\)", index)  # fmt: skip


def test_a_code_never_breaks_across_lines_in_the_index(client, demo):
    """The Competence and Conduct register's index names the CIH statements its inferred
    links pass through in a narrow column: "SKI." and "4" on two lines read as two things."""
    import re

    content = client.get("/m/example-homes-cc/guide.pdf").content
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()  # fmt: skip
    assert "inferred through" in text
    assert re.findall(r"\b[A-Z]{2,4}\.\n\s*\d", text) == []


def test_an_editions_cover_says_who_published_it_and_what_is_new(client, demo, people):
    from mapping.models import Edition

    people["publisher"].first_name, people["publisher"].last_name = "Pat", "Lee"
    people["publisher"].save()
    edition = Edition.objects.publish(demo, by=people["publisher"], title="For the inspection",
                                      notes="CC2 and CC6 reviewed and left unlinked.")  # fmt: skip
    content = client.get(f"/editions/{edition.number}/guide.pdf").content
    cover = " ".join(pdftotext(content, 1).split())
    assert f"{edition.number} (For the inspection), published" in cover and "by Pat Lee" in cover
    assert "What is new in it CC2 and CC6 reviewed and left unlinked." in cover
