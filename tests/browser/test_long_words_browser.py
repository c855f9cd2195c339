"""Text people type can hold one very long word (a pasted address, a code): it wraps inside
its cell or line, and no page grows wider than the window because of it."""

import pytest
from django.contrib.auth import get_user_model

from mapping.models import Link
from standards.models import Element
from tests.browser.conftest import log_in

LONG_ADDRESS = "See https://example.org/" + "averyveryverylongpathsegment" * 12
LONG_TITLE = "Partnerships" + "-andmore" * 40
PAGES = [
    "/links/{id}/", "/changes/", "/review/", "/links/?source=B4.2", "/links/?q=averyvery",
    "/elements/cih-professional-standards-2021/INC.4/", "/coverage/", "/matrix/", "/", "/map/",
]  # fmt: skip

# How far the page, or any line of the long words, reaches past the window's right edge (a
# line cut off inside a scrolling table counts too).
PAST_THE_EDGE = """() => {
    let worst = document.documentElement.scrollWidth - window.innerWidth;
    const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        if (!/averyvery|-andmore-andmore/.test(walker.currentNode.data)) continue;
        const range = document.createRange();
        range.selectNodeContents(walker.currentNode);
        for (const line of range.getClientRects()) {
            worst = Math.max(worst, line.right - window.innerWidth);
        }
    }
    return worst;
}"""


@pytest.fixture
def long_words(live_demo):
    link = Link.objects.get(source__code="B4.2", target__code="INC.4")
    publisher = get_user_model().objects.get(username="publisher")
    editor = get_user_model().objects.get(username="editor")
    # An editor's edit: the link goes back to proposed, so it is in the review queue too.
    link.edit(by=editor, revision=link.revision, example=LONG_ADDRESS,
              rationale=f"Partnerships, as the page says: {LONG_ADDRESS}")  # fmt: skip
    assert Link.objects.get(pk=link.pk).status == "proposed"
    # And a title with one long word, saved as an element's new wording.
    Element.objects.filter(pk=link.target_id).update(title=LONG_TITLE)
    return link, publisher


@pytest.mark.parametrize("width", [390, 1280])
def test_a_long_word_wraps_inside_its_page(long_words, make_page, live_demo, width):
    link, _publisher = long_words
    page = make_page(viewport={"width": width, "height": 900})
    log_in(page, live_demo.url, "publisher")
    overflows = {}
    for path in PAGES:
        page.goto(live_demo.url + path.format(id=link.pk))
        shown = (
            page.get_by_text("averyvery", exact=False).count()
            + page.get_by_text("-andmore-andmore", exact=False).count()
        )
        assert shown or path in ("/coverage/", "/matrix/", "/"), path
        overflows[path] = page.evaluate(PAST_THE_EDGE)
    assert {path: overflow for path, overflow in overflows.items() if overflow > 0} == {}


def test_ordinary_words_are_not_broken_to_squeeze_a_column(live_demo, make_page):
    """With four buttons to each draft link, the link table's columns are squeezed at a
    laptop's width: a standard's title still breaks between words ("Tegwch a
    Chydraddoldeb"), never inside one."""
    from mapping.models import LinkStatus

    target = Element.objects.get(code="INC.4")
    Element.objects.filter(pk=target.pk).update(title="Tegwch a Chydraddoldeb i bawb")
    Link.objects.filter(target=target).update(status=LinkStatus.DRAFT)
    page = make_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_demo.url, "publisher")
    page.goto(f"{live_demo.url}/links/?target=INC.4")
    broken = page.evaluate("""() => {
        const main = document.querySelector("main");
        const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
        const found = [];
        while (walker.nextNode()) {
            const at = walker.currentNode.data.indexOf("Chydraddoldeb");
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(walker.currentNode, at);
            range.setEnd(walker.currentNode, at + "Chydraddoldeb".length);
            found.push(range.getClientRects().length);
        }
        return found;
    }""")
    shown = [lines for lines in broken if lines]  # not the filters' hidden options
    assert shown and all(lines == 1 for lines in shown), broken


# WCAG 1.4.12: what a reader's own style sheet may set, which must lose nothing.
TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important; "
    "word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"
)


def test_a_changes_before_and_after_fit_a_phone_with_wider_text_spacing(live_demo, make_page):
    """At 320 px with wider text spacing, the history's before-and-after table used to
    push the page 15 px past the window (the field's name kept 10rem)."""
    link = Link.objects.order_by("pk").first()
    editor = get_user_model().objects.get(username="editor")
    link.edit(by=editor, revision=link.revision, rationale=link.rationale + " Reworded to "
              "say more about what the behaviour looks like day to day.")  # fmt: skip
    page = make_page(viewport={"width": 320, "height": 800})
    for path in (f"/links/{link.pk}/", "/changes/"):
        page.goto(f"{live_demo.url}{path}")
        page.add_style_tag(content=TEXT_SPACING)
        page.wait_for_timeout(100)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
