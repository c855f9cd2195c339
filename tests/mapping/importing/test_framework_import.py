"""Importing a framework from a table: the dry run says what will happen, row by row; the
apply does exactly that, at once, recorded in the history; the same file twice changes
nothing; what the file leaves out is left alone unless the editor asks to retire it."""

import pytest

from mapping.models import Change
from standards.models import Element, Framework, SourceCheck
from tests.mapping.conftest import problems_said, snapshot

NEW = {"details": {"name": "Our values", "slug": "values", "kind": "behaviours",
                   "publisher": "Example Homes"}}  # fmt: skip
VALUES = """code,title,description,parent code,level label,position
V1,Be kind,Kindness first.,,Value,
V1.1,Listen,,V1,Descriptor,
V1.2,Thank people,,V1,Descriptor,
V2,Be brave,,,Value,
"""


def test_a_new_framework_is_planned_then_created_with_its_tree(dry_run, apply, people):
    batch = dry_run("framework", VALUES, **NEW)
    (part,) = batch.summary
    assert batch.is_planned and batch.can_be_applied
    assert part["counts"] == {"creates": 4, "changes": 0, "unchanged": 0, "missing": 0,
                              "errors": 0, "warnings": 0}  # fmt: skip
    assert part["creates"][0] == "V1 Be kind"
    assert not Framework.objects.filter(slug="values").exists()  # a dry run writes nothing

    apply(batch, by=people["editor"])
    framework = Framework.objects.get(slug="values")
    assert (framework.name, framework.kind, framework.publisher) == (
        "Our values", "behaviours", "Example Homes")  # fmt: skip
    rows = {e.code: e for e in framework.elements.select_related("parent")}
    assert rows["V1.1"].parent == rows["V1"] and rows["V1.2"].parent == rows["V1"]
    assert [rows[c].position for c in ("V1", "V2", "V1.1", "V1.2")] == [1, 2, 1, 2]
    assert rows["V1"].description == "Kindness first."
    created = Change.objects.filter(action="created", reason="Imported from upload.csv.")
    assert created.count() == 5  # the framework and its four elements
    assert set(created.values_list("user__username", flat=True)) == {"editor"}


def test_the_same_file_twice_changes_nothing(dry_run, apply, people):
    apply(dry_run("framework", VALUES, **NEW), by=people["editor"])
    framework = Framework.objects.get(slug="values")
    before = snapshot()
    again = dry_run("framework", VALUES, framework=framework)
    assert again.summary[0]["counts"]["unchanged"] == 4
    assert not again.summary[0]["has_work"] and not again.can_be_applied
    apply(again, by=people["editor"])
    assert snapshot() == before


def test_a_framework_in_use_is_updated_by_code_and_nothing_is_deleted(small, dry_run, apply,
                                                                     people):  # fmt: skip
    text = """code,title,description,parent code,level label,position
B1,Be kind always,,,Behaviour,1
B1.1,Listen well,,B1,Descriptor,1
B3,Be curious,,,Behaviour,3
"""
    batch = dry_run("framework", text, framework=small["behaviours"])
    (part,) = batch.summary
    assert part["counts"]["creates"] == 1 and part["counts"]["changes"] == 1
    assert part["changes"] == [{"label": "B1 Be kind", "fields": [["title", "Be kind",
                                                                  "Be kind always"]]}]  # fmt: skip
    assert part["missing"] == ["B1.2 Say thank you", "B2 Be brave"]
    assert not part["retire_missing"]
    apply(batch, by=people["editor"])
    small["b1"].refresh_from_db()
    assert small["b1"].title == "Be kind always"
    assert Element.objects.get(code="B3").framework == small["behaviours"]
    assert not Element.objects.filter(code__in=["B1.2", "B2"], retired=True).exists()
    change = Change.objects.for_object(small["b1"]).first()
    assert (change.before["title"], change.after["title"]) == ("Be kind", "Be kind always")
    assert change.user == people["editor"] and change.reason == "Imported from upload.csv."


def test_retiring_what_is_not_in_the_file_is_the_editors_choice(small, dry_run, apply, people):
    text = (
        "code,title,level label,parent code\nB1,Be kind,Behaviour,\n"
        "B1.1,Listen well,Descriptor,B1\n"
    )
    batch = dry_run("framework", text, framework=small["behaviours"],
                    options={"retire_missing": True})  # fmt: skip
    assert batch.summary[0]["retire_missing"] and len(batch.summary[0]["missing"]) == 2
    apply(batch, by=people["editor"])
    retired = Element.objects.filter(framework=small["behaviours"], retired=True)
    assert set(retired.values_list("code", flat=True)) == {"B1.2", "B2"}
    assert all(e.retired_reason == "Not in upload.csv." for e in retired)
    small["b2_s12"].refresh_from_db()
    assert small["b2_s12"].is_retired  # a retired element takes its links with it


def test_the_publishers_wording_is_shown_side_by_side_and_marked_checked(small, dry_run,
                                                                        apply, people):  # fmt: skip
    text = ("code,title,description,level label,parent code\n"
            "S1,Respect,Treat everyone with respect.,Top,\n"
            "S1.1,Hear people out,,Child,S1\n")  # fmt: skip
    batch = dry_run("framework", text, framework=small["standards"],
                    options={"official_wording": True})  # fmt: skip
    (part,) = batch.summary
    s1 = next(c for c in part["changes"] if c["label"] == "S1 Respect")
    assert ["description", "—", "Treat everyone with respect."] in s1["fields"]
    assert [
        "wording",
        "Paraphrase, not checked against the source",
        "Checked against the publisher's wording",
    ] in s1["fields"]
    assert "publisher's own wording" in " ".join(part["notes"])
    apply(batch, by=people["editor"])
    for element in (small["s1"], small["s11"]):
        element.refresh_from_db()
        assert element.source_check == SourceCheck.CHECKED and element.checked_on is not None
    small["s12"].refresh_from_db()
    assert small["s12"].source_check == SourceCheck.UNCHECKED  # not in the file


def test_new_wording_not_marked_the_publishers_is_no_longer_checked(small, dry_run, apply,
                                                                   people):  # fmt: skip
    """A file that changes the words of an element checked against the publisher's, without
    saying the file is the publisher's wording, takes the check away (it said "checked"
    over words nobody checked); the dry run says so, and what keeps its words keeps it."""
    Element.objects.filter(pk__in=[small["s1"].pk, small["s11"].pk]).update(
        source_check=SourceCheck.CHECKED, checked_on="2026-12-01"
    )
    text = ("code,title,level label,parent code\n"
            "S1,Respect for all,Top,\n"
            "S1.1,Hear people out,Child,S1\n")  # fmt: skip
    batch = dry_run("framework", text, framework=small["standards"])
    (part,) = batch.summary
    s1 = next(c for c in part["changes"] if c["label"] == "S1 Respect")
    assert ["wording", "Checked against the publisher's wording",
            "Paraphrase, not checked against the source"] in s1["fields"]  # fmt: skip
    apply(batch, by=people["editor"])
    for element in (small["s1"], small["s11"]):
        element.refresh_from_db()
    assert small["s1"].source_check == SourceCheck.UNCHECKED and small["s1"].checked_on is None
    assert small["s11"].source_check == SourceCheck.CHECKED  # its words as they were


def test_the_tree_can_be_rearranged(small, dry_run, apply):
    text = "code,title,level label,parent code\nB2,Be brave,Descriptor,B1\n"
    apply(dry_run("framework", text, framework=small["behaviours"]))
    small["b2"].refresh_from_db()
    assert small["b2"].parent == small["b1"]


BAD_ROWS = [
    ("code,title,level label\nB 1,Be kind,Top\n", "Row 2, column “code”",
     "“B 1” is not a code"),
    ("code,title,level label\nB1,,Top\n", 'Row 2, column “title”', "Give a title."),
    ("code,title,level label\nB1,Kind,\n", "Row 2, column “level label”", "Give a level label"),
    ("code,title,level label\nB1,Kind,Top\nB1,Again,Top\n", "Row 3, column “code”",
     "The code B1 is also on row 2"),
    # A first row with another problem still holds its code.
    ("code,title,level label\nB1,,Top\nB1,Again,Top\n", "Row 3, column “code”",
     "The code B1 is also on row 2"),
    ("code,title,level label,parent code\nB1,Kind,Behaviour,B9\n", "Row 2, column “parent code”",
     "The parent code B9 is not in the file"),
    ("code,title,level label,parent code\nA,One,Top,B\nB,Two,Top,A\n",
     "Row 2, column “parent code”", "A would sit under itself: its parents go round in a "
     "circle (A → B → A)"),
    ("code,title,level label,position\nB1,Kind,Behaviour,first\n", "Row 2, column “position”",
     "“first” is not a position"),
    # Checked in the dry run, not found out by the database when applying.
    ("code,title,level label,position\nB1,Kind,Behaviour,99999999999999999999999\n",
     "Row 2, column “position”", "“99999999999999999999999” is not a position: give a whole "
     "number from 0 to 100,000"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "where", "message"), BAD_ROWS)
def test_each_bad_row_has_its_own_message_and_nothing_is_written(small, dry_run, apply, text,
                                                                 where, message):  # fmt: skip
    before = snapshot()
    batch = dry_run("framework", text, **NEW)
    (part,) = batch.summary
    assert part["blocked"] and not batch.can_be_applied
    found = problems_said(part)
    assert any(line.startswith(f"{where}: {message}") for line in found), found
    apply(batch)
    assert snapshot() == before


def _zip_of(files: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


BAD_FILES = [
    (b"\xff\xfecode,title\n", "upload.csv", "The file is not UTF-8 text"),
    (b"name,words\nB1,Kind\n", "upload.csv", "The columns are not right: it has no “code”, "
     "“title”, “level label” column; “name”, “words” are not columns Weave knows"),
    (b"code,title,level label,extra,extra\nB1,K,T,,\n", "upload.csv",
     "The columns are not right: “extra” is not a column Weave knows."),
    (("code,title,level label," + ",".join(f"c{i}" for i in range(100_000))).encode(),
     "upload.csv", "The columns are not right: “c0”, “c1”, “c2”, “c3”, “c4”, “c5”, “c6”, “c7”, "
     "“c8”, “c9” and 99990 more are not columns Weave knows."),
    (b"code,title,level label\n", "upload.csv", "The file has a header row but no rows"),
    (b"", "upload.csv", "The file is empty"),
    (b"code,title,level label,code\nB1,K,T,B1\n", "upload.csv", "The column “code” appears twice"),
    (b"PK\x03\x04 not really a workbook", "upload.xlsx", "The file is not an Excel workbook"),
    (_zip_of({"notes.txt": b"Not a workbook."}), "upload.xlsx", "The workbook cannot be read: "
     "it is damaged, or holds what a spreadsheet does not write."),
    (b"{not json", "upload.json", "The file is not JSON (line 1, column 2"),
    (b'{"CFItems": []}', "upload.json", "The file is JSON but not a CASE package"),
    (b'code,title,level label\nB1,"Kind,Top\nB2,Brave,Top\n', "upload.csv",
     'A quote (") opened on row 2 is never closed'),
    (b"[" * 100_000, "upload.json", "The file nests lists or objects too deeply to be a CASE "
     "package."),
    (b'{"CFItems": [' + b"1" * 5000 + b"]}", "upload.json", "The file holds a value that "
     "cannot be read: Exceeds the limit (4300 digits)"),
]  # fmt: skip


def _workbook_with_entities(entities: str, cell: str) -> bytes:
    """An .xlsx whose first sheet declares XML entities and uses one in a cell."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["code", "title", "level label"])
    workbook.active.append(["B1", "PLACEHOLDER", "Top"])
    workbook.save(book)
    out = io.BytesIO()
    with zipfile.ZipFile(book) as original, zipfile.ZipFile(out, "w") as changed:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = text.replace("?>", f"?><!DOCTYPE worksheet [{entities}]>", 1)
                text = text.replace('t="s"', 't="inlineStr"')  # (the title stays shared)
                data = text.replace("PLACEHOLDER", cell).encode()
            changed.writestr(item, data)
    return out.getvalue()


LAUGHS = '<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
)


@pytest.mark.parametrize(
    "content",
    [_workbook_with_entities(LAUGHS, "&j;"),  # a billion laughs
     _workbook_with_entities('<!ENTITY e SYSTEM "file:///etc/passwd">', "&e;")],
)  # fmt: skip
def test_a_workbook_with_entities_is_refused_with_its_own_message(small, dry_run, content):
    before = snapshot()
    batch = dry_run("framework", content, "upload.xlsx", **NEW)
    assert batch.is_failed
    assert batch.error.startswith("The workbook's first sheet cannot be read."), batch.error
    assert snapshot() == before


@pytest.mark.parametrize(("content", "filename", "message"), BAD_FILES)
def test_each_unreadable_file_has_its_own_message_and_nothing_is_written(
    small, dry_run, content, filename, message
):
    before = snapshot()
    batch = dry_run("framework", content, filename, **NEW)
    assert batch.is_failed
    assert batch.error.startswith(message), batch.error
    assert snapshot() == before


def test_a_new_framework_needs_a_free_slug(small, dry_run):
    batch = dry_run("framework", VALUES, details={**NEW["details"], "slug": "our-ways"})
    assert batch.summary[0]["blocked"]
    assert "There is already a framework with the slug our-ways: give the new one" in str(
        batch.summary
    )


def test_an_apply_that_fails_half_way_writes_nothing(small, dry_run, apply, monkeypatch):
    batch = dry_run("framework", VALUES, **NEW)
    before = snapshot()
    calls = {"n": 0}
    original = Change.objects.save_new

    def fail_on_the_third(instance, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("The disk is full.")
        return original(instance, **kwargs)

    monkeypatch.setattr(Change.objects, "save_new", fail_on_the_third)
    batch = apply(batch)
    assert batch.is_planned and "nothing was changed" in batch.error
    assert snapshot() == before


def test_a_register_that_changed_after_the_dry_run_shows_the_new_dry_run(small, dry_run,
                                                                         apply):  # fmt: skip
    text = "code,title,level label\nB1,Be kind always,Behaviour\n"
    batch = dry_run("framework", text, framework=small["behaviours"])
    Element.objects.filter(pk=small["b1"].pk).update(title="Be kind always")
    batch = apply(batch)
    assert batch.is_planned and "changed after the dry run" in batch.error
    assert batch.summary[0]["counts"]["changes"] == 0


@pytest.mark.parametrize("slug", ["new", "import"])
def test_a_new_framework_cannot_take_the_address_of_a_page(small, dry_run, slug):
    batch = dry_run("framework", VALUES, details={**NEW["details"], "slug": slug})
    assert batch.is_failed and not Framework.objects.filter(slug=slug).exists()
    assert f"“{slug}” is the address of a page of its own: choose another." in batch.error


def test_a_file_whose_every_row_is_wrong_does_not_say_it_changes_nothing(small, dry_run,
                                                                           as_role):  # fmt: skip
    batch = dry_run("framework", "code,title,level label,parent code\nA,One,Top,A\n", **NEW)
    assert batch.summary[0]["blocked"] and not batch.changes_nothing
    page = as_role("editor").get(f"/imports/{batch.pk}/").content.decode()
    assert "Put the problems right, in the file or in what you chose on the upload form" in page
    assert "The file changes nothing" not in page


def test_retiring_what_is_missing_never_retires_what_the_file_holds(small, dry_run, apply,
                                                                     people):  # fmt: skip
    """B1.1 is in the file, B1 (its parent) is not: retiring B1 would retire B1.1 with it."""
    text = (
        "code,title,level label,parent code\nB1.1,Listen well,Descriptor,B1\n"
        "B2,Be brave,Behaviour,\n"
    )
    batch = dry_run("framework", text, framework=small["behaviours"],
                    options={"retire_missing": True})  # fmt: skip
    assert not batch.can_be_applied
    assert [p["message"] for p in batch.summary[0]["problems"]] == [
        "B1 is not in the file, but B1.1, which is, sits under it: retiring B1 would retire "
        "B1.1 too. Put B1 in the file, or B1.1 under another parent."
    ]
    before = snapshot()
    apply(batch, by=people["editor"])
    assert snapshot() == before


def test_an_element_cannot_be_put_under_a_retired_one(small, dry_run, apply, people):
    Element.objects.filter(code="B2").update(retired=True, retired_reason="Gone.")
    text = "code,title,level label,parent code\nB2.1,Be bold,Descriptor,B2\n"
    batch = dry_run("framework", text, framework=small["behaviours"])
    assert not batch.can_be_applied
    assert problems_said(batch.summary[0]) == [
        "Row 2, column “parent code”: The parent code B2 is retired: restore it first, or put "
        "B2.1 under another."
    ]


def test_a_framework_thousands_of_levels_deep_is_laid_out_without_recursion(db):
    from standards.models import tree_order

    class Node:
        def __init__(self, pk, parent_id):
            self.pk, self.parent_id = pk, parent_id

    nodes = [Node(1, None)] + [Node(i, i - 1) for i in range(2, 5001)]
    ordered = tree_order(nodes)
    assert [n.pk for n in ordered] == list(range(1, 5001)) and ordered[-1].depth == 4999


def test_a_code_differing_only_in_case_from_another_is_a_problem(small, dry_run):
    text = "code,title,level label,parent code\nb1,Be kind,Top,\nB7,New,Behaviour,\nb7,Newer,Top,\n"
    batch = dry_run("framework", text, framework=small["behaviours"])
    assert not batch.can_be_applied
    assert problems_said(batch.summary[0]) == [
        "Row 2, column “code”: b1 differs from B1 only in case: nobody reading could tell them "
        "apart. Use B1, or another code.",
        "Row 4, column “code”: b7 differs from B7 only in case: nobody reading could tell them "
        "apart. Use B7, or another code.",
    ]


def test_wording_typed_in_its_column_is_said_not_read(small, dry_run):
    """The export's “wording” column is for reading: a row that says other than what the
    element will have gets a warning naming the upload form's box; with the box ticked,
    a row saying “checked” gets none."""
    text = ("code,title,level label,wording\n"
            "S1,Respect,Top,Checked against the publisher's wording\n"
            'S2,Service,Top,"Paraphrase, not checked against the source"\n')  # fmt: skip
    batch = dry_run("framework", text, framework=small["standards"])
    (part,) = batch.summary
    (warning,) = part["problems"]
    assert (warning["row"], warning["column"], warning["blocking"]) == (2, "wording", False)
    assert "tick “This file is the publisher's own wording” on the upload form" in \
        warning["message"]  # fmt: skip
    assert warning["message"].endswith("Weave's is “Paraphrase, not checked against the source”.")
    ticked = dry_run("framework", text, framework=small["standards"],
                     options={"official_wording": True})  # fmt: skip
    assert [p["row"] for p in ticked.summary[0]["problems"]] == [3]  # S2 says it is unchecked


def test_invisible_marks_a_spreadsheet_leaves_are_not_read_as_text(small, dry_run, apply):
    """A file saved twice starts with two byte order marks, and files joined together hold
    one inside a cell; a header may carry a zero-width space. None is anything anyone
    wrote: the file reads as it shows."""
    text = ("\ufeff\ufeffcode,title,level\u200b label,parent code\n"
            "S3,Learning,Top,\n"
            "S3.1,\ufeffKeep learning,Child,\ufeffS3\n")  # fmt: skip
    batch = dry_run("framework", text, framework=small["standards"])
    (part,) = batch.summary
    assert not part["problems"], part["problems"]
    apply(batch)
    made = Element.objects.get(framework=small["standards"], code="S3.1")
    assert made.title == "Keep learning" and made.parent.code == "S3"


def test_a_long_sheet_name_is_cut_between_words():
    from mapping.exchange.tabular import sheet_name

    assert sheet_name("Our Behaviours and Our Induction Standards links") == (
        "Our Behaviours and Our…"
    )
    assert sheet_name("Example Homes links") == "Example Homes links"
    assert len(sheet_name("x" * 40)) == 31 and sheet_name("") == "Sheet"


def test_a_file_without_a_description_column_leaves_descriptions_and_checks_alone(
    small, dry_run, apply
):
    """A spreadsheet of codes, titles and levels says nothing of descriptions: it used to
    empty every one (and, once checks were kept honest, take their check away)."""
    Element.objects.filter(pk=small["s1"].pk).update(
        description="Treat everyone with respect.", source_check=SourceCheck.CHECKED,
        checked_on="2026-12-01")  # fmt: skip
    text = "code,title,level label,parent code\nS1,Respect,Top,\nS1.1,Hear them out,Child,S1\n"
    batch = dry_run("framework", text, framework=small["standards"])
    (part,) = batch.summary
    assert [c["label"] for c in part["changes"]] == ["S1.1 Hear people out"]
    apply(batch)
    small["s1"].refresh_from_db()
    assert small["s1"].description == "Treat everyone with respect."
    assert small["s1"].source_check == SourceCheck.CHECKED
    # With the column there and empty, the description is emptied, as the file says.
    text = "code,title,description,level label,parent code\nS1,Respect,,Top,\n"
    apply(dry_run("framework", text, framework=small["standards"]))
    small["s1"].refresh_from_db()
    assert small["s1"].description == ""
