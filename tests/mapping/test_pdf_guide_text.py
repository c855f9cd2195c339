"""What an organisation writes in its guide, on paper: its own headings stay out of the
contents and the bookmarks (and can never stop the PDF being made), and its links lead where
they do on the web, never to the server's files."""

import io
import subprocess

import pikepdf
import pytest

from mapping.models import Edition

STEPS = "Read this first.\n\n" + "\n\n".join(
    f"### Step {n}\n\nDo thing {n}.\n\n#### Detail {n}\n\nMore." for n in range(1, 41)
)


def text_of(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def outline_labels(content: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(content)) as pdf, pdf.open_outline() as outline:
        labels, items = [], list(outline.root)
        while items:
            item = items.pop(0)
            labels.append(item.title)
            items[:0] = list(item.children)
    return labels


def link_annotations(content: bytes) -> list[tuple[int, dict]]:
    """(page number, {"uri" or "page", "says"}) for every link in the PDF."""
    found = []
    with pikepdf.open(io.BytesIO(content)) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}
        for number, page in enumerate(pdf.pages, 1):
            for annotation in page.obj.get("/Annots", []):
                action = annotation.get("/A")
                if action is None:
                    continue
                link = {"says": str(annotation.get("/Contents", ""))}
                if action.S == pikepdf.Name.URI:
                    link["uri"] = str(action.URI)
                else:
                    link["page"] = pages[action.D[0].objgen]
                found.append((number, link))
    return found


@pytest.fixture
def stepped(demo):
    demo.guide_intro = STEPS
    demo.save()
    return demo


def test_headings_in_the_introduction_are_neither_contents_nor_bookmarks(client, stepped):
    response = client.get("/guide.pdf")
    assert response.status_code == 200
    content = response.content
    text = text_of(content)
    assert "Step 40" in text and "Detail 40" in text, "the introduction is printed whole"
    contents = text.split("Contents", 1)[1].split("QuickStart guide", 2)[1]
    assert "Step 1" not in contents.split("How to cite this register")[0]
    labels = outline_labels(content)
    assert "QuickStart guide" in labels
    assert not [label for label in labels if label.startswith(("Step", "Detail"))]


def test_an_editions_pdf_with_such_an_introduction_is_made(client, stepped, people):
    edition = Edition.objects.publish(stepped, by=people["publisher"], title="With steps")
    response = client.get(f"/editions/{edition.number}/guide.pdf")
    assert response.status_code == 200
    assert "Step 40" in text_of(response.content)


def test_relative_links_in_the_introduction_lead_where_they_do_on_the_web(client, demo):
    demo.guide_intro = (
        f"See [the link table](/m/{demo.slug}/links/), [the matrix](matrix/) and "
        "[the standards](https://example.org/standards)."
    )
    demo.save()
    content = client.get("/guide.pdf").content
    uris = [link["uri"] for _page, link in link_annotations(content) if "uri" in link]
    site = f"http://testserver/m/{demo.slug}/"
    assert f"{site}links/" in uris
    assert f"{site}matrix/" in uris
    assert "https://example.org/standards" in uris
    assert not [uri for uri in uris if not uri.startswith(("http://", "https://"))]
    assert b"file:" not in content


def test_the_contents_links_say_which_page_they_go_to(client, demo):
    content = client.get("/guide.pdf").content
    jumps = [link for _page, link in link_annotations(content) if "page" in link]
    assert len(jumps) >= 10
    for link in jumps:
        assert link["says"] == f"Go to page {link['page']}"
    assert not [link for _page, link in link_annotations(content) if "weave-page" in link["says"]]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "file:///usr/share/fonts/../../../etc/passwd",
                                 "file:///usr/share/fontsx/a.ttf", "http://127.0.0.1:1/",
                                 "ftp://x/y"])  # fmt: skip
def test_laying_out_a_pdf_reads_nothing_from_anywhere_but_the_systems_fonts(url):
    from mapping.pdf.parts import nothing_fetched

    with pytest.raises(ValueError, match=r"disallowed protocol|Only the system.s fonts"):
        nothing_fetched().fetch(url)
    assert nothing_fetched().fetch("data:text/plain,QR").read() == b"QR"
    font = "file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    assert nothing_fetched().fetch(font).read(4) == b"\x00\x01\x00\x00"  # a TrueType font


def test_chinese_japanese_and_emoji_are_printed_not_boxes(client, demo):
    """DejaVu has no Chinese, Japanese or emoji: their glyphs come from the fallback fonts
    the Makefile installs, embedded (pdffonts), and the text is extracted as written."""
    element = demo.source_framework.elements.get(code="B1")
    element.title = "诚信与透明 かな 🎉 👍"
    element.save()
    content = client.get("/guide.pdf").content
    fonts = subprocess.run(
        ["pdffonts", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert "Droid-Sans-Fallback" in fonts and "Symbola" in fonts
    assert "诚信与透明 かな 🎉 👍" in text_of(content)


def test_each_parts_font_subset_has_a_name_of_its_own(client, demo):
    """The PDF is joined from parts laid out apart, each with its own subset of each font:
    different subsets must not share a name (ISO 32000-1, 9.6.4)."""
    content = client.get("/guide.pdf").content
    with pikepdf.open(io.BytesIO(content)) as pdf:
        fonts = {
            obj.objgen: str(obj.BaseFont)
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary)
            and obj.get("/Type") == pikepdf.Name.Font
            and obj.get("/Subtype") == pikepdf.Name.Type0
        }
    names = list(fonts.values())
    assert len(names) > 3, "several parts, each with its fonts"
    assert len(set(names)) == len(names), names
    assert all(name[7] == "+" for name in names)


def test_the_guide_on_paper_says_how_to_read_a_link_and_the_words_used(client, demo):
    content = client.get("/guide.pdf").content
    text = " ".join(text_of(content).split())
    guide = text.split("The link table, by behaviour Every link")[0]
    assert "How to read a link Each link reads “behaviour relation standard”" in guide
    assert "Partly covers Living the behaviour meets part of the standard." in guide
    assert "Words used here" in guide and "Edition The register as it stood" in guide
    # Each behaviour and each characteristic is a heading a screen reader can jump to.
    tree = subprocess.run(
        ["pdfinfo", "-struct", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert tree.count("H3") >= 17


def test_a_register_inferred_through_a_crosswalk_says_how_relations_compose(client, demo):
    text = " ".join(text_of(client.get("/m/example-homes-cc/guide.pdf").content).split())
    assert "How relations compose through a crosswalk" in text


def test_an_empty_register_says_so_on_paper(client, db):
    from tests.synthetic import build_register

    mapping = build_register(1)
    mapping.links.all().delete()
    response = client.get("/guide.pdf")
    assert response.status_code == 200
    text = " ".join(text_of(response.content).split())
    assert "No links yet." in text.split("The link table, by behaviour")[-1]
    assert "links from a part of one" not in text


def test_a_register_of_empty_frameworks_prints_no_empty_paragraph_or_table(client, db, tmp_path):
    from mapping.models import Mapping
    from standards.models import Framework
    from tests.mapping.test_pdf_accessible import _texts, assert_accessible

    source = Framework.objects.create(name="Ways", slug="ways", kind="behaviours", publisher="Us")
    target = Framework.objects.create(
        name="Rules", slug="rules", kind="standards", publisher="Them"
    )
    Mapping.objects.create(name="Bare", slug="bare", organisation="Us", is_default=True,
                           source_framework=source, target_framework=target)  # fmt: skip
    content = client.get("/guide.pdf").content
    assert_accessible(content, tmp_path)
    assert "nothing to cover" in " ".join(text_of(content).split())
    assert [] not in _texts(content, "P"), "no paragraph without text"
    assert [] not in _texts(content, "Table")
