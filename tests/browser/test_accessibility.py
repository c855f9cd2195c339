import pytest

from tests.browser.conftest import axe_violations

PAGES = [
    "/",
    "/links/",
    "/links/?q=zebra-nothing-matches",
    "/links/?behaviour=B2&standard=INT&relation=same_as",
    "/links/?relation=nonsense",
    "/links/?page=2",
    "/behaviours/B1/",
    "/behaviours/B1.1/",
    "/standards/INT/",
    "/standards/INT.1/",
    "/standards/no-such-code/",
    "/coverage/",
    "/matrix/",
    "/matrix/?expand=B1,B2,INT,ETH&cell=B2.2:INT.1",
    "/matrix/?expand=nonsense",
    "/map/",
]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations(live_demo, page, path):
    page.goto(f"{live_demo.url}{path}")
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/", "/links/", "/standards/INT/"])
def test_axe_finds_no_violations_on_a_phone(live_demo, make_page, path):
    page = make_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    page.goto(f"{live_demo.url}{path}")
    assert axe_violations(page) == []


def test_axe_finds_no_violations_on_the_empty_home_page(live_server, transactional_db, page):
    page.goto(f"{live_server.url}/")
    assert axe_violations(page) == []


def test_axe_finds_no_violations_on_a_coverage_report_with_gaps(live_demo, page):
    from mapping.models import Link, Mapping, ReviewedGap
    from standards.models import Element

    Link.objects.filter(standard__code__startswith="LEA").delete()
    ReviewedGap.objects.create(
        mapping=Mapping.objects.default(),
        element=Element.objects.get(code="LEA.5"),
        reason="Covered by the leadership programme, not by a behaviour.",
    )
    page.goto(f"{live_demo.url}/coverage/")
    assert "Not yet reviewed." in page.content()
    assert axe_violations(page) == []
