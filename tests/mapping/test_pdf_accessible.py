"""Every PDF Weave writes is tagged (PDF/UA-1), judged by independent readers: the `pdfua`
checker (the machine-checkable subset of PDF/UA-1: no errors, no warnings), poppler's
`pdfinfo -struct` for the structure tree, and pdftotext for the reading order. The PDF is
laid out in parts in parallel and joined: the joined document must keep one tree."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from django.urls import reverse

from tests.synthetic import build_register

URL = reverse("guide_pdf")
PDFUA = str(Path(sys.executable).with_name("pdfua"))  # the checker, beside this Python


def pdfua(content: bytes, tmp_path) -> subprocess.CompletedProcess:
    path = tmp_path / "register.pdf"
    path.write_bytes(content)
    return subprocess.run([PDFUA, "check", str(path)], capture_output=True, text=True)


def structure(content: bytes) -> list[str]:
    """The structure tree as pdfinfo prints it: one element a line, indented by depth."""
    result = subprocess.run(
        ["pdfinfo", "-struct", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode().splitlines()


def assert_accessible(content: bytes, tmp_path) -> list[str]:
    check = pdfua(content, tmp_path)
    assert check.returncode == 0, check.stdout
    assert "errors=0 warnings=0" in check.stdout
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
    assert re.search(r"^Tagged:\s+yes$", info.stdout.decode(), re.M)
    tree = structure(content)
    assert tree[0] == "Document", "one document element at the top of one tree"
    assert not any(line == "Document" for line in tree[1:])
    return tree


@pytest.fixture
def demo_pdf(client, demo):
    return client.get(URL).content


def test_the_demo_pdf_passes_the_pdfua_checker(demo_pdf, tmp_path):
    assert_accessible(demo_pdf, tmp_path)


def test_an_editions_pdf_passes_too(client, published, tmp_path):
    content = client.get("/editions/1/guide.pdf").content
    assert_accessible(content, tmp_path)


@pytest.mark.slow
def test_a_two_thousand_link_pdf_joined_from_many_parts_keeps_one_valid_tree(client, db, tmp_path):
    build_register(2000)
    content = client.get(URL).content
    tree = assert_accessible(content, tmp_path)
    # Every part's rows are in the one tree: 2,000 row headers, one a link.
    assert sum(1 for line in tree if line.strip().startswith("TH <p")) >= 2000
    with pikepdf.open(io.BytesIO(content)) as pdf:
        root = pdf.Root.StructTreeRoot
        keys = [int(key) for key in list(root.ParentTree.Nums)[::2]]
        assert keys == sorted(set(keys)), "parent tree keys unique and in order"
        assert int(root.ParentTreeNextKey) == keys[-1] + 1
        # Each page points into the parent tree at its own entry.
        page_keys = [int(page.obj.StructParents) for page in pdf.pages]
        assert len(set(page_keys)) == len(pdf.pages) and set(page_keys) <= set(keys)
        ids = [str(obj.ID) for obj in pdf.objects
               if isinstance(obj, pikepdf.Dictionary) and "/ID" in obj]  # fmt: skip
        assert len(ids) == len(set(ids)), "header cell ids unique across parts"
        assert not [obj for obj in pdf.objects
                    if isinstance(obj, pikepdf.Dictionary) and "/WeaveKey" in obj]  # fmt: skip
    # The link table is one section however many parts laid it out, each behaviour's
    # table one table however many pages it runs over (a table a part at most).
    top = [line.strip() for line in tree if line.startswith("  ") and not line.startswith("   ")]
    assert top.count("Sect") <= 6, top
    assert sum(1 for line in tree if line.strip() == "Table (block)") < 40


def test_headings_tables_lists_and_pictures_are_tagged(demo_pdf):
    tree = [line.strip() for line in structure(demo_pdf)]
    kinds = [line.split()[0].rstrip(":") for line in tree if line]
    for kind in ("H1", "H2", "Table", "THead", "TBody", "TR", "TH", "TD", "L", "LI", "Figure",
                 "Link", "P"):  # fmt: skip
        assert kind in kinds, kind
    # The cover's title is the first heading; the sections follow in order.
    headings = _texts(demo_pdf, "H1")
    with pikepdf.open(io.BytesIO(demo_pdf)) as pdf:
        figures = list(_elements(pdf, "/Figure"))
    assert headings[:3] == [
        "Our Behaviours and the CIH Professional Standards",
        "Contents",
        "QuickStart guide",
    ]
    assert "The link table, by behaviour" in headings and "Coverage summary" in headings
    assert figures and all(str(f.Alt).startswith("QR code of the permalink") for f in figures)


def test_header_cells_say_what_they_head(demo_pdf):
    with pikepdf.open(io.BytesIO(demo_pdf)) as pdf:
        scopes = {str(cell.A.Scope) for cell in _elements(pdf, "/TH")}
        cells = list(_elements(pdf, "/TD"))
    assert scopes == {"/Column", "/Row"}
    assert cells and all(len(cell.A.Headers) >= 1 for cell in cells)


def test_language_title_and_pdfua_identification(demo_pdf, demo):
    with pikepdf.open(io.BytesIO(demo_pdf)) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        metadata = pdf.open_metadata()
        assert metadata["dc:title"] == demo.name
        assert metadata["pdfuaid:part"] == "1"
        assert pdf.docinfo["/Author"] == demo.organisation
        assert len(pdf.open_outline().root) >= 5, "bookmarks kept"


def test_running_heads_and_page_numbers_are_artifacts(demo_pdf):
    with pikepdf.open(io.BytesIO(demo_pdf)) as pdf:
        page = pdf.pages[3]
        instructions = list(pikepdf.parse_content_stream(page))
    operators = [str(op) for _, op in instructions]
    # The stamps are painted last, inside one pagination artifact.
    last_artifact = max(i for i, op in enumerate(operators) if op == "BDC")
    assert str(instructions[last_artifact][0][0]) == "/Artifact"
    assert "Do" in operators[last_artifact:] and operators[-1] == "EMC"


def test_the_link_table_reads_row_by_row(demo_pdf, demo):
    """pdftotext in reading order (no -layout): each link's reference, then its standard,
    relation and rationale, before the next link's reference."""
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=demo_pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    table = flat.split("then the rationale.")[1].split("Index by standard")[0]
    links = list(demo.links.select_related("source", "target"))
    positions = []
    for link in links:
        row = f"{link.reference} {link.target.title} · {link.get_relation_display()} "
        row += " ".join(link.rationale.split())
        assert row in table, row
        positions.append(table.index(row))
    assert len(positions) == len(set(positions))


def _elements(pdf, kind: str):
    for obj in pdf.objects:
        if (isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == pikepdf.Name(kind)
                and obj.get("/Type") == pikepdf.Name.StructElem):  # fmt: skip
            yield obj


def _texts(content: bytes, kind: str) -> list[str]:
    """The text of every element of one kind, from `pdfinfo -struct-text`."""
    lines = (
        subprocess.run(
            ["pdfinfo", "-struct-text", "-"], input=content, capture_output=True, check=True
        )
        .stdout.decode()
        .splitlines()
    )
    texts, depth = [], None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if depth is not None and indent <= depth:
            depth = None
        if depth is None and line.strip().split(" ")[0] == kind:
            depth = indent
            texts.append([])
        elif depth is not None and line.strip().startswith('"'):
            texts[-1].append(line.strip().strip('"'))
    return [" ".join(words) for words in texts]


def test_every_id_the_header_cells_have_is_in_the_trees_id_tree(demo_pdf):
    """Cells name their header cells by id (/Headers); ISO 32000-1 (14.7.2) asks for an
    /IDTree that finds each element by its id, in order, one entry an id."""
    with pikepdf.open(io.BytesIO(demo_pdf)) as pdf:
        names = list(pdf.Root.StructTreeRoot.IDTree.Names)
        tree = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        keys = [str(names[i]) for i in range(0, len(names), 2)]
        headers = {str(header) for cell in _elements(pdf, "/TD") for header in cell.A.Headers}
        cells = list(_elements(pdf, "/TH"))
        assert keys == sorted(keys, key=str.encode) and len(set(keys)) == len(keys)
        assert headers <= set(tree)
        for cell in cells:
            assert tree[str(cell.ID)].objgen == cell.objgen


def test_a_table_or_a_section_over_several_pages_is_one_element(demo_pdf, demo):
    """WeasyPrint tags page by page; Weave joins what continues: one Table a table (the
    link table's ten, the index's seven, the contents' and the coverage summary's), one
    Sect a section, and one header row a table, its repeats printed as artifacts."""
    from mapping.register import LiveRegister

    coverage = LiveRegister(demo).coverage
    tree = structure(demo_pdf)
    tables = [line for line in tree if line.strip() == "Table (block)"]
    assert len(tables) == len(coverage.top_sources) + len(coverage.top_targets) + 2
    top = [line.strip() for line in tree if line.startswith("  ") and not line.startswith("   ")]
    assert top.count("Sect") == 6, top  # cover, guide, link table, index, coverage, citing
    with pikepdf.open(io.BytesIO(demo_pdf)) as pdf:
        heads = list(_elements(pdf, "/THead"))
        assert len(heads) == len(tables)
        assert all(len([k for k in head.K if isinstance(k, pikepdf.Dictionary)]) == 1
                   for head in heads)  # fmt: skip
    headers = _texts(demo_pdf, "THead")
    assert all(" ".join(text).count("Reference") <= 1 for text in headers), headers
