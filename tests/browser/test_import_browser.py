"""Importing in a browser, as an editor: upload a file, read the dry run, apply it; and
the import pages pass axe, on a desktop and on a phone."""

from tests.browser.conftest import axe_violations, log_in

LINKS = (
    "source code,target code,relation,rationale,example\n"
    "B1,KNO,supports,Putting residents first needs knowing what they need.,\n"
    "B2,INT,closely matches,A new reason for an old link.,\n"
)


def test_an_editor_uploads_checks_and_applies_links(live_demo, page):
    from mapping.models import Link, Mapping

    mapping = Mapping.objects.default()
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/links/")
    page.get_by_role("link", name="Import links from a file").click()
    page.get_by_label("File to import").set_input_files(
        files=[{"name": "links.csv", "mimeType": "text/csv", "buffer": LINKS.encode()}]
    )
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="Dry run: Our Behaviours and the CIH Professional "
                     "Standards").wait_for()  # fmt: skip
    assert not page.get_by_text("B1 → KNO: Supports").is_visible()  # folded until opened
    # What a screen reader is told when the check finishes in place.
    summary = page.locator("[data-announce]").first
    assert summary.text_content().startswith("The dry run is ready: 1 to add,")
    page.get_by_text("To add: 1").click()
    page.get_by_text("B1 → KNO: Supports").wait_for()
    assert axe_violations(page) == []
    assert not Link.objects.filter(mapping=mapping, source__code="B1",
                                   target__code="KNO").exists()  # fmt: skip
    page.get_by_role("button", name="Apply this import").click()
    page.get_by_text("Applied on").wait_for()
    assert axe_violations(page) == []
    made = Link.objects.get(mapping=mapping, source__code="B1", target__code="KNO")
    assert made.status == "draft" and made.created_by.username == "editor"
    assert Link.objects.get(mapping=mapping, source__code="B2", target__code="INT").status \
        == "proposed"  # fmt: skip


def test_the_official_wording_reads_side_by_side_on_a_phone(live_demo, make_page):
    page = make_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/frameworks/import/")
    page.get_by_label("File to import").set_input_files(files=[{
        "name": "cih.csv", "mimeType": "text/csv",
        "buffer": b"code,title,level label\nINT,Integrity (as CIH words it),Characteristic\n",
    }])  # fmt: skip
    page.get_by_label("Into").select_option(
        label="CIH Professional Standards, 2021 (standards framework, "
        "cih-professional-standards-2021)"
    )
    page.get_by_label("This file is the publisher's own wording").check()
    page.get_by_role("button", name="Upload and check").click()
    page.locator("table.side-by-side").wait_for()
    assert page.locator("del", has_text="Integrity").first.is_visible()
    assert page.locator("ins", has_text="Integrity (as CIH words it)").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width}px"
    assert axe_violations(page) == []


def test_a_file_with_problems_says_where_they_are(live_demo, page):
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/links/import/")
    page.get_by_label("File to import").set_input_files(files=[{
        "name": "links.csv", "mimeType": "text/csv",
        "buffer": b"source code,target code,relation,rationale\nB99,INT,supports,Why.\n",
    }])  # fmt: skip
    page.get_by_role("button", name="Upload and check").click()
    alert = page.get_by_role("alert")
    alert.get_by_text("“B99” is not a behaviour").wait_for()
    assert "Row 2, column “source code”" in alert.inner_text()
    assert page.get_by_role("button", name="Apply this import").count() == 0
    assert axe_violations(page) == []
