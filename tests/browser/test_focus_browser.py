"""Where keyboard focus goes after an in-place change (htmx swaps what had it away) and
after a form comes back with errors: never lost to the top of the page."""

import re
from datetime import date
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import timezone
from playwright.sync_api import expect

from mapping.models import Mapping
from mapping.register import LiveRegister
from tests.browser.conftest import axe_violations, log_in

FOCUSED = "document.activeElement === document.body ? 'body' : " \
          "(document.activeElement.id || document.activeElement.textContent.trim())"  # fmt: skip


def test_a_matrix_toggle_keeps_focus_as_the_grid_changes(live_demo, page):
    page.goto(f"{live_demo.url}/matrix/")
    page.locator("#toggle-column-INT").focus()
    for expanded, query in (("true", "?expand=INT"), ("false", "?expand=")):
        page.keyboard.press("Enter")
        page.wait_for_function(f"location.search === {query!r}")
        expect(page.locator("#toggle-column-INT")).to_have_attribute("aria-expanded", expanded)
        page.wait_for_timeout(100)  # htmx's settle
        assert page.evaluate(FOCUSED) == "toggle-column-INT"


def test_a_page_of_results_brings_focus_to_what_it_shows(live_demo, page):
    page.goto(f"{live_demo.url}/links/")
    pages = page.get_by_role("navigation", name="Pages of links")
    pages.get_by_role("link", name="2", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".results-summary")).to_contain_text("51–86 of 86")
    expect(page.locator(".results-summary")).to_be_focused()


def test_adding_a_link_in_place_keeps_focus_in_the_form(live_demo, page):
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/links/")
    page.get_by_role("link", name="Add a link").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#add-link input[name=source]")).to_be_focused()
    page.get_by_role("button", name="Save as draft").focus()
    page.keyboard.press("Enter")  # nothing filled in: the first field to correct
    expect(page.locator('#add-link [aria-invalid="true"]').first).to_be_focused()
    assert page.evaluate(FOCUSED) != "body"


def test_a_page_with_errors_starts_at_the_list_of_them_which_leads_to_each(live_demo, page):
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/frameworks/new/")
    page.get_by_role("button", name="Save").click()
    listed = page.locator("main .errors-listed")
    expect(listed).to_be_focused()
    assert axe_violations(page) == []
    invalid = page.locator('main [aria-invalid="true"]')
    expect(listed.get_by_role("link")).to_have_count(invalid.count())
    listed.get_by_role("link").first.click()
    invalid = invalid.first
    expect(invalid).to_be_focused()
    described = invalid.get_attribute("aria-describedby") or ""
    for name in described.split():  # each description it points at is on the page
        assert page.locator(f"#{name}").count() == 1, name


def test_add_to_my_list_brings_focus_to_what_it_says(live_demo, page):
    page.goto(f"{live_demo.url}/links/")
    page.get_by_role("button", name="Add to my list").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#results p.added[role=status]").first).to_be_focused()


def test_retiring_a_row_in_place_brings_focus_to_what_it_says(live_demo, page):
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/links/")
    page.locator("#results").get_by_role("link", name="Retire").first.focus()
    page.keyboard.press("Enter")
    # The form comes in place; typing waits until focus is in its reason field.
    expect(page.locator("#results tr.editing textarea")).to_be_focused()
    page.keyboard.type("Folded into a broader link.")
    page.keyboard.press("Tab")
    expect(page.locator("#results").get_by_role("button", name="Retire")).to_be_focused()
    page.keyboard.press("Enter")
    # The message, not the table cell (a cell keeps its role in the table).
    expect(page.locator("#results .retired-row td > [role=status]")).to_contain_text("Retired")
    expect(page.locator("#results .retired-row td > [role=status]")).to_be_focused()


def test_a_refusal_without_a_field_of_its_own_is_where_focus_starts(live_demo, page):
    from mapping.models import Link, LinkStatus

    Link.objects.filter(pk=Link.objects.order_by("pk").first().pk).update(
        status=LinkStatus.PROPOSED)  # fmt: skip
    log_in(page, live_demo.url, "publisher")
    page.goto(f"{live_demo.url}/review/")
    page.get_by_role("button", name="Approve the chosen").click()  # nothing chosen
    expect(page.get_by_text("Choose at least one link.")).to_be_focused()


def test_a_table_that_fits_is_no_tab_stop_and_one_that_scrolls_is(live_demo, make_page):
    for width, stop in ((1280, False), (390, True)):
        page = make_page(viewport={"width": width, "height": 800})
        page.goto(f"{live_demo.url}/coverage/")
        boxes = page.evaluate("""[...document.querySelectorAll('.table-scroll')].map((box) =>
            [box.scrollWidth > box.clientWidth + 1, box.getAttribute('tabindex')])""")
        assert boxes, width
        for scrolls, tabindex in boxes:
            assert (tabindex == "0") == scrolls, (width, boxes)
        assert any(scrolls for scrolls, _ in boxes) == stop, (width, boxes)


def test_in_forced_colours_only_the_current_page_is_marked_in_the_menu(live_demo, make_page):
    page = make_page(forced_colors="active")
    page.goto(f"{live_demo.url}/links/")
    colours = page.evaluate("""[...document.querySelectorAll('.site-header nav a')].map((a) =>
        [a.getAttribute('aria-current') === 'page', getComputedStyle(a).borderBottomColor])""")
    current = {colour for is_current, colour in colours if is_current}
    others = {colour for is_current, colour in colours if not is_current}
    assert len(current) == 1 and current.isdisjoint(others), colours
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert others == {background}, (others, background)


def test_what_an_action_said_is_where_the_next_page_starts(live_demo, page):
    """ "Approved 1 link." after a full-page form: a screen reader does not read a page's
    messages by itself as it loads, so focus starts there (an error as an alert)."""
    from mapping.models import Link, LinkStatus

    link = Link.objects.order_by("pk").first()
    Link.objects.filter(pk=link.pk).update(status=LinkStatus.PROPOSED)
    log_in(page, live_demo.url, "publisher")
    page.goto(f"{live_demo.url}/review/")
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Approve the chosen").click()
    expect(page.locator("#messages")).to_be_focused()
    expect(page.locator("#messages [role=status]")).to_contain_text("Approved 1 link")


def test_a_conflict_on_saving_in_place_starts_at_what_happened(live_demo, page):
    from mapping.models import Link

    link = Link.objects.get(source__code="B1.1", target__code="INC.3")
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/links/?source=B1.1")
    page.locator(f"#link-{link.pk}").get_by_role("link", name="Edit").click()
    form_row = page.locator(f"#link-{link.pk}.editing")
    form_row.get_by_label("Rationale").fill("Mine.")
    Link.objects.filter(pk=link.pk).update(rationale="Theirs.", revision=link.revision + 1)
    form_row.get_by_role("button", name="Save").click()
    alert = form_row.locator(".error-summary[role=alert]")
    expect(alert).to_be_focused()
    expect(alert).to_contain_text("after you opened it")
    expect(alert).to_be_in_viewport()


def test_a_token_shown_only_once_is_where_the_next_page_starts(live_demo, make_page):
    """On a phone the new token is below the fold, and a notice already in the page as it
    loads is not read out: focus starts there."""
    page = make_page(viewport={"width": 320, "height": 600})
    log_in(page, live_demo.url, "viewer")
    page.goto(f"{live_demo.url}/accounts/")
    page.get_by_label("What the token is for").fill("Coursework scripts")
    page.get_by_role("button", name="Make the token").click()
    notice = page.locator("main .notice.made")
    expect(notice).to_be_focused()
    expect(notice).to_contain_text("shown only this once")
    expect(notice).to_be_in_viewport()


def test_leaving_a_form_in_place_gives_focus_back_to_what_opened_it(live_demo, page):
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/links/?source=B9")
    results = page.locator("#results")
    retire = results.get_by_role("link", name="Retire").first
    name = retire.inner_text()
    retire.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#results tr.editing textarea")).to_be_focused()
    page.keyboard.press("Escape")
    expect(results.get_by_role("link", name=name, exact=True)).to_be_focused()
    edit = results.get_by_role("link", name=name.replace("Retire", "Edit", 1), exact=True)
    edit.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#results tr.editing")).to_be_visible()
    page.locator("#results tr.editing").get_by_role("link", name="Cancel").click()
    expect(edit).to_be_focused()


def test_a_date_typed_digit_by_digit_is_one_step_back(live_demo, page):
    """Typing a year into a date field changes it four times: one history entry, one
    announcement of what it shows."""
    log_in(page, live_demo.url, "publisher")
    page.goto(f"{live_demo.url}/changes/")
    entries = page.evaluate("history.length")
    since = page.locator("#id_since")
    since.focus()
    page.keyboard.type("01012026", delay=80)
    page.wait_for_url(lambda url: "since=2026-01-01" in url)
    page.wait_for_timeout(600)
    assert "since=2026-01-01" in page.url
    assert page.evaluate("history.length") == entries + 1


def test_the_form_to_add_a_link_in_place_closes_with_escape_or_close(live_demo, page):
    log_in(page, live_demo.url, "editor")
    page.goto(f"{live_demo.url}/links/?source=B2")
    opener = page.locator("#add-link").get_by_role("link", name="Add a link")
    opener.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#add-link input[name=source]")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#add-link").get_by_role("link", name="Add a link")).to_be_focused()
    assert page.locator("#add-link form").count() == 0
    page.keyboard.press("Enter")
    expect(page.locator("#add-link input[name=source]")).to_be_focused()
    page.locator("#add-link").get_by_role("link", name="Close").click()
    expect(page.locator("#add-link").get_by_role("link", name="Add a link")).to_be_focused()
    assert "source=B2" in page.url


def test_the_list_of_what_to_put_right_comes_before_a_field_in_focus_of_its_own(live_demo, page):
    """Django's password form puts its first field in focus itself (autofocus)."""
    log_in(page, live_demo.url, "viewer")
    page.goto(f"{live_demo.url}/accounts/password_change/")
    page.get_by_label("Old password").fill("not the password")
    page.get_by_label("New password", exact=True).fill("one-Long-pass-2026")
    page.get_by_label("New password confirmation").fill("another-Long-pass-2026")
    page.get_by_role("button", name="Change the password").click()
    expect(page.locator("main .errors-listed")).to_be_focused()


def test_the_pdf_link_keeps_focus_while_a_new_pdf_is_prepared_and_says_when_it_is_ready(
    live_demo, page
):
    """The guide asks every 3 s whether a new PDF is ready, swapping its PDF line each time:
    the link keeps the focus (it lost it to the page before), and the line says it aloud
    when the new PDF is there. The server's answers are its own template's, in turn."""
    register = LiveRegister(Mapping.objects.default())
    previous = SimpleNamespace(made=timezone.now(), as_of=date.today())
    states = [SimpleNamespace(ready=False, previous=previous)] * 2 + [
        SimpleNamespace(ready=True, previous=None)]  # fmt: skip
    answers = [render_to_string("mapping/pdf_status.html#pdf_link",
                                {"register": register, "pdf_state": state, "waited": n > 0})
               for n, state in enumerate(states)]  # fmt: skip
    page.route(re.compile(r"/guide\.pdf/status/"),
               lambda route: route.fulfill(content_type="text/html", body=answers.pop(0)
                                           if len(answers) > 1 else answers[0]))  # fmt: skip
    page.goto(f"{live_demo.url}/")
    expect(page.locator("#pdf-link .notice")).to_contain_text("A new PDF is being prepared")
    page.locator("#pdf-link a").focus()
    expect(page.locator("#pdf-link [data-announce]")).to_have_count(1, timeout=15_000)
    page.wait_for_timeout(100)  # htmx's settle
    assert page.evaluate(FOCUSED) == "pdf-download"
    expect(page.locator("#announcer")).to_have_text("The new PDF is ready: the link gives it now.")
