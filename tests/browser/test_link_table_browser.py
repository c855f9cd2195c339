import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect


def result_count(page) -> str:
    return page.locator(".results-summary").inner_text()


def test_typing_narrows_the_table_without_a_page_load_and_back_restores_it(live_demo, page):
    page.goto(f"{live_demo.url}/links/")
    expect(page.locator(".results-summary")).to_contain_text("of 86 links")
    page.evaluate("window.weaveMarker = 'still the same page'")

    page.get_by_label("Search titles, codes and rationale").press_sequentially("honest", delay=30)
    expect(page.locator(".results-summary")).to_contain_text("that match the filters")
    assert re.search(r"[?&]q=honest", page.url)
    narrowed = page.locator("#results tbody tr").count()
    assert 0 < narrowed < 50
    assert page.evaluate("window.weaveMarker") == "still the same page"

    page.go_back()
    expect(page.locator(".results-summary")).to_contain_text("Showing 1–50 of 86 links.")
    assert "q=honest" not in page.url
    assert page.locator("#results tbody tr").count() == 50

    page.go_forward()
    expect(page.locator(".results-summary")).to_contain_text("that match the filters")
    assert page.locator("#results tbody tr").count() == narrowed


def test_enter_after_the_search_ran_adds_no_history_entry(live_demo, page):
    """The search runs as it is typed; Enter then asks for the same address again: one Back
    press goes back to before the search, not to the same view."""
    page.goto(f"{live_demo.url}/links/")
    page.get_by_label("Relation").select_option("supports")
    expect(page.locator(".results-summary")).to_contain_text("that match the filters")
    entries = page.evaluate("history.length")
    search = page.get_by_label("Search titles, codes and rationale")
    search.press_sequentially("honest", delay=30)
    expect(page.locator(".results-summary")).to_contain_text("that match the filters")
    page.wait_for_function("location.search.includes('q=honest')")
    searched = page.evaluate("history.length")
    with page.expect_response(lambda response: "q=honest" in response.url):
        search.press("Enter")
    page.wait_for_timeout(300)  # the swap and its history update
    assert page.evaluate("history.length") == searched == entries + 1
    page.go_back()
    expect(page.get_by_label("Search titles, codes and rationale")).to_have_value("")
    assert "relation=supports" in page.url and "q=honest" not in page.url


def test_typing_on_in_a_search_is_one_step_back_not_one_a_letter(live_demo, page):
    page.goto(f"{live_demo.url}/links/")
    entries = page.evaluate("history.length")
    search = page.get_by_label("Search titles, codes and rationale")
    for typed in ("hon", "es", "t"):  # pauses longer than the search waits for
        with page.expect_response(lambda response: "q=" in response.url):
            search.press_sequentially(typed, delay=30)
        page.wait_for_timeout(300)
    page.wait_for_function("location.search.includes('q=honest')")
    assert page.evaluate("history.length") == entries + 1
    page.go_back()
    expect(page.locator(".results-summary")).to_contain_text("Showing 1–50 of 86 links.")
    assert "q=" not in page.url


def test_choosing_a_filter_swaps_the_results_and_pushes_the_url(live_demo, page):
    page.goto(f"{live_demo.url}/links/")
    page.evaluate("window.weaveMarker = 1")
    page.get_by_label("Behaviour").select_option("B7")
    expect(page.locator(".results-summary")).to_contain_text("that match the filters")
    assert "source=B7" in page.url
    behaviours = page.locator("#results tbody td:first-child .code").all_inner_texts()
    assert behaviours and all(code.startswith("B7") for code in behaviours)
    assert page.evaluate("window.weaveMarker") == 1


def test_pagination_swaps_in_place_and_is_bookmarkable(live_demo, page):
    page.goto(f"{live_demo.url}/links/")
    page.evaluate("window.weaveMarker = 1")
    page.get_by_role("navigation", name="Pages of links").get_by_role("link", name="2").click()
    expect(page.locator(".results-summary")).to_contain_text("Showing 51–86 of 86 links.")
    assert "page=2" in page.url
    assert page.evaluate("window.weaveMarker") == 1
    page.reload()
    expect(page.locator(".results-summary")).to_contain_text("Showing 51–86 of 86 links.")


def test_the_filters_work_by_keyboard_alone(live_demo, page):
    page.goto(f"{live_demo.url}/links/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_label("Search titles, codes and rationale").focus()
    page.keyboard.type("mistakes")
    page.keyboard.press("Enter")
    expect(page.locator(".results-summary")).to_contain_text("that match the filters")
    assert "q=mistakes" in page.url


def test_the_table_works_without_javascript(live_demo, make_page):
    page = make_page(java_script_enabled=False)
    page.goto(f"{live_demo.url}/links/")
    page.get_by_label("Search titles, codes and rationale").fill("honest")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".results-summary")).to_contain_text("that match the filters")
    assert "q=honest" in page.url


def test_beyond_counting_next_and_previous_swap_pages_in_place(
    live_server, transactional_db, page, monkeypatch, settings
):
    """A table too large to count moves by position: Next, Previous, First and Last swap
    the results in place (the address follows), and axe finds nothing on the way."""
    from mapping.register import paging
    from tests.browser.conftest import axe_violations
    from tests.synthetic import build_register

    monkeypatch.setattr(paging, "COUNT_LIMIT", 40)
    build_register(120)
    page.goto(f"{live_server.url}/links/?sort=target")
    expect(page.locator(".results-summary")).to_contain_text("of more than 40 links")
    first = page.locator("#results tbody tr").first.get_attribute("id")
    page.evaluate("window.weaveMarker = 'same page'")

    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"after=\d+\.\d+\.\d+"))
    second = page.locator("#results tbody tr").first.get_attribute("id")
    assert second != first
    assert page.evaluate("window.weaveMarker") == "same page"
    assert axe_violations(page) == []

    page.get_by_role("link", name="Previous page").click()
    expect(page).to_have_url(re.compile(r"before=\d+\.\d+\.\d+"))
    expect(page.locator("#results tbody tr").first).to_have_attribute("id", first)
    expect(page.get_by_role("link", name="Previous page")).to_have_count(0)

    page.get_by_role("link", name="Last page").click()
    expect(page).to_have_url(re.compile(r"before=last"))
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    assert page.locator("#results tbody tr").count() == 50
    assert page.evaluate("window.weaveMarker") == "same page"


@pytest.mark.parametrize("width", [390, 800, 1024, 1280])
def test_every_filter_shows_its_whole_choice(live_demo, make_page, width):
    """What each filter shows is whole: every way to sort (the longest, "Behaviour, in
    framework order", was cut off mid-word at a laptop's width) and each filter's "All …".
    (An element's long title may be cut: its menu shows it whole when opened.)"""
    page = make_page(viewport={"width": width, "height": 900})
    page.goto(f"{live_demo.url}/links/")
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.filters select')].flatMap(select => {
            const style = getComputedStyle(select);
            const pen = document.createElement('canvas').getContext('2d');
            pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            // Room for text: the box less its padding and the arrow's 20 px.
            const room = select.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight) - 20;
            const shown = select.name === 'sort'
                ? [...select.options] : [select.selectedOptions[0]];
            return shown.filter(o => pen.measureText(o.text).width > room)
                .map(o => `${select.name}: ${o.text}`);
        })"""
    )
    assert cut == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_filter_change_is_read_out_from_a_region_that_stays_on_the_page(live_demo, page):
    """The count of results is swapped in with the table; what a screen reader hears comes
    from one live region outside it, updated with the count's words."""
    page.goto(f"{live_demo.url}/links/")
    announcer = page.locator("#announcer")
    assert announcer.get_attribute("role") == "status" and announcer.inner_text() == ""
    node = page.evaluate_handle("document.getElementById('announcer')")
    page.get_by_label("Relation").select_option("fully_covers")
    expect(page.locator(".results-summary")).to_contain_text("that match the filters")
    expect(announcer).to_have_text(page.locator(".results-summary").inner_text().strip())
    assert page.evaluate("(node) => node === document.getElementById('announcer')", node)


def test_stepping_through_a_closed_list_with_the_arrow_keys_is_one_step_back(live_demo, page):
    """On Windows the arrow keys change a closed list's choice one at a time: the table
    waits for the last, and Back goes to the table before the list was touched."""
    page.goto(f"{live_demo.url}/links/")
    entries = page.evaluate("history.length")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "source=" in r.url else None)
    behaviour = page.get_by_label("Behaviour")
    behaviour.focus()
    for _ in range(5):
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(60)
    expect(page.locator(".results-summary")).to_contain_text("that match the filters")
    chosen = behaviour.input_value()
    page.wait_for_timeout(500)
    assert f"source={chosen}" in page.url
    assert len(asked) == 1, asked
    assert page.evaluate("history.length") == entries + 1
    page.wait_for_timeout(3100)  # a later change of the list is a step of its own
    page.keyboard.press("ArrowDown")
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("source") != [chosen])
    page.wait_for_timeout(400)
    assert page.evaluate("history.length") == entries + 2
    page.go_back()
    page.go_back()
    expect(page.locator(".results-summary")).to_contain_text("Showing 1–50 of 86 links.")
