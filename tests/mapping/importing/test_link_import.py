"""Importing a register's links from a table: pairs by the two codes, relations in plain
words or SKOS, what is new added with the status the editor chose, what changed updated
(an editor's change to an approved link goes back for approval), the rest left alone."""

import re

import pytest

from mapping.models import Change, Link, LinkStatus, Relation
from tests.mapping.conftest import problems_said, snapshot

HEADER = "source code,target code,relation,rationale,example\n"


def test_new_links_are_added_as_drafts_and_recorded(small, dry_run, apply, people):
    text = HEADER + ("B1.2,S1,closely matches,Thanks are respect.,A card.\n"
                     "B2,S2,skos:relatedMatch,Bravery serves people.,\n")  # fmt: skip
    batch = dry_run("links", text, mapping=small["mapping"])
    (part,) = batch.summary
    assert part["creates"] == ["B1.2 → S1: Closely matches", "B2 → S2: Supports"]
    assert part["counts"]["missing"] == 3 and not part["blocked"]
    assert "New links: draft." in part["notes"]
    apply(batch, by=people["editor"])
    made = Link.objects.get(source=small["b12"], target=small["s1"])
    assert (made.relation, made.rationale, made.example, made.status) == (
        Relation.CLOSELY_MATCHES, "Thanks are respect.", "A card.", LinkStatus.DRAFT)  # fmt: skip
    assert made.created_by == people["editor"]
    assert Link.objects.count() == 5  # the three not in the file are left alone
    recorded = Change.objects.for_object(made).get()
    assert recorded.action == "created" and recorded.reason == "Imported from upload.csv."


def test_a_changed_approved_link_goes_back_for_approval_unless_a_publisher_imports(
    small, dry_run, apply, people
):
    Link.objects.update(status=LinkStatus.APPROVED)
    text = HEADER + "B1.1,S1.1,partly covers,Listening is part of it.,\n"
    batch = dry_run("links", text, mapping=small["mapping"])
    (change,) = batch.summary[0]["changes"]
    assert change["label"] == "B1.1 → S1.1"
    assert ["relation", "Fully covers", "Partly covers"] in change["fields"]
    apply(batch, by=people["editor"])
    link = Link.objects.get(pk=small["b11_s11"].pk)
    assert (link.relation, link.status) == (Relation.PARTLY_COVERS, LinkStatus.PROPOSED)

    text = HEADER + "B1,S2,supports,Kindness is good service.,Offering a cup of tea.\n"
    apply(dry_run("links", text, mapping=small["mapping"]), by=people["publisher"])
    link = Link.objects.get(pk=small["b1_s2"].pk)
    assert (link.rationale, link.status) == ("Kindness is good service.", LinkStatus.APPROVED)


def test_a_publisher_may_import_links_approved(small, dry_run, apply, people):
    text = HEADER + "B2,S2,supports,Bravery serves people.,\n"
    batch = dry_run("links", text, mapping=small["mapping"], options={"status": "approved"})
    apply(batch, by=people["publisher"])
    assert Link.objects.get(source=small["b2"], target=small["s2"]).is_approved


def test_the_same_file_twice_changes_nothing(small, dry_run, apply, people):
    text = HEADER + "B2,S2,supports,Bravery serves people.,\n"
    apply(dry_run("links", text, mapping=small["mapping"]), by=people["editor"])
    before = snapshot()
    again = dry_run("links", text, mapping=small["mapping"])
    assert again.summary[0]["counts"]["unchanged"] == 1 and not again.can_be_applied
    apply(again, by=people["editor"])
    assert snapshot() == before


def test_retiring_links_not_in_the_file_and_restoring_one_that_is(small, dry_run, apply, people):
    small["b2_s12"].retire(by=people["editor"], reason="Gone.")
    text = HEADER + "B2,S1.2,partly covers,Bravery includes challenging unfairness.,\n"
    batch = dry_run("links", text, mapping=small["mapping"], options={"retire_missing": True})
    (part,) = batch.summary
    assert part["missing"] == ["B1.1 → S1.1", "B1 → S2"] and part["retire_missing"]
    apply(batch, by=people["editor"])
    statuses = dict(Link.objects.values_list("pk", "status"))
    assert statuses[small["b2_s12"].pk] == LinkStatus.DRAFT
    assert statuses[small["b11_s11"].pk] == statuses[small["b1_s2"].pk] == LinkStatus.RETIRED


def test_a_table_with_the_old_column_names_reads_the_same(small, dry_run):
    """A file made when every register was behaviours → standards (an old export, say)
    still reads, as the same file with today's column names."""
    rows = [
        ["B1.2", "Thanks", "S1", "Respect", "closely matches", "Thanks are respect.", "A card."],
        ["B1.1", "Listen", "S1.1", "Hear", "partly covers", "Listening is part of it.", ""],
    ]
    old = ["behaviour code", "behaviour", "standard code", "standard", "relation", "rationale",
           "example"]  # fmt: skip
    new = ["source code", "source", "target code", "target", "relation", "rationale", "example"]
    read = [dry_run("links", "\n".join(",".join(row) for row in [header, *rows]) + "\n",
                    mapping=small["mapping"]).summary for header in (old, new)]  # fmt: skip
    assert read[0] == read[1]
    assert read[0][0]["creates"] == ["B1.2 → S1: Closely matches"]
    assert [change["label"] for change in read[0][0]["changes"]] == ["B1.1 → S1.1"]


BAD_ROWS = [
    (HEADER + "B9,S1,supports,Why.,\n", "Row 2, column “source code”",
     "“B9” is not a behaviour in Our ways."),
    (HEADER + "B1,S9,supports,Why.,\n", "Row 2, column “target code”",
     "“S9” is not a standard in The standards."),
    (HEADER + "S1,B1,supports,Why.,\n", "Row 2, column “source code”",
     "“S1” is not a behaviour in Our ways."),
    (HEADER + "B1,S1,is a bit like,Why.,\n", "Row 2, column “relation”",
     "“is a bit like” is not a relation Weave knows"),
    (HEADER + "B1,S1,supports,,\n", "Row 2, column “rationale”", "Give a rationale"),
    (HEADER + "B1,S1,supports,Why.,\nB1,S1,supports,Again.,\n", "Row 3, column “target code”",
     "B1 → S1 is linked twice in the file (also row 2)."),
    (HEADER + "B1,S1,supports,Right\x0bfirst time,\n", "Row 2, column “rationale”",
     "It holds an invisible vertical tab (U+000B)"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "where", "message"), BAD_ROWS)
def test_each_bad_row_has_its_own_message_and_nothing_is_written(small, dry_run, apply, text,
                                                                 where, message):  # fmt: skip
    before = snapshot()
    batch = dry_run("links", text, mapping=small["mapping"])
    (part,) = batch.summary
    assert part["blocked"] and not batch.can_be_applied
    found = problems_said(part)
    assert any(line.startswith(f"{where}: {message}") for line in found), found
    apply(batch)
    assert snapshot() == before


def test_problems_are_listed_in_the_files_order(small, dry_run):
    # Row 3's bad code is found by a later pass than row 4's bad relation.
    text = HEADER + "B1,S1,supports,Why.,\nB9,S1,supports,Why.,\nB2,S2,a bit,Why.,\n"
    (part,) = dry_run("links", text, mapping=small["mapping"]).summary
    assert [line.split(":")[0] for line in problems_said(part)] == [
        "Row 3, column “source code”",
        "Row 4, column “relation”",
    ]


def test_a_retired_element_is_named_as_such(small, dry_run, people):
    from mapping.models.retiring import retire_element

    retire_element(small["b12"], by=people["editor"], reason="Folded.")
    batch = dry_run("links", HEADER + "B1.2,S1,supports,Why.,\n", mapping=small["mapping"])
    assert "B1.2 is retired in Our ways: restore it first" in str(batch.summary)


def test_an_excel_file_reads_like_a_csv(small, dry_run, apply):
    from mapping.exchange.tabular import LINK_COLUMNS, xlsx_bytes

    content = xlsx_bytes(LINK_COLUMNS, [["B2", "S2", "supports", "=Bravery", 7]], title="Links")
    batch = dry_run("links", content, "links.xlsx", mapping=small["mapping"])
    assert batch.summary[0]["creates"] == ["B2 → S2: Supports"]
    apply(batch)
    link = Link.objects.get(source=small["b2"], target=small["s2"])
    assert (link.rationale, link.example) == ("=Bravery", "7")


def test_applying_tells_postgresql_how_big_the_live_tables_are(small, dry_run, apply, people):
    """As publishing does for the frozen tables: without fresh statistics PostgreSQL plans
    the first pages after a large import as if its tables were as they were before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sources = ["B1", "B1.1", "B1.2", "B2"]
    targets = ["S1", "S1.1", "S1.2", "S2"]
    rows = [f"{s},{t},supports,Imported.,\n" for s in sources for t in targets]
    batch = dry_run("links", HEADER + "".join(rows), mapping=small["mapping"])
    with CaptureQueriesContext(connection) as queries:
        apply(batch, by=people["publisher"])
    assert Link.objects.count() == 16
    analysed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor != "postgresql":
        assert analysed == []  # SQLite plans without them
        return
    assert analysed == ["ANALYZE mapping_link, standards_element, mapping_change"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'mapping_link'")
        assert cursor.fetchone()[0] >= 16


def _workbook(rows: list[list]) -> bytes:
    """A workbook as a program (not a spreadsheet) writes one: formulas without values."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


COLUMNS = ["source code", "target code", "relation", "rationale", "example"]


def test_a_formula_saved_without_its_value_is_refused_where_it_is(small, dry_run):
    """Read as empty, it would erase the example it replaced: the file is refused instead,
    naming the row, the column and the formula."""
    content = _workbook([COLUMNS, ["B1.1", "S1.1", "fully covers", "Listening.", "=1+1"]])
    batch = dry_run("links", content, "links.xlsx", mapping=small["mapping"])
    assert batch.is_failed
    assert batch.error.startswith("Row 2, column “example” holds a formula (=1+1) with no value")


def _saved_as_a_spreadsheet_would(content: bytes, saved: dict[str, str]) -> bytes:
    """The workbook with each formula cell named in saved given the text value a
    spreadsheet saves with it (t="str"): "" for a formula that gave empty text."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for cell, value in saved.items():
                    start = text.index(f'<c r="{cell}"')
                    end = text.index("</c>", start)
                    formula = text[text.index("<f>", start) : text.index("</f>", start) + 4]
                    text = (text[:start] + f'<c r="{cell}" t="str">{formula}<v>{value}</v>'
                            + text[end:])  # fmt: skip
                data = text.encode()
            new.writestr(item, data)
    return out.getvalue()


def test_a_formula_saved_with_its_value_reads_as_that_value_even_empty(small, dry_run):
    """A template's IF(…, "", …) saved by a spreadsheet: empty text, not a formula refused;
    and a formula in a column only for reading (an export's "last changed") is passed over."""
    columns = [*COLUMNS, "last changed"]
    content = _saved_as_a_spreadsheet_would(_workbook([
        columns,
        ["B2", "S2", "supports", '=IF(1=1,"Why.","")', '=IF(1=2,"eg","")', "=TODAY()"],
    ]), {"D2": "Why.", "E2": ""})  # fmt: skip
    batch = dry_run("links", content, "links.xlsx", mapping=small["mapping"])
    assert not batch.is_failed, batch.error
    assert batch.summary[0]["creates"] == ["B2 → S2: Supports"]


def test_a_date_cell_reads_as_the_date_it_shows(small, dry_run, apply):
    from datetime import datetime

    content = _workbook([COLUMNS, ["B2", "S2", "supports", "Why.", datetime(2026, 12, 25)]])
    batch = dry_run("links", content, "links.xlsx", mapping=small["mapping"])
    assert batch.summary[0]["creates"] == ["B2 → S2: Supports"]
    apply(batch)
    assert Link.objects.get(source=small["b2"], target=small["s2"]).example == "2026-12-25"


def test_a_workbook_named_csv_is_read_as_a_workbook(small, dry_run):
    content = _workbook([COLUMNS, ["B2", "S2", "supports", "Why.", ""]])
    batch = dry_run("links", content, "links.csv", mapping=small["mapping"])
    assert batch.summary[0]["creates"] == ["B2 → S2: Supports"]


def test_a_workbook_that_unpacks_too_far_is_refused_before_it_is_read(small, dry_run):
    """A few hundred kilobytes that unpack past what Weave reads: refused at once."""
    import io
    import zipfile

    from mapping.exchange.tabular import MOST_UNPACKED

    buffer = io.BytesIO(_workbook([COLUMNS, ["B2", "S2", "supports", "Why.", ""]]))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.xml", b" " * (MOST_UNPACKED + 1))
    assert len(buffer.getvalue()) < 1024 * 1024
    batch = dry_run("links", buffer.getvalue(), "links.xlsx", mapping=small["mapping"])
    assert batch.is_failed and batch.error.startswith("The workbook unpacks to 100 MB, more ")


def test_a_sheet_with_a_far_column_in_every_row_is_read_at_once(small, dry_run):
    """openpyxl would fill each row out to the far column (XFD, the 16,384th): Weave reads
    the first 64, so 20,000 such rows take no longer than any others."""
    import io
    import time
    import zipfile

    book = io.BytesIO(_workbook([COLUMNS, ["B2", "S2", "supports", "Why.", ""]]))
    with zipfile.ZipFile(book) as archive:
        parts = {item.filename: archive.read(item.filename) for item in archive.infolist()}
    far = "".join(f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'
                  for n in range(3, 20_003))  # fmt: skip
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace("</row></sheetData>", f"</row>{far}</sheetData>")
    sheet = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD20002"/>', sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    started = time.monotonic()
    batch = dry_run("links", out.getvalue(), "links.xlsx", mapping=small["mapping"])
    assert time.monotonic() - started < 15  # before: over 30 s and 2.6 GB
    assert batch.summary[0]["creates"] == ["B2 → S2: Supports"]


def test_a_file_of_too_many_rows_is_refused_saying_how_many_are_read(small, dry_run):
    from mapping.exchange.tabular import MOST_ROWS

    text = HEADER + "a,b\n" * MOST_ROWS
    batch = dry_run("links", text.encode(), mapping=small["mapping"])
    assert batch.is_failed
    assert batch.error == ("The file has more than 100,000 rows, the most Weave reads at once: "
                           "split it into smaller files.")  # fmt: skip


def test_a_file_in_another_encoding_names_the_row(small, dry_run):
    text = HEADER + "B2,S2,supports,Why.,\nB1.2,S1,supports,Café society.,\n"
    batch = dry_run("links", text.encode("cp1252"), mapping=small["mapping"])
    assert batch.is_failed and "row 3 has a character in another encoding" in batch.error


def test_codes_in_another_case_are_the_elements_own(small, dry_run):
    batch = dry_run("links", HEADER + "b2,s2,supports,Why.,\n", mapping=small["mapping"])
    assert batch.summary[0]["creates"] == ["B2 → S2: Supports"] and not batch.summary[0]["blocked"]


def test_an_edit_in_a_column_for_reading_is_said_not_lost(small, dry_run):
    """The export's reference, titles and status are for reading: a row that changes them
    gets a warning saying so, and what Weave has; a row as exported gets none."""
    from mapping.exchange.tabular import LINK_COLUMNS, csv_bytes

    header = [*LINK_COLUMNS, "reference", "source", "target", "status"]
    rows = [
        ["B1.1", "S1.1", "fully covers", "Listening is hearing people out.", "",
         "B1.1 → S1.1", "Listen well", "Hear people out", "Retired"],
        ["B2", "S1.2", "partly covers", small["b2_s12"].rationale, small["b2_s12"].example,
         "B2 → S1.2", "Be brave", "Challenge unfairness", small["b2_s12"].get_status_display()],
        ["B2", "S2", "supports", "Why.", "", "B2 → S2", "Be bold", "Service", "Approved"],
    ]  # fmt: skip
    batch = dry_run("links", csv_bytes(header, rows), mapping=small["mapping"])
    (part,) = batch.summary
    said = [(p["row"], p["column"], p["blocking"]) for p in part["problems"]]
    assert said == [(2, "status", False), (4, "source", False), (4, "status", False)]
    status = part["problems"][0]["message"]
    assert status.startswith("“Retired” in “status” is not read (a link's status changes on ")
    assert status.endswith("Weave's is “Draft”.")
    assert part["problems"][1]["message"].endswith("Weave's is “Be brave”.")
    assert part["counts"]["unchanged"] == 2 and part["creates"] == ["B2 → S2: Supports"]


def test_a_row_with_a_problem_is_in_the_file_not_missing_from_it(small, dry_run):
    text = HEADER + "B1.1,S1.1,sort of covers,Listening.,\nB1,S2,supports,Kindness.,\n"
    batch = dry_run("links", text, mapping=small["mapping"], options={"retire_missing": True})
    (part,) = batch.summary
    assert part["blocked"] and part["missing"] == ["B2 → S1.2"]


def test_text_pasted_decomposed_is_saved_composed(small, dry_run, apply):
    """A rationale whose ŵ is a "w" and a combining circumflex (as some PDFs give it) is
    saved as the one letter, as a form saves it: searching for what people type finds it."""
    content = _workbook([COLUMNS, ["B2", "S2", "supports", "Am ddw\u0302r gla\u0302n.", ""]])
    apply(dry_run("links", content, "links.xlsx", mapping=small["mapping"]))
    saved = Link.objects.get(source=small["b2"], target=small["s2"])
    assert saved.rationale == "Am ddŵr glân." and len(saved.rationale) == 13


def test_a_file_without_an_example_column_leaves_examples_alone(small, dry_run, apply, people):
    link = small["b11_s11"]
    Link.objects.filter(pk=link.pk).update(example="Asking before deciding.")
    text = ("source code,target code,relation,rationale\n"
            f"B1.1,S1.1,{link.get_relation_display()},{link.rationale}\n")  # fmt: skip
    batch = dry_run("links", text, mapping=small["mapping"])
    assert batch.summary[0]["counts"]["changes"] == 0
    apply(batch, by=people["editor"])
    link.refresh_from_db()
    assert link.example == "Asking before deciding."
