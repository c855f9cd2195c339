"""Comparing two editions on a phone: each change is a card, its words whole."""

from django.contrib.auth import get_user_model

from mapping.models import Edition, Link
from tests.browser.conftest import axe_violations


def test_comparing_editions_on_a_phone_stacks_each_change(live_demo, make_page):
    publisher = get_user_model().objects.get(username="publisher")
    link = Link.objects.get(source__code="B4.2", target__code="INC.4")
    link.edit(by=publisher, revision=link.revision, rationale="Reworded for edition 2.")
    Edition.objects.publish(link.mapping, by=publisher, title="Second")
    page = make_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(f"{live_demo.url}/editions/compare/?old=1&new=2")
    row = page.locator("table.compare tbody tr.changed").first
    header = row.locator("th")
    # The link's name takes the card's whole width: no word of it broken across lines.
    assert header.bounding_box()["width"] > 300
    assert row.locator('td[data-label="Edition 2"]').inner_text().strip()
    label = row.locator('td[data-label="Edition 1"]').evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    assert label == '"Edition 1: "'
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
