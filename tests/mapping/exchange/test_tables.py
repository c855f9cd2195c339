"""Tables in and out: the templates and every table Weave exports read back in as they
went out, and no cell that begins like a formula runs as one in a spreadsheet."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from mapping.models import Link, ReviewedGap
from mapping.register import LinkFilter, LiveRegister

HEADER = "source code,target code,relation,rationale,example\n"
FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)"]


def _csv_rows(content: bytes) -> list[dict]:
    assert content.startswith("\ufeff".encode())  # so that Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx_rows(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [[cell for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_framework_template_imports_as_it_is(db, client, dry_run, apply, extension):
    response = client.get(reverse("import_template", args=["framework", extension]))
    assert response["Content-Disposition"] == (
        f'attachment; filename="weave-framework-template.{extension}"')  # fmt: skip
    batch = dry_run("framework", response.content, f"template.{extension}",
                    details={"name": "Ours", "slug": "ours", "kind": "behaviours",
                             "publisher": "Us"})  # fmt: skip
    (part,) = batch.summary
    assert part["creates"] == ["V1 Our first value", "V1.1 One way it shows"]
    assert not part["problems"]
    apply(batch)


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_links_template_imports_as_it_is(demo, client, dry_run, extension):
    content = client.get(reverse("import_template", args=["links", extension])).content
    Link.objects.filter(mapping=demo, source__code="B1", target__code="INC").delete()
    batch = dry_run("links", content, f"template.{extension}", mapping=demo)
    (part,) = batch.summary
    assert part["creates"] == ["B1 → INC: Partly covers"] and not part["problems"]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize(("side", "words"), [("source", "behaviours"), ("target", "standards")])
def test_a_framework_exported_as_a_table_reads_back_unchanged(demo, client, dry_run, side, words,
                                                              extension):  # fmt: skip
    framework = getattr(demo, f"{side}_framework")
    response = client.get(f"/elements/{framework.slug}.{extension}")
    assert response["Content-Disposition"].endswith(
        f'-{words}-{timezone.localdate():%Y-%m-%d}.{extension}"')  # fmt: skip
    batch = dry_run("framework", response.content, f"f.{extension}", framework=framework)
    (part,) = batch.summary
    current = framework.elements.filter(retired=False).count()
    assert part["counts"] == {"creates": 0, "changes": 0, "unchanged": current, "missing": 0,
                              "errors": 0, "warnings": 0}  # fmt: skip


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize("example", ["=2\nsecond line", "'+also, as typed", "''=two"])
def test_the_link_table_exported_reads_back_unchanged(demo, client, dry_run, extension,
                                                      example):  # fmt: skip
    link = demo.links.first()
    Link.objects.filter(pk=link.pk).update(rationale=FORMULAS[0], example=example)
    content = client.get(f"/links.{extension}").content
    batch = dry_run("links", content, f"links.{extension}", mapping=demo)
    (part,) = batch.summary
    assert part["counts"] == {"creates": 0, "changes": 0, "unchanged": demo.links.count(),
                              "missing": 0, "errors": 0, "warnings": 0}  # fmt: skip


def test_a_semicolon_table_from_a_european_spreadsheet_reads(small, dry_run):
    text = 'source code;target code;relation;rationale\nB2;S2;supports;"Says ""yes""; often"\n'
    batch = dry_run("links", text, mapping=small["mapping"])
    assert batch.summary[0]["creates"] == ["B2 → S2: Supports"]


def test_the_link_table_export_follows_the_filters_and_the_sort(demo, client):
    rows = _csv_rows(client.get("/links.csv?relation=same_as&sort=target").content)
    expected = demo.links.filter(relation="same_as").count()
    assert len(rows) == expected > 0
    assert {row["relation"] for row in rows} == {"Is the same as"}
    register = LiveRegister(demo)
    shown = register.fetch(register.links(LinkFilter(relation="same_as", sort="target")))
    assert [row["reference"] for row in rows] == [link.reference for link in shown]
    everything = _csv_rows(client.get("/links.csv").content)
    assert len(everything) == demo.links.count()
    assert list(everything[0]) == ["reference", "source code", "source", "relation",
                                   "target code", "target", "rationale", "example",
                                   "status", "last changed"]  # fmt: skip
    assert client.get("/links.csv?relation=nonsense").status_code == 400


def test_no_cell_of_a_csv_export_can_run_as_a_formula(small, client):
    for link, text in zip(Link.objects.order_by("pk"), FORMULAS, strict=False):
        Link.objects.filter(pk=link.pk).update(rationale=text, example=text)
    ReviewedGap.objects.create(mapping=small["mapping"], element=small["b12"], reason=FORMULAS[0])
    for url in ("/links.csv", "/coverage.csv", f"/elements/{small['behaviours'].slug}.csv"):
        content = client.get(url).content.decode("utf-8-sig")
        for row in csv.reader(io.StringIO(content)):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), (url, cell)
    rows = _csv_rows(client.get("/links.csv").content)
    assert {row["rationale"] for row in rows} == {"'" + text for text in FORMULAS[:3]}
    gap = next(r for r in _csv_rows(client.get("/coverage.csv").content) if r["code"] == "B1.2")
    assert gap["reason left unlinked"] == "'" + FORMULAS[0]


def test_every_text_cell_of_an_excel_export_is_text(small, client):
    Link.objects.filter(pk=small["b11_s11"].pk).update(rationale=FORMULAS[0])
    sheet = _xlsx_rows(client.get("/links.xlsx").content)
    cells = [cell for row in sheet for cell in row if cell.value is not None]
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    assert FORMULAS[0] in [cell.value for cell in cells]  # kept as it is, as text


def test_an_edition_exports_what_it_published(published, client):
    rows = _csv_rows(client.get("/editions/2/links.csv").content)
    assert len(rows) == published["edition"].links.count()
    assert "A draft nobody approved." not in {row["rationale"] for row in rows}
    assert {row["status"] for row in rows} == {"Approved"}


def test_a_cell_longer_than_the_csv_readers_limit_gets_the_rows_own_message(small, dry_run):
    """200,000 characters in one cell: the reader's own limit is 131,072 (it said "field
    larger than field limit", naming no row)."""
    text = "source code,target code,relation,rationale\nB1.1,S1.1,supports," + "x" * 200_000 + "\n"
    batch = dry_run("links", text.encode(), "long.csv", mapping=small["mapping"])
    (part,) = batch.summary
    messages = " ".join(problem["message"] for problem in part["problems"])
    assert part["blocked"] and "field limit" not in messages
    assert "rationale" in " ".join(f"{p['where']} {p['message']}" for p in part["problems"])
