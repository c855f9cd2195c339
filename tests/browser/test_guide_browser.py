import re

import pytest
from playwright.sync_api import expect


def test_the_guides_links_lead_to_the_right_pages(live_demo, page):
    page.goto(f"{live_demo.url}/")
    expect(page.locator("h1")).to_have_text("Our Behaviours and the CIH Professional Standards")

    page.get_by_role("link", name="B7 Lead by example").first.click()
    expect(page.locator("h1")).to_have_text("B7 Lead by example")
    assert page.url.endswith("/elements/example-homes-behaviours/B7/")

    page.go_back()
    page.get_by_role("link", name="LEA Leadership").first.click()
    expect(page.locator("h1")).to_have_text("LEA Leadership")
    assert page.url.endswith("/elements/cih-professional-standards-2021/LEA/")

    page.go_back()
    page.get_by_role("link", name="INT.5 Know your emotional and professional limits").first.click()
    expect(page.locator("h1")).to_contain_text("INT.5")

    page.go_back()
    page.get_by_role("link", name="The link table").click()
    expect(page.locator("h1")).to_have_text("Link table")


def test_the_guide_offers_the_pdf_as_a_download(live_demo, page):
    page.goto(f"{live_demo.url}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="The printable register (PDF, A4)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("example-homes-cih-")
    assert download.suggested_filename.endswith(".pdf")


def test_the_guide_reads_on_a_phone(live_demo, make_page):
    page = make_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    page.goto(f"{live_demo.url}/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"


@pytest.mark.parametrize("path", ["/", "/links/", "/elements/example-homes-behaviours/B1/"])
def test_pages_print_without_what_is_for_the_screen(live_demo, page, path):
    """No navigation, sign-in, "My references", buttons, downloads or breadcrumbs on paper."""
    page.goto(f"{live_demo.url}{path}")
    page.emulate_media(media="print")
    assert page.locator("h1").is_visible()
    for selector in (".site-header nav", ".site-header .account", "button:not(.linklike)",
                     ".button", ".breadcrumbs", ".citation-actions", "details.citation-format",
                     ".evidence-pack"):  # fmt: skip
        shown = [e for e in page.locator(selector).all() if e.is_visible()]
        assert shown == [], (path, selector)
    assert page.get_by_text("Add to my list").first.is_hidden()


def test_the_map_prints_its_list_with_every_name(live_demo, page):
    page.goto(f"{live_demo.url}/map/")
    page.emulate_media(media="print")
    names = page.locator(".map-list button.linklike")
    assert names.count() > 40
    expect(names.filter(has_text="ADV Advocate")).to_be_visible()
    expect(names.filter(has_text=re.compile(r"^B1 \w"))).to_be_visible()


def test_a_printed_filtered_table_says_what_it_was_filtered_by(live_demo, page):
    page.goto(f"{live_demo.url}/links/?source=B3&q=respect")
    note = page.get_by_text("Filtered by")
    assert note.is_hidden()
    page.emulate_media(media="print")
    expect(note).to_have_text("Filtered by search: “respect”; behaviour: B3 Respect everyone.")


def test_a_printed_page_of_the_link_table_says_where_every_link_is(live_demo, page):
    page.goto(f"{live_demo.url}/links/")
    note = page.get_by_text("On paper, this page of the table")
    assert note.is_hidden()
    page.emulate_media(media="print")
    expect(note).to_be_visible()
    # The address that goes on naming this register when another becomes the default.
    expect(note).to_contain_text(f"({live_demo.url}/m/example-homes-cih/guide.pdf) has every link")


@pytest.mark.parametrize("path", ["/", "/links/", "/elements/example-homes-behaviours/B1/",
                                  "/references/", "/map/"])  # fmt: skip
def test_buttons_and_fields_are_targets_of_at_least_24_px_on_a_phone(live_demo, make_page, path):
    page = make_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(f"{live_demo.url}{path}")
    small = page.evaluate("""() => [...document.querySelectorAll(
        'button, .button, select, input:not([type=hidden]), summary')]
        .filter(e => e.getClientRects().length && !e.closest('.visually-hidden'))
        .map(e => [e.textContent.trim().slice(0, 30) || e.name, e.getBoundingClientRect().height])
        .filter(([, height]) => height < 24)""")
    assert small == [], (path, small)


def test_a_table_wider_than_a_phone_says_it_scrolls_and_one_that_fits_does_not(
    live_demo, make_page
):
    hint = """[...document.querySelectorAll('.table-scroll, .matrix-scroll')].map(box =>
        getComputedStyle(box, '::before').content)"""
    phone = make_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    for path, expected in (
        ("/coverage/", '"Wider than the screen: scroll sideways for more →"'),
        # The matrix's box has a height of its own, which the demo's rows pass on a phone.
        ("/matrix/", '"Larger than the box: scroll inside it, sideways → and down ↓"'),
    ):
        phone.goto(f"{live_demo.url}{path}")
        said = phone.evaluate(hint)
        assert expected in said, (path, said)
    assert phone.locator(".keys-hint").is_hidden()  # arrow keys are no help on a phone
    laptop = make_page(viewport={"width": 1280, "height": 800})
    # The coverage figures of a register with inferred links (eight columns) fit a laptop.
    for path in ("/links/", "/m/example-homes-cc/coverage/"):
        laptop.goto(f"{live_demo.url}{path}")
        assert set(laptop.evaluate(hint)) <= {"none"}, path


def test_on_a_phone_the_coverage_figures_keep_each_rows_level_in_sight(live_demo, make_page):
    """The figures table is wider than a phone and scrolls sideways in its box: the level
    each row counts stays at the box's left edge, not scrolled away with the numbers."""
    page = make_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(f"{live_demo.url}/m/example-homes-cc/coverage/")
    box = page.locator(".table-scroll").filter(has=page.locator("table.figures"))
    left = box.bounding_box()["x"]
    box.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
    for head in page.locator(".figures tbody th").all():
        assert abs(head.bounding_box()["x"] - left) < 2, head.inner_text()
