"""A student collects references in a real browser: four entries from three pages (a row of
the link table, an element's page, a cell of the matrix and the guide), with htmx and
without JavaScript, then downloads the list; the page passes axe and the policy."""

from pathlib import Path

import bibtexparser
import rispy
from playwright.sync_api import expect

from mapping.models import Link
from tests.browser.conftest import axe_violations
from tests.browser.test_csp_browser import _watch


def test_a_student_adds_four_entries_from_three_pages_and_downloads_them(live_demo, make_page):
    page = make_page(bypass_csp=False, permissions=["clipboard-read", "clipboard-write"])
    refused = _watch(page)
    page.goto(f"{live_demo.url}/links/?source=B2")
    page.get_by_role("button", name="Add to my list B2 → INT").click()
    expect(page.locator("#reference-count")).to_have_text(" (1)")
    expect(
        page.get_by_role("status").filter(has_text="Added to your reference list")
    ).to_be_visible()
    page.goto(f"{live_demo.url}/elements/cih-professional-standards-2021/INT.4/")
    expect(page.locator("#reference-count")).to_have_text(" (1)")
    page.locator(".cite-this").get_by_role("button", name="Add to my list").click()
    expect(page.locator("#reference-count")).to_have_text(" (2)")
    page.get_by_role("button", name="Add to my list B2.1 → INT.4").click()
    expect(page.locator("#reference-count")).to_have_text(" (3)")
    page.goto(f"{live_demo.url}/editions/1/")
    page.locator(".cite-this").get_by_role("button", name="Add to my list").click()
    expect(page.locator("#reference-count")).to_have_text(" (4)")
    page.get_by_role("link", name="My references (4)").first.click()
    expect(page.locator(".reference-list li")).to_have_count(4)
    expect(page.get_by_text("Your list mixes live pages and editions.")).to_be_visible()
    page.get_by_role("button", name="Copy all").click()
    expect(page.locator("[data-copy=reference-plain]")).to_have_text("Copied")  # written
    copied = page.evaluate("navigator.clipboard.readText()")
    assert len([line for line in copied.splitlines() if line.strip()]) == 4, copied
    # As rich text too, so that a word processor keeps each title's italics.
    rich = page.evaluate("""async () => {
        const [item] = await navigator.clipboard.read();
        return await (await item.getType("text/html")).text();
    }""")
    assert rich.count("<p>") == 4 and "<i>" in rich, rich
    with page.expect_download() as bib:
        page.get_by_role("link", name="BibTeX (.bib)").click()
    library = bibtexparser.parse_string(Path(bib.value.path()).read_text(encoding="utf-8"))
    assert len(library.entries) == 4
    with page.expect_download() as ris:
        page.get_by_role("link", name="RIS (.ris)").click()
    assert len(rispy.loads(Path(ris.value.path()).read_text(encoding="utf-8"))) == 4
    page.get_by_role("button", name="Pin every entry to the latest edition").click()
    expect(page.get_by_text("Pinned 3 entries to the latest edition.")).to_be_visible()
    assert refused == []


def test_adding_a_link_from_its_row_updates_its_cite_panel_too(live_demo, make_page):
    link = Link.objects.get(source__code="B1.1", target__code="INC.3")
    page = make_page(bypass_csp=False)
    refused = _watch(page)
    page.goto(f"{live_demo.url}/links/{link.pk}/")
    expect(page.locator("form.add-reference")).to_have_count(2)
    page.locator("#results, table").first.get_by_role("button", name="Add to my list").click()
    expect(page.locator("#reference-count")).to_have_text(" (1)")
    expect(page.locator("form.add-reference")).to_have_count(0)
    expect(page.locator(".cite-this").get_by_text("In your reference list.")).to_be_visible()
    assert refused == []


def test_without_javascript_adding_goes_back_to_the_page(live_demo, make_page):
    page = make_page(java_script_enabled=False)
    page.goto(f"{live_demo.url}/links/?source=B2")
    page.get_by_role("button", name="Add to my list B2 → INT").click()
    assert page.url.endswith("/links/?source=B2")
    expect(page.get_by_text("Added to your reference list (1 in all).")).to_be_visible()
    expect(page.locator("#reference-count")).to_have_text(" (1)")
    page.goto(f"{live_demo.url}/references/?style=harvard")
    expect(page.locator(".reference-list li")).to_have_count(1)
    page.get_by_role("button", name="Remove").first.click()
    expect(page.get_by_text("Your list is empty.")).to_be_visible()


def test_axe_finds_nothing_on_the_list(live_demo, make_page):
    for viewport in ({"width": 1280, "height": 900}, {"width": 375, "height": 740}):
        page = make_page(viewport=viewport)
        page.goto(f"{live_demo.url}/links/?source=B2")
        page.get_by_role("button", name="Add to my list B2 → INT").click()
        expect(page.locator("#reference-count")).to_have_text(" (1)")
        page.goto(f"{live_demo.url}/references/")
        assert axe_violations(page) == []
