"""The Content-Security-Policy in force in a real browser: every page, its htmx swaps,
the map and the matrix run without one refusal (no inline script or style anywhere)."""

import pytest

from tests.browser.conftest import log_in

PAGES = [
    "/", "/links/", "/links/?source=B1", "/links/1/", "/elements/example-homes-behaviours/B1/",
    "/elements/cih-professional-standards-2021/INT/", "/matrix/?expand=B1&cell=B1.1:INC",
    "/map/", "/coverage/", "/editions/", "/editions/1/", "/changes/", "/frameworks/", "/m/",
    "/api/docs/", "/accounts/login/",
]  # fmt: skip
EDITOR_PAGES = ["/links/new/", "/links/1/edit/", "/frameworks/import/", "/accounts/",
                "/admin/", "/admin/mapping/link/1/change/"]  # fmt: skip


def _watch(page) -> list[str]:
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)  # fmt: skip
    page.add_init_script("""
        document.addEventListener("securitypolicyviolation", (event) => {
            console.error("Content Security Policy refused " + event.violatedDirective
                          + " " + event.blockedURI);
        });
    """)
    return refused


@pytest.fixture
def strict_page(make_page):
    return make_page(bypass_csp=False)


@pytest.mark.parametrize("path", PAGES)
def test_no_page_breaks_the_policy(live_demo, strict_page, path):
    refused = _watch(strict_page)
    response = strict_page.goto(f"{live_demo.url}{path}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    strict_page.wait_for_load_state("networkidle")
    assert refused == [], (path, refused)


@pytest.mark.parametrize("path", EDITOR_PAGES)
def test_the_editing_pages_work_under_the_policy(live_demo, strict_page, path):
    refused = _watch(strict_page)
    log_in(strict_page, live_demo.url, "admin")
    strict_page.goto(f"{live_demo.url}{path}")
    strict_page.wait_for_load_state("networkidle")
    assert refused == [], (path, refused)


def test_htmx_swaps_work_under_the_policy(live_demo, strict_page):
    refused = _watch(strict_page)
    log_in(strict_page, live_demo.url, "admin")
    strict_page.goto(f"{live_demo.url}/links/")
    strict_page.get_by_label("Relation").select_option("supports")
    strict_page.locator("#results .results-summary").filter(has_text="match the filters").wait_for()
    strict_page.locator("#results").get_by_role("link", name="Edit").first.click()
    strict_page.locator("tr.editing").wait_for()
    assert refused == []


def test_a_resized_field_survives_an_htmx_swap_under_the_policy(live_demo, strict_page):
    """A box resized by its corner carries style="height: …"; htmx must not copy that
    attribute onto the swapped-in form (style-src 'self' refuses it)."""
    refused = _watch(strict_page)
    log_in(strict_page, live_demo.url, "admin")
    strict_page.goto(f"{live_demo.url}/links/new/")
    rationale = strict_page.locator("#add-link textarea").first
    rationale.evaluate("box => { box.style.height = '240px'; }")  # what dragging the corner does
    strict_page.locator("#add-link").get_by_role("button").first.click()  # nothing filled in
    strict_page.locator("#add-link .field-error").first.wait_for()
    strict_page.wait_for_load_state("networkidle")
    assert refused == []
