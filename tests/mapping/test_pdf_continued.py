"""What WeasyPrint tags page by page is joined again (mapping/pdf/continued.py), in what
Weave's PDFs may hold at their oddest: contents over several pages, a link taller than a
page, nested lists broken by a page, an evidence pack's footers."""

import io

import pikepdf
import pytest
from django.db.models import Q

from mapping.models import Link, LinkStatus, Mapping, Relation
from standards.models import Framework
from tests.mapping.test_pdf_accessible import _elements, assert_accessible, structure
from tests.mapping.test_pdf_guide_text import text_of
from tests.synthetic import synthetic_framework


def kinds(kids) -> list[str]:
    return [str(kid.S) for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def owned_everywhere(content: bytes) -> None:
    """Every piece of marked content on every page is owned by an element in the tree."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        root = pdf.Root.StructTreeRoot
        listed, waiting = set(), list(root.K if isinstance(root.K, pikepdf.Array) else [root.K])
        while waiting:
            node = waiting.pop()
            if isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
                listed.add(node.objgen)
                kids = node.get("/K", [])
                waiting += list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        nums = list(root.ParentTree.Nums)
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for page in pdf.pages:
            marked = [
                operands[1].MCID
                for operands, operator in pikepdf.parse_content_stream(page)
                if str(operator) == "BDC"
                and isinstance(operands[1], pikepdf.Dictionary)
                and "/MCID" in operands[1]
            ]
            owners = parents[int(page.obj.StructParents)]
            for mcid in marked:
                assert owners[int(mcid)].objgen in listed, (page.index, mcid)


@pytest.fixture
def wide(db):
    """A default register of 120 behaviours of one level: its contents run over pages."""
    behaviours = synthetic_framework("wide-b", Framework.Kind.BEHAVIOURS, 120, 0)
    standards = synthetic_framework("wide-s", Framework.Kind.STANDARDS, 2, 1)
    mapping = Mapping.objects.create(
        name="Wide", slug="wide", organisation="Org", is_default=True,
        source_framework=behaviours[0].framework, target_framework=standards[0].framework,
    )  # fmt: skip
    Link.objects.bulk_create(
        Link(mapping=mapping, source=b, target=standards[0], relation=Relation.SUPPORTS,
             rationale=f"Because {b.code}.", status=LinkStatus.APPROVED)
        for b in behaviours
    )  # fmt: skip
    return mapping


def test_contents_over_several_pages_are_one_table(client, wide, tmp_path):
    content = client.get("/guide.pdf").content
    tree = assert_accessible(content, tmp_path)
    top = [line.strip() for line in tree if line.startswith("  ") and not line.startswith("   ")]
    assert top.count("NonStruct") == 1, top  # the contents
    with pikepdf.open(io.BytesIO(content)) as pdf:
        tables = list(_elements(pdf, "/Table"))
        assert len([t for t in tables if t.P.S == "/NonStruct"]) == 1  # the contents
        assert len(list(_elements(pdf, "/THead"))) == len(tables)
    owned_everywhere(content)
    text = " ".join(text_of(content).split())
    assert "The same rules apply to behaviours." in text  # no parts to speak of


def test_a_link_taller_than_a_page_is_one_row_under_its_header(client, demo, tmp_path):
    long = " ".join(f"word{n}" for n in range(1600))
    link = demo.links.get(source__code="B1", target__code="INC")
    Link.objects.filter(pk=link.pk).update(rationale=long, example=long)
    content = client.get("/guide.pdf").content
    assert_accessible(content, tmp_path)
    in_b1 = demo.links.filter(Q(source__code="B1") | Q(source__code__startswith="B1."))
    with pikepdf.open(io.BytesIO(content)) as pdf:
        rows = {_rows(table): table for table in _elements(pdf, "/Table")}
        table = rows[in_b1.count()]  # B1's table: one row a link, however tall
        assert kinds(table.K)[0] == "/THead"
        assert kinds(table.K).count("/THead") == 1
    owned_everywhere(content)


def _rows(table) -> int:
    return sum(
        1
        for group in table.K
        if isinstance(group, pikepdf.Dictionary) and group.get("/S") == "/TBody"
        for row in group.K
        if isinstance(row, pikepdf.Dictionary) and row.get("/S") == "/TR"
    )


def test_nested_lists_broken_by_a_page_keep_their_items_whole(client, demo, tmp_path):
    demo.guide_intro = "\n".join(
        f"1. Step {n}\n    - first half of step {n}\n    - second half of step {n}"
        for n in range(1, 41)
    )
    demo.save()
    content = client.get("/guide.pdf").content
    assert_accessible(content, tmp_path)
    with pikepdf.open(io.BytesIO(content)) as pdf:
        empty = [item for item in _elements(pdf, "/LI") if not list(item.get("/K", []))]
        assert empty == []
    text = " ".join(line.strip() for line in structure(content))
    assert text.count("L (block)") >= 41  # the steps' list and one list a step, no more
    owned_everywhere(content)


def test_an_evidence_packs_footers_are_artifacts(client, demo):
    content = client.get("/elements/cih-professional-standards-2021/INT/evidence.pdf").content
    owned_everywhere(content)


def test_a_link_broken_by_a_page_is_one_link_owning_both_its_parts():
    """Built by hand: a link element on page 1 continued on page 2, each part with marked
    content and an annotation. Joined, the first owns both parts of each."""
    from pikepdf import Array, Dictionary, Name, String

    from mapping.pdf import continued

    pdf = pikepdf.new()
    pages = [pdf.add_blank_page(), pdf.add_blank_page()]
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    top = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    parts, annotations = [], []
    for index, page in enumerate(pages):
        annotation = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link,
                                                  StructParent=2 + index))  # fmt: skip
        page.obj.Annots = Array([annotation])
        page.obj.StructParents = index
        page.obj.Contents = pdf.make_stream(b"/Link <</MCID 0>> BDC EMC")
        part = pdf.make_indirect(Dictionary(
            Type=Name.StructElem, S=Name.Link, P=top, Pg=page.obj, WeaveKey=String("a:1"),
            K=Array([0, Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page.obj)]),
        ))  # fmt: skip
        parts.append(part)
        annotations.append(annotation)
    top.K = Array(parts)
    root.K = Array([top])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array([
        0, Array([parts[0]]), 1, Array([parts[1]]), 2, parts[0], 3, parts[1],
    ])))  # fmt: skip
    pdf.Root.StructTreeRoot = root

    continued.join_part(pdf)

    [link] = list(top.K)
    assert link.objgen == parts[0].objgen
    nums = list(root.ParentTree.Nums)
    owners = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    assert owners[1][0].objgen == link.objgen  # page 2's marked content
    assert owners[3].objgen == link.objgen  # page 2's annotation
    on_page_two = [kid for kid in link.K if isinstance(kid, Dictionary) and kid.get("/MCID") == 0]
    assert on_page_two and on_page_two[0].Pg.objgen == pages[1].obj.objgen
    assert "/WeaveKey" not in link
