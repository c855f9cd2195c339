from playwright.sync_api import expect

from tests.browser.conftest import axe_violations


def test_the_copy_buttons_put_citations_on_the_clipboard_and_say_so(live_demo, make_page):
    page = make_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(f"{live_demo.url}/elements/cih-professional-standards-2021/INT.4/")
    status = page.locator("[data-cite-status]")
    # By keyboard: focus the button and press Enter.
    page.get_by_role("button", name="Copy the Harvard citation", exact=True).focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text("Copied the Harvard citation.")
    # Seen as well as heard: the button says so for a moment, then offers itself again.
    copied = page.get_by_role("button", name="Copied the Harvard citation")
    expect(copied).to_be_visible()
    expect(page.get_by_role("button", name="Copy the Harvard citation", exact=True)).to_be_visible(
        timeout=5000
    )
    # The page's own confirm() (htmx's hx-confirm asks through it) is the browser's still.
    assert page.evaluate("window.confirm.toString().includes('[native code]')")
    harvard = page.evaluate("navigator.clipboard.readText()")
    assert harvard.startswith("Example Homes (illustrative) (")
    assert "INT.4 Be open and honest in decisions and in communication" in harvard
    assert "(Accessed: " in harvard and "<i>" not in harvard
    page.get_by_text("BibTeX", exact=True).click()
    page.get_by_role("button", name="Copy the BibTeX").click()
    expect(status).to_have_text("Copied the BibTeX.")
    assert page.evaluate("navigator.clipboard.readText()").startswith("@misc{example-homes-cih-")


def test_without_javascript_the_plain_addresses_stand_in_for_copying(live_demo, make_page):
    page = make_page(java_script_enabled=False)
    page.goto(f"{live_demo.url}/editions/1/elements/cih-professional-standards-2021/INT.4/")
    expect(page.get_by_role("button", name="Copy the Harvard citation", exact=True)).to_be_hidden()
    page.get_by_role("link", name="As plain text (Harvard)").click()
    assert (
        "Available at: " in page.content()
        and "/editions/1/elements/cih-professional-standards-2021/INT.4/" in page.content()
    )


def test_axe_finds_nothing_on_the_open_panel(live_demo, page):
    for path in ("/elements/cih-professional-standards-2021/INT.4/", "/editions/1/links/1/", "/"):
        page.goto(f"{live_demo.url}{path}")
        page.evaluate("document.querySelectorAll('.cite-this details').forEach(d => d.open = true)")
        assert axe_violations(page) == [], path


def test_the_open_panel_fits_a_phone(live_demo, make_page):
    page = make_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    for path in ("/editions/1/links/1/", "/elements/cih-professional-standards-2021/ADV.1/"):
        page.goto(f"{live_demo.url}{path}")
        page.evaluate("document.querySelectorAll('.cite-this details').forEach(d => d.open = true)")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, path
