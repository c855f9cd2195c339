import re

from playwright.sync_api import expect


def test_choosing_a_cell_shows_its_links_beside_the_matrix(live_demo, page):
    page.goto(f"{live_demo.url}/matrix/")
    page.evaluate("window.weaveMarker = 1")
    page.get_by_role("link", name="4 links, B2 and INT, 2 is the same as, 2 fully covers").click()
    panel = page.locator("#cell-detail")
    expect(panel).to_contain_text("Doing the right thing for the right reasons")
    expect(panel).to_contain_text("Owning mistakes and putting them right")
    expect(page.locator("#announcer")).to_have_text(
        "B2 and INT: 4 links"
    )  # read out, where it stays
    assert "cell=B2:INT" in page.url
    assert page.evaluate("window.weaveMarker") == 1


def test_opening_a_row_swaps_the_matrix_in_place(live_demo, page):
    page.goto(f"{live_demo.url}/matrix/")
    page.evaluate("window.weaveMarker = 1")
    page.get_by_role("button", name="Show what sits under B2").click()
    expect(page.get_by_role("link", name="1 link, B2.2 and INT, 1 is the same as")).to_be_visible()
    assert "expand=B2" in page.url
    assert page.evaluate("window.weaveMarker") == 1
    toggle = page.get_by_role("button", name="Hide what sits under B2")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    # A button to its reader, pressed with Space as well.
    toggle.focus()
    page.keyboard.press(" ")
    expect(page.get_by_role("button", name="Show what sits under B2")).to_be_visible()
    assert "expand=B2" not in page.url


def test_back_and_forward_make_the_grid_again_without_a_script_error(live_demo, page):
    """htmx keeps no copies of pages: Back fetches the page again, and its script runs
    again with it. It adds no second set of listeners and throws nothing; the grid it
    makes works as the first did."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_demo.url}/matrix/")
    page.get_by_role("link", name="4 links, B2 and INT, 2 is the same as, 2 fully covers").click()
    expect(page.locator("#cell-detail")).to_contain_text("Owning mistakes")
    page.get_by_role("button", name="Show what sits under B2").click()
    expect(page.get_by_role("button", name="Hide what sits under B2")).to_be_visible()
    for _step in range(2):
        page.go_back()
        page.wait_for_load_state("networkidle")
    expect(page.locator("#cell-detail")).not_to_contain_text("Owning mistakes")
    page.go_forward()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#cell-detail")).to_contain_text("Owning mistakes")
    # Space still presses a toggle once (one listener, not two that undo each other).
    toggle = page.get_by_role("button", name="Show what sits under B2")
    toggle.focus()
    page.keyboard.press(" ")
    expect(page.get_by_role("button", name="Hide what sits under B2")).to_be_visible()
    assert errors == []


def test_arrow_keys_move_between_cells_and_enter_opens_one(live_demo, page):
    page.goto(f"{live_demo.url}/matrix/")
    page.get_by_role("link", name="B1 and INT", exact=False).first.focus()
    page.keyboard.press("ArrowDown")
    assert "B2 and INT" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("ArrowRight")
    assert "B2 and INC" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(page.locator("#cell-detail h2")).to_contain_text("B2")
    expect(page.locator("#cell-detail h2")).to_contain_text("INC")
    # Enter again: to its links beside the grid (not past every row's heads on the way),
    # with no new request for the panel it already shows.
    page.keyboard.press("ArrowLeft")  # B2 and INT: 4 links
    page.keyboard.press("Enter")
    expect(page.locator("#cell-detail h2")).to_contain_text("INT")
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.keyboard.press("Enter")
    expect(page.locator("#cell-detail")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#cell-detail') !== null"), page.evaluate(
        "document.activeElement.outerHTML.slice(0, 200)"
    )
    assert not [url for url in asked if "cell=" in url], asked


def test_the_grid_is_one_tab_stop_and_its_chosen_cell_is_marked_and_in_view(live_demo, page):
    """Tab enters the grid at one cell (the chosen one) and the next Tab leaves it; a cell
    reached by the arrow keys is scrolled clear of the sticky heads."""
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(f"{live_demo.url}/matrix/?expand=B1,B2,B3,B4,B5,INT,INC,ETH&cell=B2:INC")
    cells = page.locator("#matrix-grid td.cell a")
    stops = page.evaluate("""[...document.querySelectorAll('#matrix-grid td.cell a')]
        .filter((a) => a.tabIndex === 0).map((a) => a.textContent)""")
    assert len(stops) == 1 and "B2 and INC" in stops[0]
    chosen = page.locator('#matrix-grid td.cell a[aria-current="true"]')
    expect(chosen).to_have_count(1)
    chosen.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('td.cell')")
    cells.last.focus()
    hidden = []
    for key in ["ArrowUp"] * 12 + ["ArrowLeft"] * 8:  # back up and left, towards the heads
        page.keyboard.press(key)
        clear = page.evaluate("""() => {
            const cell = document.activeElement.getBoundingClientRect();
            const box = document.querySelector('.matrix-scroll').getBoundingClientRect();
            const head = document.querySelector('.matrix thead').getBoundingClientRect();
            const side = document.querySelector('.matrix tbody th').getBoundingClientRect();
            return cell.top >= box.top + head.height - 1 && cell.left >= box.left + side.width - 1;
        }""")
        if not clear:
            hidden.append(page.evaluate("document.activeElement.textContent"))
    assert hidden == []


def test_the_matrix_prints_on_a4_landscape(live_demo, page):
    import io

    from pypdf import PdfReader

    page.goto(f"{live_demo.url}/matrix/")
    printed = page.pdf(prefer_css_page_size=True)
    pages = PdfReader(io.BytesIO(printed)).pages
    for printed_page in pages:
        width, height = (round(float(v) * 25.4 / 72) for v in printed_page.mediabox.upper_right)
        assert (width, height) == (297, 210)
    text = " ".join(p.extract_text() for p in pages)
    # (names without "fi" or "fl": Chromium prints those as ligatures)
    assert "Respect everyone" in text and "Work together" in text and "Total" in text


def test_on_a_phone_only_the_matrix_scrolls_sideways_not_the_page(live_demo, make_page):
    page = make_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    for path in ("/matrix/", "/matrix/?expand=B1,B2,INT,ETH&cell=B2.2:INT.1"):
        page.goto(f"{live_demo.url}{path}")
        page_width = page.evaluate("document.scrollingElement.scrollWidth")
        assert page_width <= 390, (path, page_width)
        grid = page.locator("#matrix-grid")
        assert grid.evaluate("e => e.scrollWidth > e.clientWidth")  # the grid scrolls itself


def test_on_a_phone_opening_a_column_keeps_the_grid_where_it_was_scrolled(live_demo, make_page):
    """The grid is swapped when a column opens: it stays scrolled where the reader had it,
    and the toggle they pressed (in focus) stays in sight."""
    page = make_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(f"{live_demo.url}/matrix/")
    grid = page.locator("#matrix-grid")
    toggle = page.get_by_role("button", name="Show what sits under ADV")
    toggle.scroll_into_view_if_needed()
    before = grid.evaluate("e => e.scrollLeft")
    assert before > 0
    toggle.focus()
    page.keyboard.press("Enter")
    pressed = page.get_by_role("button", name="Hide what sits under ADV")
    expect(pressed).to_be_focused()
    assert abs(grid.evaluate("e => e.scrollLeft") - before) < 50
    box = pressed.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_on_a_phone_the_row_heads_leave_room_and_a_chosen_cell_is_brought_into_view(
    live_demo, make_page
):
    page = make_page(viewport={"width": 375, "height": 700}, is_mobile=True, has_touch=True)
    page.goto(f"{live_demo.url}/matrix/")
    head = page.locator("tbody th.row-head").first.bounding_box()
    assert head["width"] <= 150, head  # the cells get more than half the width
    page.get_by_role("link", name="4 links, B2 and INT, 2 is the same as, 2 fully covers").tap()
    panel = page.locator("#cell-detail")
    expect(panel).to_contain_text("Doing the right thing for the right reasons")
    top = panel.evaluate("e => e.getBoundingClientRect().top")
    assert -1 <= top < 700, "the cell's links are on screen, not far below"
    assert page.evaluate("document.activeElement.id") == "cell-detail"


def test_on_a_laptop_the_demos_matrix_needs_no_sideways_scrolling(live_demo, make_page):
    page = make_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{live_demo.url}/matrix/")
    grid = page.locator("#matrix-grid")
    assert grid.evaluate("e => e.scrollWidth <= e.clientWidth"), "every column in view"


def test_a_box_taller_than_the_screen_says_so_and_keeps_its_totals_in_sight(live_demo, make_page):
    page = make_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{live_demo.url}/matrix/?expand=B2,INT")
    grid = page.locator("#matrix-grid")
    expect(grid).to_have_class(re.compile(r"\bscrolls-down\b"))
    hint = grid.evaluate("e => getComputedStyle(e, '::before').content")
    assert "scroll down" in hint or "and down" in hint, hint
    box = grid.bounding_box()
    total = page.locator("#matrix-grid tfoot th").first.bounding_box()
    assert total["y"] + total["height"] <= box["y"] + box["height"] + 1  # in sight
    grid.evaluate("e => { e.scrollIntoView(); e.scrollTo(0, e.scrollHeight); }")
    expect(page.locator("#matrix-grid tbody th.row-head").last).to_be_in_viewport()


def test_on_paper_the_totals_come_once_and_the_keys_are_not_mentioned(live_demo, page):
    import io

    from pypdf import PdfReader

    page.goto(f"{live_demo.url}/matrix/?expand=B1,B2,B3,B4,B5,INT,INC")
    printed = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    text = " ".join(p.extract_text() for p in printed.pages)
    assert len(printed.pages) > 1  # long enough for a footer to repeat
    # The row of totals once, at the end; the column headings (the "Total" column's too,
    # now printed within the sheet) repeat on each sheet, as a table's head does.
    assert len(re.findall(r"Total(?: \d+)+", text)) == 1
    assert text.count("Total") == 1 + len(printed.pages)
    assert "Arrow keys" not in text


def test_on_a_phone_row_names_wrap_between_words(live_demo, make_page):
    """Not "Take responsib / ility": a word breaks only when it cannot fit the column."""
    page = make_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(f"{live_demo.url}/matrix/?expand=B2")
    head = page.locator("tbody th.row-head").first
    assert head.evaluate("th => getComputedStyle(th).overflowWrap") == "break-word"


def test_a_cell_reached_going_down_is_scrolled_clear_of_the_totals(live_demo, make_page):
    page = make_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_demo.url}/matrix/?expand=B1,B2,B3,B4,B5,B6")
    page.locator("#matrix-grid td.cell a").first.focus()
    hidden = []
    for _ in range(24):
        page.keyboard.press("ArrowDown")
        clear = page.evaluate("""() => {
            const cell = document.activeElement.getBoundingClientRect();
            const foot = document.querySelector('.matrix tfoot th').getBoundingClientRect();
            return cell.bottom <= foot.top + 1;
        }""")
        if not clear:
            hidden.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert hidden == []


def test_in_forced_colours_the_chosen_cell_and_the_focused_one_look_different(live_demo, make_page):
    page = make_page(viewport={"width": 1280, "height": 900})
    page.emulate_media(forced_colors="active")
    page.goto(f"{live_demo.url}/matrix/?expand=B3&cell=B3:INC")

    def ring(selector: str) -> tuple[str, str]:
        return tuple(
            page.locator(selector).evaluate(
                "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineColor]"
            )
        )

    chosen = '#matrix-grid td.cell a[aria-current="true"]'
    resting = ring(chosen)
    page.locator(chosen).focus()
    page.keyboard.press("ArrowRight")  # focus on the next cell, by keyboard
    moved = ring("#matrix-grid td.cell a:focus-visible")
    page.keyboard.press("ArrowLeft")
    both = ring(chosen)
    assert len({resting, moved, both}) == 3, (resting, moved, both)


def test_in_forced_colours_the_shading_key_is_left_out_and_the_counts_stay(live_demo, make_page):
    """The system's colours replace the shading: a key of blank boxes would explain nothing."""
    page = make_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_demo.url}/matrix/")
    key = page.locator(".legend .shading-key")
    expect(key).to_be_visible()
    page.emulate_media(forced_colors="active")
    expect(key).to_be_hidden()
    expect(page.get_by_text("Relations:")).to_be_visible()
    expect(page.locator("#matrix-grid tfoot td").first).to_have_text(re.compile(r"\d"))


def test_a_cell_chosen_in_place_stays_chosen_as_rows_open_and_close(live_demo, page):
    page.goto(f"{live_demo.url}/matrix/?expand=B3")
    page.locator("#matrix-grid td.cell a", has_text="B3 and INC").first.click()
    expect(page.locator("#cell-detail h2")).to_contain_text("B3")
    page.get_by_role("button", name="Show what sits under B2").click()
    expect(page.get_by_role("button", name="Hide what sits under B2")).to_be_visible()
    assert "cell=B3:INC" in page.url and "B2" in page.url
    chosen = page.locator('#matrix-grid td.cell a[aria-current="true"]')
    expect(chosen).to_contain_text("B3 and INC")
    expect(chosen).to_have_attribute("tabindex", "0")
    # Closing the row the cell sits in lets it go, rather than open the row again.
    page.locator("#matrix-grid td.cell a", has_text="B3.1 and INT").first.click()
    page.get_by_role("button", name="Hide what sits under B3").click()
    expect(page.get_by_role("button", name="Show what sits under B3")).to_be_visible()
    assert "cell=" not in page.url
    # The panel no longer shows the hidden cell: it asks for one, as the page would.
    expect(page.locator("#cell-detail")).to_contain_text("Choose a cell")
