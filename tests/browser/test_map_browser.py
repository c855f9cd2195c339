"""The map in a real browser: a summary of the top-level elements first (one line per pair
with its count and strongest relation), standards ordered to cut crossings, clusters opened
on click, the view kept in the address, labels legible, no policy refusals and no axe
violations at phone and laptop widths."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_csp_browser import _watch
from tests.synthetic import build_register

STRENGTH = [
    "same_as",
    "fully_covers",
    "partly_covers",
    "closely_matches",
    "supports",
]  # Relation's order


def open_map(page, url, hash_=""):
    page.goto(f"{url}/map/{hash_}")
    page.wait_for_selector("#map[data-ready=true]")


def shown(page, selector):
    return page.evaluate(f"weaveMap.elements('{selector}').map(e => e.id())")


def tap(page, node_id):
    # A function returning nothing: returning the Cytoscape element would make Playwright
    # serialise its whole object graph.
    page.evaluate(f"() => {{ weaveMap.getElementById('{node_id}').emit('tap'); }}")


def crossings(page) -> int:
    lines = page.evaluate("""weaveMap.edges('.relation').map(e => [
        e.source().position('y'), e.target().position('y')])""")
    return sum(
        1
        for i, (a1, b1) in enumerate(lines)
        for a2, b2 in lines[i + 1 :]
        if (a1 - a2) * (b1 - b2) < 0
    )


def test_it_opens_as_a_summary_of_the_top_level_elements(live_demo, page):
    open_map(page, live_demo.url)
    data = page.evaluate("fetch('/map.json').then(r => r.json())")
    tops = {n["id"] for n in data["nodes"] if not n["parent"]}
    assert set(shown(page, "node")) == tops and len(tops) == 17
    cluster = {n["id"]: n["cluster"] for n in data["nodes"]}
    pairs: dict[tuple[str, str], list[str]] = {}
    for link in data["edges"]:
        pairs.setdefault((cluster[link["source"]], cluster[link["target"]]), []).append(
            link["relation"]
        )
    lines = page.evaluate("""weaveMap.edges('.relation').map(e => ({
        source: e.data('source'), target: e.data('target'), count: e.data('count'),
        relation: e.data('relation'), label: e.data('label')}))""")
    assert len(lines) == len(pairs)
    assert sum(line["count"] for line in lines) == len(data["edges"]) == 86
    for line in lines:
        relations = pairs[(line["source"], line["target"])]
        assert line["count"] == len(relations)
        assert line["relation"] == min(relations, key=STRENGTH.index)
        assert line["label"] == (str(len(relations)) if len(relations) > 1 else "")


def test_standards_are_ordered_to_cut_crossings(live_demo, page):
    open_map(page, live_demo.url)
    ordered = crossings(page)
    # The same lines with the standards in their framework's own order, for comparison.
    page.evaluate("""() => {
        const tops = weaveMap.nodes('.target').sort((a, b) =>
            ['INT','INC','ETH','KNO','SKI','ADV','LEA'].indexOf(a.data('code')) -
            ['INT','INC','ETH','KNO','SKI','ADV','LEA'].indexOf(b.data('code')));
        const ys = weaveMap.nodes('.target').map(n => n.position('y')).sort((a, b) => a - b);
        tops.forEach((n, i) => n.position('y', ys[i]));
    }""")
    assert ordered < crossings(page)


def test_labels_are_legible_at_the_default_zoom_on_a_laptop(live_demo, page):
    open_map(page, live_demo.url)
    sizes = page.evaluate("""weaveMap.elements().filter(e => e.data('label'))
        .map(e => parseFloat(e.style('font-size')) * weaveMap.zoom())""")
    assert sizes and min(sizes) >= 11


@pytest.mark.parametrize("width", [1280, 1366, 1920])
def test_on_a_laptop_every_label_is_inside_the_map(live_demo, make_page, width):
    page = make_page(viewport={"width": width, "height": 900})
    open_map(page, live_demo.url)
    outside = page.evaluate("""weaveMap.nodes().filter(n => {
        const box = n.renderedBoundingBox({ includeLabels: true });
        return box.x1 < 0 || box.x2 > weaveMap.width();
    }).map(n => n.id())""")
    assert outside == []


@pytest.mark.parametrize("path", ["/map/", "/m/example-homes-cc/map/"])
def test_no_label_runs_into_another(live_demo, make_page, path):
    """Long titles (the Competence and Conduct Standard's outcomes) are cut at a word, so
    that each label keeps to its own row."""
    page = make_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_demo.url}{path}")
    page.wait_for_selector("#map[data-ready=true]")
    overlaps = page.evaluate("""(() => {
        const boxes = weaveMap.nodes().map(n => [n.id(), n.boundingBox({ includeLabels: true })]);
        const found = [];
        for (const [a, p] of boxes) for (const [b, q] of boxes) {
            const meet = p.x1 < q.x2 && q.x1 < p.x2 && p.y1 < q.y2 && q.y1 < p.y2;
            if (a < b && meet) found.push([a, b]);
        }
        return found;
    })()""")
    assert overlaps == []
    # A title a word or so too long is left whole: cutting it would hide that word alone.
    label = page.evaluate("weaveMap.getElementById('source:B10').data('label')")
    assert label.startswith("B10 Look after ourselves and each other"), label


def test_on_a_phone_the_map_says_how_to_reach_what_is_off_screen(live_demo, make_page):
    page = make_page(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    open_map(page, live_demo.url)
    expect(page.get_by_role("note").filter(has_text="drag it sideways")).to_be_visible()
    laptop = make_page(viewport={"width": 1366, "height": 900})
    open_map(laptop, live_demo.url)
    expect(laptop.get_by_text("drag it sideways")).to_be_hidden()


def test_choosing_a_cluster_opens_it_and_the_address_keeps_the_view(live_demo, page):
    open_map(page, live_demo.url)
    tap(page, "target:INT")
    expect(page.locator("#map-panel h2")).to_have_text("INT Integrity")
    assert "target:INT.4" in shown(page, "node")
    assert "open=target%3AINT" in page.evaluate("location.hash")
    tap(page, "target:INT.4")
    expect(page.locator("#map-panel h2")).to_have_text(
        "INT.4 Be open and honest in decisions and in communication"
    )
    expect(page.locator("#map-panel")).to_contain_text("3 links")
    expect(page.locator("#map-panel")).to_contain_text(
        "Telling people early when a promise cannot be kept"
    )
    assert page.evaluate("weaveMap.getElementById('target:INT.4').hasClass('faded')") is False
    assert page.evaluate("weaveMap.elements('.faded').length") > 0
    assert (
        page.get_by_role("link", name="Open its page (permalink)")
        .get_attribute("href")
        .endswith("/elements/cih-professional-standards-2021/INT.4/")
    )
    shared = page.url
    # Someone opening the shared address sees the same view.
    other = page.context.new_page()
    other.goto(shared)
    other.wait_for_selector("#map[data-ready=true]")
    expect(other.locator("#map-panel h2")).to_contain_text("INT.4 Be open and honest")
    assert "target:INT.1" in shown(other, "node")
    other.close()
    tap(page, "target:INT")  # chosen again: no longer the focus, so it comes into focus
    tap(page, "target:INT")  # and again: it closes
    assert "target:INT.4" not in shown(page, "node")


def test_filters_are_kept_in_the_address_and_reset_restores_the_summary(live_demo, page):
    open_map(page, live_demo.url)
    page.get_by_label("Relation").select_option("same_as")
    expect(page.locator("#map-status")).to_contain_text("links shown")
    relations = page.evaluate("weaveMap.edges('.relation').map(e => e.data('relation'))")
    assert relations and set(relations) == {"same_as"}
    page.get_by_label("Characteristic").select_option("target:INT")
    targets = page.evaluate("weaveMap.edges('.relation').map(e => e.data('target'))")
    assert targets and set(targets) == {"target:INT"}
    assert "relation=same_as" in page.url and "target=target%3AINT" in page.url
    page.reload()
    page.wait_for_selector("#map[data-ready=true]")
    expect(page.get_by_label("Relation")).to_have_value("same_as")
    page.get_by_role("button", name="Reset").click()
    total = page.evaluate("weaveMap.edges('.relation').reduce((s, e) => s + e.data('count'), 0)")
    assert total == 86 and "#" not in page.url


def test_the_panel_follows_the_focus_as_the_address_does(live_demo, page):
    """A filter that hides all the links of the element in focus, or Reset, takes it out of
    focus: the panel says "Choose an element", as the address it leaves would show anyone
    who opens it."""
    open_map(page, live_demo.url)
    page.get_by_role("button", name="B2 Do the right thing").first.click()
    expect(page.locator("#map-panel h2")).to_contain_text("B2 Do the right thing")
    page.locator("#map-source").select_option("source:B1")
    expect(page.locator("#map-panel h2")).to_have_text("Choose an element")
    assert "focus=" not in page.url
    tap(page, "source:B1")
    expect(page.locator("#map-panel h2")).to_contain_text("B1")
    page.get_by_role("button", name="Reset").click()
    expect(page.locator("#map-panel h2")).to_have_text("Choose an element")


def test_back_steps_through_what_was_chosen_and_a_filter_keeps_a_focus_it_shows(live_demo,
                                                                                page):  # fmt: skip
    """Each choice is a step of the browser's history: Back returns to the view before it,
    focus, filters and panel alike. A filter leaves the element in focus while any of its
    links is still shown (ADV's link from B8 fully covers it)."""
    page.goto(f"{live_demo.url}/")
    open_map(page, live_demo.url)
    page.get_by_label("Find an element").fill("advocate")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#map-panel h2")).to_contain_text("ADV")
    page.get_by_label("Relation").select_option("fully_covers")
    expect(page.locator("#map-status")).to_contain_text("links shown")
    assert "focus=target%3AADV" in page.url and "relation=fully_covers" in page.url
    expect(page.locator("#map-panel h2")).to_contain_text("ADV")
    page.go_back()
    expect(page.get_by_label("Relation")).to_have_value("")
    expect(page.locator("#map-panel h2")).to_contain_text("ADV")
    page.go_back()
    expect(page.locator("#map-panel h2")).to_have_text("Choose an element")
    assert page.url.endswith("/map/")
    page.go_forward()
    expect(page.locator("#map-panel h2")).to_contain_text("ADV")


def test_the_list_and_search_work_from_the_keyboard(live_demo, page):
    open_map(page, live_demo.url)
    page.get_by_role("button", name="B7 Lead by example").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#map-panel h2")).to_have_text("B7 Lead by example")
    expect(page.locator("#map-panel")).to_be_focused()
    assert "source:B7.1" in shown(page, "node")  # its cluster opened
    # Chosen again from the list, it closes, as a second tap does.
    page.get_by_role("button", name="B7 Lead by example").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("!location.hash.includes('open=source:B7')")
    assert "source:B7.1" not in shown(page, "node")
    page.get_by_label("Find an element").fill("ADV.3")
    page.keyboard.press("Enter")
    expect(page.locator("#map-panel h2")).to_contain_text("ADV.3")
    assert "target:ADV.3" in shown(page, "node")
    page.get_by_role("button", name="B8.2 We stand up for good housing").last.click()
    expect(page.locator("#map-panel h2")).to_have_text("B8.2 We stand up for good housing")
    # Quote marks round what is typed (as phones type them) are not part of it.
    for typed in ("“lead by example”", "'Lead by example'", "‘lead by example’"):
        page.get_by_role("button", name="Reset").click()
        page.get_by_label("Find an element").fill(typed)
        page.keyboard.press("Enter")
        expect(page.locator("#map-panel h2")).to_have_text("B7 Lead by example")


def test_on_a_phone_find_shows_the_element_found_by_its_name(live_demo, make_page):
    """ "Advocate" is the Advocate characteristic (not the first behaviour mentioning it),
    brought into the phone's narrow view rather than left off to the right."""
    page = make_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    open_map(page, live_demo.url)
    page.get_by_label("Find an element").fill("Advocate")
    page.keyboard.press("Enter")
    expect(page.locator("#map-panel h2")).to_have_text("ADV Advocate")
    x, y = page.evaluate("""(() => { const p = weaveMap.getElementById('target:ADV')
        .renderedPosition(); return [p.x, p.y]; })()""")
    assert 0 < x < page.evaluate("weaveMap.width()") and 0 < y < page.evaluate("weaveMap.height()")
    # What opened under it is in view too, names and all (they sit to its left).
    boxes = page.evaluate("""weaveMap.nodes().filter(n => n.id().startsWith('target:ADV.'))
        .map(n => n.renderedBoundingBox({ includeLabels: true }))""")
    assert len(boxes) == 4
    width = page.evaluate("weaveMap.width()")
    assert all(box["x1"] >= 0 and box["x2"] <= width for box in boxes), boxes


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


def test_on_a_phone_the_pan_buttons_move_the_view_without_dragging(live_demo, make_page):
    page = make_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    open_map(page, live_demo.url)
    start = page.evaluate("weaveMap.pan().x")
    page.get_by_role("button", name="Pan right").click()
    assert page.evaluate("weaveMap.pan().x") < start  # what was off to the right comes in
    page.get_by_role("button", name="Pan left").click()
    assert abs(page.evaluate("weaveMap.pan().x") - start) < 1


@pytest.mark.parametrize(
    "viewport", [{"width": 375, "height": 740}, {"width": 1366, "height": 800}]
)
def test_no_policy_refusal_and_no_axe_violation_at_phone_and_laptop_widths(
    live_demo, make_page, viewport
):
    strict = make_page(bypass_csp=False, viewport=viewport)
    refused = _watch(strict)
    open_map(strict, live_demo.url, "#open=source:B1,target:INT&focus=target:INT.4")
    tap(strict, "source:B2")
    strict.wait_for_load_state("networkidle")
    assert refused == []
    page = make_page(viewport=viewport)
    open_map(page, live_demo.url, "#open=source:B1&focus=source:B1")
    assert axe_violations(page) == []


def test_every_relation_is_drawn_in_a_shape_of_its_own(live_demo, page):
    """Not by colour alone: each relation's line differs in its style or its outline."""
    open_map(page, live_demo.url)
    looks = page.evaluate(
        """(relations) => {
        const edge = weaveMap.add({ group: "edges", data: { id: "probe", source:
            weaveMap.nodes()[0].id(), target: weaveMap.nodes()[1].id() } });
        const looks = {};
        for (const relation of relations) {
            edge.classes("relation " + relation);
            looks[relation] = [edge.style("line-style"), edge.style("line-outline-width"),
                               edge.style("line-dash-pattern").toString()];
        }
        edge.remove();
        return looks;
    }""",
        STRENGTH,
    )
    shapes = [tuple(look) for look in looks.values()]
    assert len(set(shapes)) == len(STRENGTH), looks


def test_in_forced_colours_the_map_keeps_its_ground_and_its_legend_matches_it(live_demo, make_page):
    """The map draws in its own colours: in forced colours with a dark theme it keeps the
    white ground they are legible on, and the legend keeps the keys' colours and shapes,
    each relation's line its own (long dashes for closely matches, as the map draws)."""
    page = make_page(viewport={"width": 1280, "height": 900})
    page.emulate_media(forced_colors="active", color_scheme="dark")
    open_map(page, live_demo.url)
    ground = page.locator(".map-canvas").evaluate("e => getComputedStyle(e).backgroundColor")
    assert ground == "rgb(255, 255, 255)"
    behaviour = page.locator(".map-legend .key-source").evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert behaviour == "rgb(11, 92, 173)"
    lines = page.locator(".map-legend .line").evaluate_all("""lines => lines.map((e) => {
        const s = getComputedStyle(e);
        return [s.borderTopStyle, s.borderTopWidth, s.borderTopColor, s.backgroundImage].join();
    })""")
    assert len(set(lines)) == len(lines), lines
    legend = page.locator(".map-legend ul").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert legend == "rgb(255, 255, 255)", "the keys keep the ground they are legible on"


def test_at_ten_thousand_links_opening_more_than_can_be_drawn_closes_the_other_groups(
    live_server, transactional_db, page
):
    """Opening every group of a 10,000-link register would draw 10,000 lines and freeze the
    tab: opening one past 1,500 lines closes the others, and says so."""
    build_register(10_000)
    tops = [f"source:B{n}" for n in range(1, 11)]
    open_map(page, live_server.url, "#open=" + ",".join(tops))
    assert page.evaluate("weaveMap.edges('.relation').length") == 1000  # 100 sources by 10
    tap(page, "target:S1")  # 100 sources by 19 would be 1,900 lines
    status, note = page.locator("#map-status"), page.locator("#map-closed")
    said = "Only S1 stays open: with every group you opened, the map would draw 1,900 lines"
    expect(status).to_contain_text(said)
    expect(note).to_be_visible()  # shown, not only said
    expect(note).to_contain_text(said)
    assert page.evaluate("weaveMap.edges('.relation').length") == 190  # 10 tops by (10 + 9)
    assert "open=target%3AS1&" in page.evaluate("location.hash")
    # A shared address asking for everything keeps the group in focus.
    every = ",".join([*tops, *(f"target:S{n}" for n in range(1, 11))])
    open_map(page, live_server.url, f"#open={every}&focus=source%3AB3")
    assert page.evaluate("weaveMap.edges('.relation').length") <= 1500
    expect(note).to_contain_text(
        "Only B3 stays open: with every group you opened, the map would draw 10,000 lines"
    )
    assert page.evaluate("[...document.querySelectorAll('#map-status')].length") == 1
    assert "open=source%3AB3&" in page.evaluate("location.hash")
    # Opened under a filter, groups draw few lines; taking the filter away closes them.
    filtered = ",".join([*tops, "target:S1", "target:S2", "target:S3"])
    open_map(page, live_server.url, f"#open={filtered}&relation=same_as")
    assert page.evaluate("weaveMap.edges('.relation').length") <= 1500
    expect(note).to_be_hidden()  # nothing was closed
    page.select_option("#map-relation", "")
    expect(note).to_contain_text("stays open: with every group you opened")
    assert page.evaluate("weaveMap.edges('.relation').length") <= 1500


def test_a_label_is_shortened_between_characters_and_a_long_word_wraps(live_demo, page):
    """A title shortened for its label is cut between characters as people see them (never
    inside an emoji or a flag), and one word longer than the label breaks inside the map."""
    from standards.models import Element

    flag = "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"
    long_word = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"
    Element.objects.filter(code="INT").update(
        title=f"Llanfairpwllgwyngyllgogerychwyrn{flag} Cymru – Balchder a Hunaniaeth"
    )
    Element.objects.filter(code="SKI").update(title=f"{long_word} Balchder")
    open_map(page, live_demo.url)
    label = page.evaluate("weaveMap.getElementById('target:INT').data('label')")
    unbroken = label.replace("-\n", "")  # the long word broken where its lines end
    assert unbroken.startswith(f"INT Llanfairpwllgwyngyllgogerychwyrn{flag}…")  # the flag whole
    assert not page.evaluate(
        r"/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/"
        ".test(weaveMap.getElementById('target:INT').data('label'))"
    ), "half a character"
    ski = page.evaluate("weaveMap.getElementById('target:SKI').data('label')")
    assert "-\n" in ski  # the long word broken with a hyphen, where the line ends
    # Other labels wrap between words only: no line break put inside one.
    labels = page.evaluate("weaveMap.nodes().map(n => n.data('label'))")
    assert not [label for label in labels if "\n" in label and "Llanfair" not in label]
    assert (
        page.evaluate("weaveMap.getElementById('target:KNO').style('text-overflow-wrap')")
        == "whitespace"
    )
    box = page.evaluate(
        "weaveMap.getElementById('target:SKI').renderedBoundingBox({includeLabels: true})"
    )
    assert box["x2"] <= page.evaluate("weaveMap.width()"), "the long word runs off the map"
