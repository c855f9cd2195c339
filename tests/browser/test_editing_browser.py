"""What only a browser shows of editing: the row becoming a form and back, in place."""

import re

import pytest
from playwright.sync_api import expect

from mapping.models import Change, Link, Membership
from tests.browser.conftest import log_in


def test_an_editor_edits_a_link_inline_and_sees_it_in_the_history(live_demo, page):
    log_in(page, live_demo.url, "editor")
    link = Link.objects.get(source__code="B1.1", target__code="INC.3")
    page.goto(f"{live_demo.url}/links/?source=B1.1")
    # A marker that a full page load would wipe out.
    page.evaluate("window.notReloaded = true")
    banner = page.locator("#live-banner")
    changes_before = _changes_since(banner.inner_text())
    row = page.locator(f"#link-{link.pk}")
    row.get_by_role("link", name="Edit").click()
    form_row = page.locator(f"#link-{link.pk}.editing")
    rationale = form_row.get_by_label("Rationale")
    rationale.fill("Hearing people out is how inclusion starts.")
    form_row.get_by_label("Relation").select_option("partly_covers")
    form_row.get_by_role("button", name="Save").click()
    row = page.locator(f"#link-{link.pk}:not(.editing)")
    row.wait_for()
    assert "Hearing people out is how inclusion starts." in row.inner_text()
    assert "Partly covers" in row.inner_text()
    assert "Saved, and sent to a publisher for approval." in row.inner_text()  # approved before
    assert page.evaluate("window.notReloaded") is True
    assert page.url.endswith("/links/?source=B1.1")
    # The banner counts the change at once, out of band beside the row.
    expect(banner).to_contain_text(f"{changes_before + 1} change")
    assert _changes_since(banner.inner_text()) == changes_before + 1
    link.refresh_from_db()
    assert link.rationale == "Hearing people out is how inclusion starts."
    row.get_by_role("link", name="History").click()
    page.wait_for_url(f"{live_demo.url}/links/{link.pk}/#link-history")
    history = page.locator("#history-heading + ol").inner_text()
    assert "Edited" in history and "by editor" in history
    assert "Hearing people out is how inclusion starts." in history
    assert Change.objects.for_object(link).count() == 1


def _changes_since(banner: str) -> int:
    """How many changes since the latest edition the live banner counts."""
    if "No changes since" in banner:
        return 0
    return int(re.search(r"(\d+) changes? since", banner).group(1))


def test_cancel_puts_the_row_back_by_keyboard(live_demo, page):
    log_in(page, live_demo.url, "editor")
    link = Link.objects.get(source__code="B1.1", target__code="INC.3")
    page.goto(f"{live_demo.url}/links/?source=B1.1")
    edit = page.locator(f"#link-{link.pk}").get_by_role("link", name="Edit")
    edit.focus()
    page.keyboard.press("Enter")
    form_row = page.locator(f"#link-{link.pk}.editing")
    form_row.wait_for()
    # The focus moves into the form, and comes back to the row's Edit link afterwards.
    expect(form_row.get_by_label("Relation")).to_be_focused()
    form_row.get_by_label("Rationale").fill("Never saved.")
    form_row.get_by_role("link", name="Cancel").focus()
    page.keyboard.press("Enter")
    page.locator(f"#link-{link.pk}:not(.editing)").wait_for()
    expect(page.locator(f"#link-{link.pk}").get_by_role("link", name="Edit")).to_be_focused()
    assert "Never saved." not in page.locator("#results").inner_text()
    link.refresh_from_db()
    assert link.rationale != "Never saved."


def test_escape_puts_the_row_back_too(live_demo, page):
    log_in(page, live_demo.url, "editor")
    link = Link.objects.get(source__code="B1.1", target__code="INC.3")
    page.goto(f"{live_demo.url}/links/?source=B1.1")
    page.locator(f"#link-{link.pk}").get_by_role("link", name="Edit").click()
    form_row = page.locator(f"#link-{link.pk}.editing")
    form_row.get_by_label("Rationale").fill("Never saved.")
    page.keyboard.press("Escape")
    page.locator(f"#link-{link.pk}:not(.editing)").wait_for()
    expect(page.locator(f"#link-{link.pk}").get_by_role("link", name="Edit")).to_be_focused()
    link.refresh_from_db()
    assert link.rationale != "Never saved."


def test_adding_a_link_in_place_refreshes_the_table(live_demo, page):
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/links/?source=B10")
    before = page.locator("#results tbody tr").count()
    page.get_by_role("link", name="Add a link").click()
    panel = page.locator("#add-link form")
    panel.get_by_label("Behaviour").fill("B10")
    panel.get_by_label("Standard").fill("INT.1")
    panel.get_by_label("Relation").select_option("supports")
    panel.get_by_label("Rationale").fill("Added from the table.")
    panel.get_by_role("button", name="Save as draft").click()
    page.get_by_role("status").filter(has_text="Added").wait_for()
    page.locator("#results tbody tr").nth(before).wait_for()
    assert "Added from the table." in page.locator("#results").inner_text()
    assert "Draft" in page.locator("#results").inner_text()


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_duplicate_shows_the_error_beside_the_form(live_demo, page, settings, debug):
    # With DEBUG on (make run), django-htmx's helper must not put the form in place of the page.
    settings.DEBUG = debug
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/links/")
    page.get_by_role("link", name="Add a link").click()
    panel = page.locator("#add-link form")
    panel.get_by_label("Behaviour").fill("B1.1")
    panel.get_by_label("Standard").fill("INC.3")
    panel.get_by_label("Relation").select_option("supports")
    panel.get_by_label("Rationale").fill("Twice.")
    panel.get_by_role("button", name="Save as draft").click()
    alert = page.locator("#add-link").get_by_role("alert")
    alert.wait_for()
    assert "already linked" in alert.inner_text()
    assert alert.get_by_role("link").get_attribute("href").startswith("/links/")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.locator("#results")).to_be_visible()


def _typing_in_place(live_demo, page, link: Link, rationale: str):
    """An editor's row of the link table open for editing, a new rationale typed in it."""
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/links/?source=B1.1")
    page.locator(f"#link-{link.pk}").get_by_role("link", name="Edit").click()
    form_row = page.locator(f"#link-{link.pk}.editing")
    form_row.get_by_label("Rationale").fill(rationale)
    return form_row


def test_a_busy_database_says_so_and_keeps_what_was_typed(live_demo, page, monkeypatch):
    from django.db import OperationalError

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    link = Link.objects.get(source__code="B1.1", target__code="INC.3")
    before = link.rationale
    form_row = _typing_in_place(live_demo, page, link, "Typed while the register was busy.")
    monkeypatch.setattr("mapping.models.Change.objects.apply", busy)
    form_row.get_by_role("button", name="Save").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The register is busy")
    expect(alert).to_contain_text("what you typed is still here")
    expect(form_row.get_by_label("Rationale")).to_have_value("Typed while the register was busy.")
    link.refresh_from_db()
    assert link.rationale == before


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_role_taken_away_mid_edit_is_said_beside_the_form(live_demo, page, settings, debug):
    """Refused on saving (403), the page stays, with what was typed and why (with DEBUG on,
    as under make run, django-htmx's helper put the 403 page in place of it all)."""
    settings.DEBUG = debug
    link = Link.objects.get(source__code="B1.1", target__code="INC.3")
    before = link.rationale
    form_row = _typing_in_place(live_demo, page, link, "Typed before the role went.")
    Membership.objects.filter(user__username="editor").update(role="viewer")
    form_row.get_by_role("button", name="Save").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This needs the editor role in this register.")
    expect(alert).to_contain_text("Nothing was saved")
    expect(form_row.get_by_label("Rationale")).to_have_value("Typed before the role went.")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Not allowed")
    link.refresh_from_db()
    assert link.rationale == before


def test_on_the_links_page_status_and_history_keep_up_with_the_row(live_demo, page):
    log_in(page, live_demo.url, "editor")
    link = Link.objects.get(source__code="B1.1", target__code="INC.3")
    page.goto(f"{live_demo.url}/links/{link.pk}/")
    page.evaluate("window.notReloaded = true")
    page.locator(f"#link-{link.pk}").get_by_role("link", name="Edit").click()
    form_row = page.locator(f"#link-{link.pk}.editing")
    form_row.get_by_label("Rationale").fill("Said again, on the link's own page.")
    form_row.get_by_role("button", name="Save").click()
    page.locator(f"#link-{link.pk}:not(.editing)").wait_for()
    expect(page.locator("#link-facts")).to_contain_text("by editor")
    latest = page.locator("#link-history li").first
    expect(latest).to_contain_text("Edited link B1.1 → INC.3 by editor")
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("#link-facts")).to_have_count(1)


@pytest.mark.parametrize("start", ["page", "edit"])
def test_a_relation_changed_on_the_links_page_changes_its_heading_and_history(
    live_demo, page, start
):
    """From the link's page, or its edit address opened as a page: the heading says the
    new relation, and the history lists every entry, newest first, in its own section."""
    log_in(page, live_demo.url, "publisher")
    link = Link.objects.get(source__code="B1.1", target__code="INC.3")
    if start == "edit":
        page.goto(f"{live_demo.url}/links/{link.pk}/edit/")
    else:
        page.goto(f"{live_demo.url}/links/{link.pk}/")
        page.locator(f"#link-{link.pk}").get_by_role("link", name="Edit").click()
    form_row = page.locator(f"#link-{link.pk}.editing")
    form_row.get_by_label("Relation").select_option("supports")
    form_row.get_by_role("button", name="Save").click()
    page.locator(f"#link-{link.pk}:not(.editing)").wait_for()
    expect(page.get_by_role("heading", level=1)).to_contain_text("supports")
    # Where it stands against the edition, and the edition's own address, follow too.
    expect(page.locator("#standing")).to_contain_text("since edition 1")
    expect(page.locator("#link-facts")).to_contain_text("In edition 1")
    entries = page.locator("#link-history li")
    expect(entries.first).to_contain_text("by publisher")
    assert entries.count() == Change.objects.for_object(link).count()
    expect(page.locator(f"#link-{link.pk} #link-history")).to_have_count(0)
    # Its before and after, in the history's own section (not drawn under the row).
    expect(entries.first.locator("table")).to_have_count(1)
    expect(entries.first).to_contain_text("Fully covers")
    expect(page.locator("#link-history")).to_have_count(1)


def test_a_link_retired_on_its_own_page_says_so_and_can_be_restored(live_demo, page):
    log_in(page, live_demo.url, "editor")
    link = Link.objects.get(source__code="B1.1", target__code="INC.3")
    page.goto(f"{live_demo.url}/links/{link.pk}/")
    page.locator(f"#link-{link.pk}").get_by_role("link", name="Retire").click()
    page.get_by_label("Why retire it?").fill("Folded into B1.")
    page.locator(f"#link-{link.pk}").get_by_role("button", name="Retire").click()
    expect(page.locator("#standing")).to_contain_text("Retired on")
    expect(page.get_by_role("button", name="Restore as a draft")).to_be_visible()


def test_retiring_a_row_brings_the_counts_above_the_table_up_to_date(live_demo, page):
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/links/?source=B5.2")
    page.evaluate("window.notReloaded = true")
    counts = page.locator("#results-counts")
    shown = Link.objects.filter(source__code="B5.2").exclude(status="retired").count()
    expect(counts).to_contain_text(f"of {shown} links")
    link = Link.objects.filter(source__code="B5.2").first()
    page.locator(f"#link-{link.pk}").get_by_role("link", name="Retire").click()
    page.get_by_label("Why retire it?").fill("Covered by B5.1 now.")
    page.locator(f"#link-{link.pk}").get_by_role("button", name="Retire").click()
    # The row says so in place, and the counts above follow without a page load.
    expect(page.locator(f"#link-{link.pk}")).to_contain_text("Covered by B5.1 now.")
    expect(counts).to_contain_text(f"of {shown - 1} link")
    expect(counts).to_contain_text(f"Download the {shown - 1} link")
    assert page.evaluate("window.notReloaded") is True


@pytest.mark.parametrize("path", ["/links/", "/elements/example-homes-behaviours/B1/"])
def test_on_a_phone_an_editors_rows_fit_their_cards(live_demo, make_page, path):
    """Edit, Retire, Propose and History wrap inside the card: nothing is cut off, and
    no row needs scrolling sideways."""
    page = make_page(viewport={"width": 375, "height": 740})
    log_in(page, live_demo.url, "editor")
    link = Link.objects.get(source__code="B1.1", target__code="INC.3")
    link.status = "draft"
    link.save(update_fields=["status"])
    page.goto(live_demo.url + path)
    actions = page.locator("td.row-actions").first
    expect(actions.get_by_role("link", name="History")).to_be_visible()
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.responsive-table')]
             .filter(t => t.getBoundingClientRect().width > t.parentElement.clientWidth + 1)
             .length"""
    )
    assert overflowing == 0
    for cell in page.locator("tbody td").all()[:40]:
        assert cell.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), cell.inner_text()


def test_an_edit_form_opened_as_its_own_page_leaves_its_address_and_title_when_saved(
    live_demo, page
):
    log_in(page, live_demo.url, "editor")
    link = Link.objects.get(source__code="B1.1", target__code="INC.3")
    page.goto(f"{live_demo.url}/links/{link.pk}/edit/?style=table&element=&on=link")
    assert page.title().startswith(f"Edit {link.reference}")
    form_row = page.locator(f"#link-{link.pk}.editing")
    form_row.get_by_label("Rationale").fill("Saved from the form's own page.")
    form_row.get_by_role("button", name="Save").click()
    page.locator(f"#link-{link.pk}:not(.editing)").wait_for()
    page.wait_for_url(f"{live_demo.url}/links/{link.pk}/")
    expect(page).to_have_title(re.compile(rf"^{re.escape(link.reference)} · "))
    page.reload()
    expect(page.locator(f"#link-{link.pk}.editing")).to_have_count(0)
