from playwright.sync_api import expect


def open_map(page, url):
    page.goto(f"{url}/map/")
    page.wait_for_selector("#map[data-ready=true]")


def visible(page, selector):
    return page.evaluate(
        f"weaveMap.elements('{selector}').filter(e => !e.hasClass('hidden')).length"
    )


def test_the_map_draws_every_node_and_link_in_the_data(live_demo, page):
    open_map(page, live_demo.url)
    data = page.evaluate("fetch('/map.json').then(r => r.json())")
    assert page.evaluate("weaveMap.nodes().length") == len(data["nodes"]) == 75
    assert page.evaluate("weaveMap.edges('.relation').length") == len(data["edges"]) == 86


def test_choosing_a_node_fades_the_rest_and_fills_the_panel(live_demo, page):
    open_map(page, live_demo.url)
    # A function returning nothing: returning the Cytoscape element would make Playwright
    # serialise its whole object graph (16 s).
    page.evaluate("() => { weaveMap.getElementById('target:INT.4').emit('tap'); }")
    expect(page.locator("#map-panel h2")).to_have_text(
        "INT.4 Be open and honest in decisions and in communication"
    )
    expect(page.locator("#map-panel")).to_contain_text("3 links")
    expect(page.locator("#map-panel")).to_contain_text(
        "Telling people early when a promise cannot be kept"
    )
    neighbourhood = page.evaluate(
        "weaveMap.getElementById('target:INT.4').closedNeighborhood().length"
    )
    faded = page.evaluate("weaveMap.elements('.faded').length")
    assert faded == page.evaluate("weaveMap.elements().length") - neighbourhood
    assert page.evaluate("weaveMap.getElementById('target:INT.4').hasClass('faded')") is False
    assert (
        page.get_by_role("link", name="Open its page (permalink)")
        .get_attribute("href")
        .endswith("/elements/cih-professional-standards-2021/INT.4/")
    )


def test_a_filter_hides_what_it_should(live_demo, page):
    open_map(page, live_demo.url)
    page.get_by_label("Relation").select_option("same_as")
    expect(page.locator("#map-status")).to_contain_text("links shown")
    same_as = page.evaluate("weaveMap.edges('.same_as').length")
    assert visible(page, "edge.relation") == same_as
    page.get_by_label("Characteristic").select_option("target:INT")
    shown = page.evaluate(
        "weaveMap.edges('.relation').filter(e => !e.hasClass('hidden'))"
        ".map(e => e.target().data('cluster'))"
    )
    assert shown and set(shown) == {"target:INT"}
    page.get_by_role("button", name="Reset").click()
    assert visible(page, "edge.relation") == 86


def test_the_list_and_search_work_from_the_keyboard(live_demo, page):
    open_map(page, live_demo.url)
    page.get_by_role("button", name="B7 Lead by example").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#map-panel h2")).to_have_text("B7 Lead by example")
    expect(page.locator("#map-panel")).to_be_focused()
    page.get_by_label("Find an element").fill("ADV.3")
    page.keyboard.press("Enter")
    expect(page.locator("#map-panel h2")).to_contain_text("ADV.3")
    page.get_by_role("button", name="B8.2 We stand up for good housing").last.click()
    expect(page.locator("#map-panel h2")).to_have_text("B8.2 We stand up for good housing")


def test_the_map_saves_as_png(live_demo, page):
    open_map(page, live_demo.url)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Save as PNG").click()
    download = download_info.value
    assert download.suggested_filename == "weave-map.png"
    with open(download.path(), "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"


def test_zoom_buttons_zoom(live_demo, page):
    open_map(page, live_demo.url)
    before = page.evaluate("weaveMap.zoom()")
    page.get_by_role("button", name="Zoom in").click()
    assert page.evaluate("weaveMap.zoom()") > before
