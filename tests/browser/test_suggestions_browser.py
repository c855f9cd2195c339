"""The journey of issue 19, in Chromium: an editor starts a Competence and Conduct register
from the CIH one and the crosswalk, accepts two suggestions and dismisses one (in place,
with htmx), with axe on every new page; then a publisher moves a register onto a new
version of the CIH standards after reading the dry run."""

import io

import pytest
from django.core.management import call_command

from mapping.models import LinkStatus, Mapping
from mapping.models.inference import ReviewedPair
from standards.models import Framework
from tests.browser.conftest import axe_violations, log_in


def test_an_editor_starts_a_register_accepts_two_suggestions_and_dismisses_one(live_demo,
                                                                               page):  # fmt: skip
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/m/new/")
    assert axe_violations(page) == []
    page.get_by_label("Example Homes: Our Behaviours → CIH Professional Standards → Competence "
                      "and Conduct Standard", exact=False).check()  # fmt: skip
    page.get_by_label("Name of the new register").fill("Our behaviours and C&C")
    page.locator("#start-slug").fill("ours-cc")
    page.get_by_role("button", name="Start the register").click()
    page.wait_for_url(f"{live_demo.url}/m/ours-cc/suggestions/")
    assert (
        page.get_by_role("status")
        .first.inner_text()
        .startswith("Added the register Our behaviours and C&C, with 25 suggestions")
    )
    assert axe_violations(page) == []

    for pair in ("B1.1 → CC5", "B2.1 → CC4"):
        page.get_by_role("link", name=f"Accept {pair}").click()
        page.wait_for_url("**/suggestions/accept/**")
        assert axe_violations(page) == []
        why = page.get_by_role("textbox", name="Why")
        assert why.input_value().startswith("Accepted from the path through")
        why.fill(f"{why.input_value()} Checked by the editor.")
        page.get_by_role("button", name="Accept as a link").click()
        page.wait_for_url(f"{live_demo.url}/m/ours-cc/suggestions/")
        assert f"Accepted {pair} as draft." in page.get_by_role("status").first.inner_text()

    row = page.locator("tr", has=page.get_by_text("Choose B1.2 → CC4"))
    row.get_by_text("Dismiss", exact=False).first.click()
    row.get_by_label("Why dismiss B1.2 → CC4?").fill("Keeping promises is not conduct.")
    row.get_by_role("button", name="Dismiss").click()
    page.get_by_text("Dismissed B1.2 → CC4: it will not be suggested again.").wait_for()
    assert page.url == f"{live_demo.url}/m/ours-cc/suggestions/"  # swapped in place
    assert axe_violations(page) == []

    mapping = Mapping.objects.get(slug="ours-cc")
    made = {(link.source.code, link.target.code): link for link in mapping.links.all()}
    assert set(made) == {("B1.1", "CC5"), ("B2.1", "CC4")}
    assert all(link.status == LinkStatus.DRAFT for link in made.values())
    assert made["B2.1", "CC4"].rationale.endswith("Checked by the editor.")
    assert ReviewedPair.objects.get(mapping=mapping).reason == "Keeping promises is not conduct."
    page.reload()
    for gone in ("B1.1 → CC5", "B2.1 → CC4", "B1.2 → CC4"):
        assert page.get_by_text(f"Choose {gone}").count() == 0


@pytest.mark.parametrize("width", [390, 1280])
def test_inferred_links_look_different_in_the_matrix_and_say_so(live_demo, make_page, width):
    page = make_page(viewport={"width": width, "height": 900})
    page.goto(f"{live_demo.url}/m/example-homes-cc/matrix/")
    marks = page.locator(".inferred-mark")
    assert marks.count() > 0 and marks.first.is_visible()
    cell = page.locator("td.has-inferred a").first
    assert "inferred through" in cell.inner_text() or "inferred through" in (
        cell.text_content() or ""
    )  # the words for screen readers
    assert axe_violations(page) == []


def test_the_suggestions_page_on_a_phone(live_demo, make_page):
    page = make_page(viewport={"width": 390, "height": 844})
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/m/example-homes-cc/suggestions/")
    assert axe_violations(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"


def test_a_publisher_moves_a_register_onto_a_new_version(live_demo, page, tmp_path):
    cih = Framework.objects.get(slug="cih-professional-standards-2021")
    rows = ["code,title,description,parent code,level label"]
    for element in cih.elements.current().select_related("parent").order_by("tree_rank"):
        title = "Be open, honest and transparent" if element.code == "INT.4" else element.title
        parent = element.parent.code if element.parent else ""
        rows.append(f'{element.code},"{title}",,{parent},{element.level_label}')
    path = tmp_path / "cih-2026.csv"
    path.write_text("\n".join(rows) + "\n")
    call_command("import_framework", path, slug="cih-2026", name="CIH Professional Standards",
                 kind="standards", publisher="CIH", version_label="2026", replaces=cih.slug,
                 apply=True, stdout=io.StringIO())  # fmt: skip
    log_in(page, live_demo.url, "publisher")
    page.goto(f"{live_demo.url}/frameworks/cih-2026/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Move Our Behaviours and the CIH Professional Standards onto "
                     "this version").click()  # fmt: skip
    page.wait_for_url("**/move/?to=cih-2026")
    page.get_by_text("links to elements whose wording changed carried as proposed").wait_for()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Move onto CIH Professional Standards").click()
    page.get_by_text("Moved onto CIH Professional Standards").wait_for()
    moved = Mapping.objects.exclude(slug="example-homes-cih").get(
        source_framework__slug="example-homes-behaviours", target_framework__slug="cih-2026"
    )
    assert page.url == f"{live_demo.url}/" and moved.is_default
    assert axe_violations(page) == []
