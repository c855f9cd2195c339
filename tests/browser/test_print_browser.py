"""Pages on a phone with large text, and pages on paper: nothing wider than the window or the
sheet, and nothing printed that only works on a screen."""

import subprocess
from datetime import date

import pytest

from tests.browser.conftest import log_in

# A 320 px phone with its text at 125 % lays pages out as a 256 px window does.
NARROW_PAGES = [
    "/elements/cih-professional-standards-2021/INT/", "/elements/example-homes-behaviours/B2/",
    "/map/", "/links/new/",
]  # fmt: skip
# A4 landscape less the matrix's 12 mm margins, at 96 px an inch: the width it prints at.
A4_LANDSCAPE_WIDTH = 1032
# A4 portrait less the 14 mm margins.
A4_PORTRAIT_WIDTH = 688

RIGHT_EDGES = """() => {
    const table = document.querySelector(".matrix").getBoundingClientRect();
    const box = document.querySelector(".matrix-scroll").getBoundingClientRect();
    return {table: table.right, box: box.right, page: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("width", [256, 288])
def test_nothing_scrolls_sideways_with_large_text_on_a_phone(live_demo, make_page, width):
    page = make_page(viewport={"width": width, "height": 700})
    log_in(page, live_demo.url, "editor")  # the add-a-link form is an editor's
    widths = {}
    for path in NARROW_PAGES:
        page.goto(live_demo.url + path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    assert {path: wide for path, wide in widths.items() if wide > width} == {}


def test_the_matrix_prints_within_the_sheet_without_the_scroll_hint(live_demo, make_page):
    page = make_page(viewport={"width": A4_LANDSCAPE_WIDTH, "height": 700})
    page.goto(live_demo.url + "/matrix/?expand=INT,INC,ETH")
    grid = page.locator("#matrix-grid")
    # On the screen the grid is larger than its box, and says so.
    assert "scrolls" in grid.get_attribute("class")
    hint = "getComputedStyle(document.querySelector('.matrix-scroll'), '::before').display"
    assert page.evaluate(hint) == "block"
    assert page.locator(".column-key li").first.is_hidden()

    page.emulate_media(media="print")
    edges = page.evaluate(RIGHT_EDGES)
    assert edges["table"] <= edges["box"] + 0.5 and edges["box"] <= edges["page"], edges
    assert page.evaluate(hint) == "none"
    # The column codes' key prints open; the instructions about "+" do not print.
    assert page.locator(".column-key li").first.is_visible()
    assert page.get_by_text("Open a row or column").is_hidden()


def test_the_map_prints_without_its_controls(live_demo, make_page):
    page = make_page(viewport={"width": 1280, "height": 900})
    page.goto(live_demo.url + "/map/")
    page.locator("#map[data-ready]").wait_for()
    assert page.locator(".map-toolbar").is_visible()

    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_PORTRAIT_WIDTH, "height": 900})
    assert page.locator(".map-toolbar").is_hidden()
    assert page.get_by_text("pick it from the list below").is_hidden()
    drawing = page.locator("#map canvas").last.bounding_box()
    frame = page.locator("#map").bounding_box()
    assert drawing["x"] + drawing["width"] <= frame["x"] + frame["width"] + 0.5


@pytest.mark.parametrize("path", ["/links/", "/elements/example-homes-behaviours/B1/"])
def test_an_editors_actions_column_does_not_print(live_demo, make_page, path):
    page = make_page()
    log_in(page, live_demo.url, "publisher")
    page.goto(live_demo.url + path)
    actions = page.get_by_role("columnheader", name="Actions").first
    assert actions.is_visible()
    assert page.locator("td.row-actions").first.is_visible()

    page.emulate_media(media="print")
    assert actions.is_hidden()
    assert page.locator("td.row-actions").first.is_hidden()


def test_paper_says_where_and_when_it_was_printed(live_demo, make_page, tmp_path):
    """A sheet of the link table names its address as it stood, filters applied in place
    included, and the day it was printed."""
    page = make_page(viewport={"width": 1280, "height": 900})
    page.goto(live_demo.url + "/links/")
    assert page.locator("[data-printed-from]").is_hidden()
    with page.expect_response(lambda response: "q=tenant" in response.url):
        page.get_by_label("Search titles, codes and rationale").fill("tenant")
    page.wait_for_url("**/links/?q=tenant*")

    pdf = tmp_path / "links.pdf"
    page.pdf(path=str(pdf))
    text = " ".join(pdf_text(pdf).split())
    today = date.today()
    assert f"Printed from {live_demo.url}/links/?q=tenant" in text
    assert f"on {today.day} {today:%B %Y}." in text


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
