import re

from django.urls import reverse

from standards.models import Element
from tests.synthetic import build_register

URL = reverse("home")


def test_the_guide_shows_every_behaviour_and_characteristic_linked_to_its_page(client, demo):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    frameworks = [demo.source_framework, demo.target_framework]
    for element in Element.objects.filter(parent=None, framework__in=frameworks).select_related(
        "framework"
    ):
        kwargs = {"framework": element.framework.slug, "code": element.code}
        assert reverse("element_detail", kwargs=kwargs) in html
        assert element.title in html
    for descriptor in demo.source_framework.elements.exclude(parent=None):
        kwargs = {"framework": demo.source_framework.slug, "code": descriptor.code}
        assert reverse("element_detail", kwargs=kwargs) in html


def headline(html: str) -> str:
    start = html.index('<ul class="headline-list">')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html[start : html.index("</ul>", start)]))


def test_the_headline_is_computed_from_the_links(client, demo):
    text = headline(client.get(URL).content.decode())
    behaviours = demo.source_framework.elements
    linked_tops = {
        (link.source.parent or link.source).pk
        for link in demo.links.select_related("source__parent")
    }
    statements = demo.target_framework.elements.exclude(parent=None)
    covered_statements = statements.filter(links_as_target__isnull=False).distinct().count()
    assert f"{len(linked_tops)} of {behaviours.filter(parent=None).count()} behaviours" in text
    assert f"{covered_statements} of {statements.count()} standard statements are covered" in text
    assert "7 of 7 characteristics are covered" in text
    assert f"{demo.links.count()} links in all" in text


def test_the_headline_follows_the_data(client, demo):
    demo.links.filter(target__code="LEA.4").delete()
    text = headline(client.get(URL).content.decode())
    assert "32 of 33 standard statements are covered" in text
    assert "1 not covered" in text


def test_the_intro_is_markdown_without_any_script(client, demo):
    demo.guide_intro = (
        "## Why one framework\n\nUse **one** framework.<script>alert('x')</script>\n\n"
        '<img src=x onerror="alert(1)"> [CIH](https://www.cih.org) [bad](javascript:alert(1))'
    )
    demo.save()
    html = client.get(URL).content.decode()
    assert "<h2>Why one framework</h2>" in html
    assert "<strong>one</strong>" in html
    assert "<script>alert" not in html and "alert('x')" not in html
    assert "onerror" not in html and "javascript:" not in html
    assert '<a href="https://www.cih.org" rel="noopener noreferrer">CIH</a>' in html


def test_where_to_find_the_detail_links_to_the_table_and_the_pdf(client, demo):
    html = client.get(URL).content.decode()
    assert f'href="{reverse("link_table")}"' in html
    assert f'href="{reverse("guide_pdf")}"' in html
    # The footer leads to the API's description too, for other systems' builders.
    assert f'<a href="{reverse("api_docs")}">API</a>' in html


def test_a_rows_history_link_goes_straight_to_the_history(client, demo, people):
    link = demo.links.first()
    client.force_login(people["editor"])
    html = client.get(reverse("link_table")).content.decode()
    assert f'<a href="/links/{link.pk}/#link-history">History' in html
    assert 'id="link-history"' in client.get(f"/links/{link.pk}/").content.decode()


def test_every_relation_is_explained(client, demo):
    html = client.get(URL).content.decode()
    assert "Living the behaviour meets all of the standard." in html


def test_the_guide_explains_what_to_do_when_empty(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "seed_demo" in response.content.decode()


def test_the_guide_allows_only_get(client, demo):
    assert client.post(URL).status_code == 405


def test_at_scale_each_card_summarises_its_links_and_sends_readers_to_the_table(client, db):
    """900 links: each top behaviour has 300, more than a card lists. It names the standards
    it reaches with their counts, each a filtered view of the link table."""
    build_register(900)
    html = client.get(URL).content.decode()
    table = reverse("link_table")
    assert "Synthetic rationale" not in html  # no link is printed one by one
    assert "Covers 30 of the elements of Synthetic standards" in html
    assert "through 300 links, under these:" in html
    assert f'href="{table}?source=B1&amp;target=S2">100 links' in html
    assert f'href="{table}?source=B1">All 300 links of B1' in html
    # a characteristic covered by 30 behaviours: its reach, and the first 25 of each statement's
    assert "Covered by</strong> 30 of the elements of Synthetic behaviours" in html
    assert f'href="{table}?source=B3&amp;target=S1">100 links' in html
    assert f'href="{table}?target=S1.1">5 more' in html


def test_a_small_register_lists_every_link_with_its_reason(client, demo):
    html = client.get(URL).content.decode()
    assert html.count('<span class="why">') == demo.links.count()
    assert "under these:" not in html
