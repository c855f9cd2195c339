import pytest

from tests.browser.conftest import axe_violations, log_in

PAGES = [
    "/",
    "/links/",
    "/links/?q=zebra-nothing-matches",
    "/links/?source=B2&target=INT&relation=same_as",
    "/links/?relation=nonsense",
    "/links/?page=2",
    "/elements/example-homes-behaviours/B1/",
    "/elements/example-homes-behaviours/B1.1/",
    "/elements/cih-professional-standards-2021/INT/",
    "/elements/cih-professional-standards-2021/INT.1/",
    "/elements/cih-professional-standards-2021/no-such-code/",
    "/coverage/",
    "/matrix/",
    "/matrix/?expand=B1,B2,INT,ETH&cell=B2.2:INT.1",
    "/matrix/?expand=nonsense",
    "/map/",
    # The behaviours → Competence and Conduct register: links inferred through the crosswalk.
    "/m/example-homes-cc/",
    "/m/example-homes-cc/matrix/",
    "/m/example-homes-cc/matrix/?expand=B1,B2&cell=B1.1:CC5",
    "/m/example-homes-cc/coverage/",
    "/m/example-homes-cc/map/",
    "/m/example-homes-cc/elements/example-homes-behaviours/B5/",
    "/m/example-homes-cc/elements/competence-and-conduct-2025/CC4/",
    "/m/example-homes-cc/editions/1/",
    "/m/cih-cc/",
    "/m/",
    "/frameworks/competence-and-conduct-2025/",
]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations(live_demo, page, path):
    page.goto(f"{live_demo.url}{path}")
    assert axe_violations(page) == []


def test_every_page_fits_a_phone_and_axe_finds_no_violations_there(live_demo, make_page):
    """At 375 px no page scrolls sideways (a wide table scrolls in its own box) and axe
    finds nothing, for anonymous readers' pages and the API's docs. (Not emulating a
    phone's zooming out: its window would widen to fit, hiding what it is for.)"""
    page = make_page(viewport={"width": 375, "height": 740})
    problems = {}
    for path in [*PAGES, *READER_PAGES, "/api/docs/"]:
        page.goto(f"{live_demo.url}{path}")
        sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        found = axe_violations(page)
        if sideways > 0 or found:
            problems[path] = {"sideways px": sideways, "axe": found}
    assert problems == {}


def test_axe_finds_no_violations_on_the_empty_home_page(live_server, transactional_db, page):
    page.goto(f"{live_server.url}/")
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "path", ["/", "/elements/synthetic-behaviours/B1/", "/elements/synthetic-standards/S1/"]
)
def test_axe_finds_no_violations_on_summaries_of_a_large_register(
    live_server, transactional_db, page, path
):
    """900 links: the guide summarises its cards, element pages list the first of each group."""
    from tests.synthetic import build_register

    build_register(900)
    page.goto(f"{live_server.url}{path}")
    assert "under these:" in page.content() or "are shown." in page.content()
    assert axe_violations(page) == []


def test_axe_finds_no_violations_on_a_coverage_report_with_gaps(live_demo, page):
    from mapping.models import Link, Mapping, ReviewedGap
    from standards.models import Element

    Link.objects.filter(target__code__startswith="LEA").delete()
    ReviewedGap.objects.create(
        mapping=Mapping.objects.default(),
        element=Element.objects.get(code="LEA.5"),
        reason="Covered by the leadership programme, not by a behaviour.",
    )
    page.goto(f"{live_demo.url}/coverage/")
    assert "Not yet reviewed." in page.content()
    assert axe_violations(page) == []


READER_PAGES = [
    "/editions/",
    "/editions/1/",
    "/editions/1/links/",
    "/editions/1/links/1/",
    "/editions/1/map/",
    "/editions/1/coverage/",
    "/m/",
    "/m/example-homes-cih/links/?source=B1",
    "/m/example-homes-cih/editions/2/elements/cih-professional-standards-2021/INT/",
    "/editions/1/matrix/?expand=B1&cell=B1.1:INC",
    "/editions/1/elements/example-homes-behaviours/B1/",
    "/editions/1/elements/cih-professional-standards-2021/INT.1/",
    "/editions/compare/?old=1&new=2",
    "/changes/",
    "/changes/?who=nobody-at-all",
    "/frameworks/",
    "/frameworks/cih-professional-standards-2021/",
    "/accounts/login/",
]

EDITOR_PAGES = [
    "/links/",
    "/links/new/",
    "/links/1/",
    "/links/1/edit/",
    "/links/1/retire/",
    "/elements/example-homes-behaviours/B1/",
    "/elements/1/edit/",
    "/elements/1/retire/",
    "/frameworks/example-homes-behaviours/retire/",
    "/frameworks/new/",
    "/frameworks/example-homes-behaviours/elements/new/?parent=B1",
    "/changes/",
    "/editions/publish/",
    "/frameworks/import/",
    "/links/import/",
    "/m/new/",
    "/accounts/",
    "/m/example-homes-cc/suggestions/",
    "/m/example-homes-cc/suggestions/accept/?kind=inferred&pair=B1.1:CC5",
    "/review/",
    "/accounts/notifications/",
    "/coverage/",
    "/m/example-homes-cc/coverage/",
]


@pytest.fixture
def with_editions(live_demo):
    from django.contrib.auth.models import User

    from mapping.models import Change, Edition, Mapping

    mapping = Mapping.objects.default()
    publisher = User.objects.get(username="publisher")
    Edition.objects.publish(mapping, by=publisher, title="Launch", notes="The first.")
    link = mapping.links.first()
    link.edit(by=publisher, revision=link.revision, rationale="Changed for edition two.")
    element = mapping.source_framework.elements.get(code="B2")
    Change.objects.apply(element, {"title": "Renamed"}, by=publisher)
    Edition.objects.publish(mapping, by=publisher, title="Second")
    return live_demo


@pytest.mark.parametrize("path", READER_PAGES)
def test_axe_finds_no_violations_on_history_and_edition_pages(with_editions, page, path):
    page.goto(f"{with_editions.url}{path}")
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", EDITOR_PAGES)
@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_axe_finds_no_violations_on_editing_pages(with_editions, page, role, path):
    log_in(page, with_editions.url, role)
    page.goto(f"{with_editions.url}{path}")
    assert axe_violations(page) == [], path


def test_axe_finds_no_violations_on_the_registers_details(with_editions, page):
    log_in(page, with_editions.url, "publisher")
    page.goto(f"{with_editions.url}/details/")
    assert axe_violations(page) == []
    page.get_by_label("Name").fill("")
    page.get_by_role("button", name="Save the details").click()
    page.get_by_text("Give the register a name.").first.wait_for()
    assert axe_violations(page) == []


def test_axe_finds_no_violations_on_forms_with_errors_and_inline_forms(with_editions, page):
    log_in(page, with_editions.url, "publisher")
    page.goto(f"{with_editions.url}/links/new/")
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_text("Choose the behaviour.", exact=True).wait_for()
    assert axe_violations(page) == []
    page.goto(f"{with_editions.url}/links/?source=B1")
    page.locator("#results").get_by_role("link", name="Edit").first.click()
    page.locator("tr.editing").wait_for()
    assert axe_violations(page) == []


def test_axe_finds_no_violations_on_the_api_docs(live_demo, page):
    page.goto(f"{live_demo.url}/api/docs/")
    assert axe_violations(page) == []


TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"""


@pytest.mark.parametrize("path", ["/links/import/", "/frameworks/import/"])
def test_the_import_pages_fit_320_px_with_wider_text_spacing(live_demo, make_page, path):
    """WCAG 1.4.10 and 1.4.12: the file field shrinks rather than widen the page."""
    page = make_page(viewport={"width": 320, "height": 640})
    log_in(page, live_demo.url, "publisher")
    page.goto(f"{live_demo.url}{path}")
    page.add_style_tag(content=TEXT_SPACING)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
