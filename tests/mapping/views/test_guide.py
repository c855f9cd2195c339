import re

from django.test import Client
from django.urls import reverse

from mapping.models import Mapping
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
    # The PDF is among the downloads too, first, where someone looking for it on paper looks.
    downloads = html.split('id="downloads-heading"')[1].split("</section>")[0]
    assert f'<li><a href="{reverse("guide_pdf")}" download>The printable register: PDF (A4)' in (
        downloads.split("</li>")[0] + "</li>")  # fmt: skip
    # The footer leads to the API's description too, for other systems' builders.
    assert f'<a href="{reverse("api_docs")}">API</a>' in html


def test_a_rows_history_link_goes_straight_to_the_history(client, demo, people):
    link = demo.links.first()
    client.force_login(people["editor"])
    html = client.get(reverse("link_table")).content.decode()
    assert f'<a href="/links/{link.pk}/#link-history">History' in html
    assert 'id="link-history"' in client.get(f"/links/{link.pk}/").content.decode()


def test_the_words_used_here_include_element(client, demo):
    html = client.get(URL).content.decode()
    assert (
        "<dt>Element</dt><dd>Anything in a framework (behaviours, standards and anything under"
        in html
    )


def test_every_relation_is_explained(client, demo):
    html = client.get(URL).content.decode()
    assert "Living the behaviour meets all of the standard." in html


def test_the_guide_explains_what_to_do_when_empty(client, db, as_role):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "seed_demo" in html and "Log in</a> to start one." in html
    # Someone who may start one is shown where, in Weave itself (not the admin).
    html = as_role("editor").get(URL).content.decode()
    for page in ("framework_import", "framework_create", "mapping_create"):
        assert f'href="{reverse(page)}"' in html, page
    assert "in the admin" not in html


def test_a_sites_first_register_is_its_default_and_its_home(db, people, as_role):
    """A new organisation's first register is what its home page shows (it said there was
    no mapping yet until someone found "Make it the default")."""
    from standards.models import Framework

    ours = Framework.objects.create(name="Ours", slug="ours", kind="behaviours", publisher="Us")
    theirs = Framework.objects.create(name="Theirs", slug="theirs", kind="standards",
                                      publisher="Them")  # fmt: skip
    editor = as_role("editor")
    response = editor.post(reverse("mapping_create"), {
        "name": "Ours onto theirs", "slug": "ours-theirs", "organisation": "Us",
        "source_framework": ours.pk, "target_framework": theirs.pk,
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    assert Mapping.objects.get(slug="ours-theirs").is_default
    assert "<h1>Ours onto theirs</h1>" in Client().get(URL).content.decode()
    editor.post(reverse("mapping_create"), {
        "name": "A second", "slug": "second", "organisation": "Us",
        "source_framework": ours.pk, "target_framework": theirs.pk,
    })  # fmt: skip
    assert not Mapping.objects.get(slug="second").is_default  # the first stays the default
    Mapping.objects.update(is_default=False)  # as if the default were taken away
    html = Client().get(URL).content.decode()
    assert "none is its default yet" in html and f'href="{reverse("mapping_list")}"' in html


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


def test_the_headline_figures_add_up(client, demo):
    """Covered directly, and only through what sits under: together, every one covered
    (an element linked both ways was counted twice: "7 of 7: 7 directly, 7 through")."""
    html = client.get(URL).content.decode()
    headline = html.split('class="headline-list"')[1].split("</ul>")[0]
    found = re.findall(r'figure">(\d+) of \d+</strong>[^:]*:\s*(\d+) directly'
                       r'(?:, (\d+) only through what sits under)?', headline)  # fmt: skip
    assert len(found) == 4, headline
    for covered, direct, only_through in found:
        assert int(direct) + int(only_through or 0) == int(covered), headline


def test_only_through_counts_what_is_not_also_covered_directly():
    from mapping.coverage.rules import LevelSummary

    # 5 of 7 covered: 2 directly, 5 through what sits under them (some of those directly too)
    level = LevelSummary(
        label="Characteristic", plural="Characteristics", total=7, covered=5, direct=2, through=5
    )
    assert (level.direct, level.only_through, level.uncovered) == (2, 3, 2)


def test_on_a_new_site_the_api_reference_does_not_send_readers_to_the_demo(client, db):
    """Its examples are the demonstration register's: shown, not offered to try, and the
    examples at the top name no register of this site's."""
    page = client.get("/api/docs/").content.decode()
    assert 'href="/api/mappings/example-homes-cih/links/1"' not in page
    assert "on a site with the demonstration register: <code>/api/mappings/" in page
    assert "mappings/&lt;register&gt;/links?target=S1.2" in page


def test_a_new_sites_administrator_finds_an_empty_review_queue_and_no_frameworks(db, client):
    """Before any register: the review queue is empty, not refused (403), and the list of
    frameworks says there are none and how to add them."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("admin", "a@example.org", "pass-1234-word")
    client.force_login(admin)
    review = client.get(reverse("review"))
    assert review.status_code == 200 and "Nothing waiting." in review.content.decode()
    frameworks = client.get(reverse("framework_list")).content.decode()
    assert "No frameworks yet." in frameworks and "<table" not in frameworks.split("<main")[1]


def test_on_this_page_jumps_to_each_section_of_a_long_guide(client, demo):
    html = client.get(URL).content.decode()
    nav = html[
        html.index('<nav class="on-this-page') : html.index("</nav>", html.index("on-this-page"))
    ]
    targets = re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', nav)
    assert [label for _, label in targets] == [
        "Coverage at a glance", "Each set of standards", "Our behaviours and what they cover",
        "Each characteristic and what covers it", "How to read a link",
        "Where to find the detail", "Downloads",
    ]  # fmt: skip
    for anchor, _ in targets:
        assert html.count(f'id="{anchor}"') == 1, anchor


def test_the_words_staff_meet_are_explained(client, demo):
    html = client.get(URL).content.decode()
    for word in ("Register", "Edition", "Permalink", "Crosswalk"):
        assert f"<dt>{word}</dt>" in html, word
    assert "it never counts as coverage" in html


def test_a_link_never_changed_says_so_beside_when_it_was_added(client, demo):
    link = demo.links.first()
    html = client.get(link.get_absolute_url()).content.decode()
    assert "No change recorded since it was added" in html
    assert "No changes recorded yet" not in html


def test_drafts_and_proposals_are_marked_where_the_guide_shows_them(client, published):
    """The live guide (and its PDF) counts drafts and proposals with the links, so it says
    which they are; an edition has only approved links."""
    from tests.mapping.test_pdf import pdftotext

    page = client.get("/").content.decode()
    assert (
        "(1 of them not yet approved: drafts and proposals, marked where they are shown "
        "and counted in the figures above; an edition counts approved links alone)"
    ) in page
    assert page.count('<span class="status-note">draft, not yet approved</span>') == 1
    number = published["edition"].number
    coverage = client.get("/coverage/").content.decode()
    assert (
        "These figures count the live register's 1 link not yet approved (drafts and "
        "proposals) as well as its approved ones."
    ) in coverage
    assert '<a href="/coverage/">Count approved links alone</a>' not in coverage
    assert '<a href="/coverage/?count=approved">Count approved links alone</a>' in coverage
    assert f'<a href="/editions/{number}/coverage/">coverage in edition {number}</a>' in coverage
    assert "These figures count" not in client.get(f"/editions/{number}/coverage/").content.decode()
    edition = client.get(f"/editions/{published['edition'].number}/").content.decode()
    assert "not yet approved" not in edition
    text = " ".join(pdftotext(client.get("/guide.pdf").content).split())
    assert "Leadership · Supports · draft, not yet approved A draft nobody approved." in text


def test_the_guide_offers_a_search_of_the_links_that_leads_to_the_link_table(client, demo):
    """Staff start at the guide: a search there opens the link table with its results."""
    html = client.get("/").content.decode()
    form = html[html.index('<form class="guide-search') : html.index("</form>", html.index(
        '<form class="guide-search'))]  # fmt: skip
    assert 'action="/links/"' in form and 'name="q"' in form and 'role="search"' in form
    found = client.get("/links/", {"q": "advocates"}).content.decode()
    assert "No links match these filters." not in found
    edition = client.get("/editions/1/").content.decode()
    assert 'action="/editions/1/links/"' in edition
