"""Citing from the pages: "Cite this" on every citable page, ?format= for each format,
<meta> tags for reference managers, short references that lead to a link's page, and
what a page says when the version one might cite instead reads differently."""

import html
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from mapping.models import Change, Edition, Link, LinkStatus
from mapping.models.retiring import retire_element
from standards.models import Element, SourceCheck
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

BEHAVIOURS = "/elements/example-homes-behaviours"
STANDARDS = "/elements/cih-professional-standards-2021"


@pytest.fixture
def link(demo):
    return demo.links.get(source__code="B2.1", target__code="INT.4")


# The guide, a link and an element: live, and pinned to the demo's first edition ({link} is
# the link fixture's id).
LIVE_PAGES = ["/", "/links/{link}/", f"{STANDARDS}/INT.4/", f"{BEHAVIOURS}/B2.1/"]
CITABLE_PAGES = [*LIVE_PAGES, *(f"/editions/1{page}" for page in LIVE_PAGES)]


@pytest.mark.parametrize("page", CITABLE_PAGES)
def test_every_citable_page_has_the_panel_and_the_meta_tags(link, client, page):
    today = timezone.localdate()
    url = page.format(link=link.pk)
    html = client.get(url).content.decode()
    assert '<h2 id="cite-heading">Cite this</h2>' in html, url
    for label in ("APA 7th edition", "Harvard (Cite Them Right)", "BibTeX", "RIS", "CSL-JSON"):
        assert label in html, (url, label)
    # A standard's page offers its publisher's citation too, in APA and Harvard (to quote it).
    quoting = "cih-professional-standards-2021" in url
    assert html.count('data-copy="cite-') == 5 + 2 * quoting and "hidden>Copy" in html
    assert ("Quoting CIH Professional Standards itself" in html) == quoting, url
    for name in ("bibtex", "ris", "csl-json"):
        assert f'href="?format={name}&amp;download=1" download' in html, (url, name)
    head = html[: html.index("</head>")]
    pinned = url.startswith("/editions/")
    # Named by the register's slug: the default register's pages are also at the top of
    # the site, until another register is made the default.
    permalink = f"http://testserver/m/example-homes-cih{url}"
    assert f'<meta name="citation_public_url" content="{permalink}">' in head
    assert f'<link rel="canonical" href="{permalink}">' in head
    assert '<meta name="citation_author" content="Example Homes (illustrative)">' in head
    assert ("Edition 1" in head) == pinned, url
    # Harvard gives the day read, an edition's too; APA only a live page's.
    assert f"(Accessed: {today.day} {today:%B %Y})" in html, url
    assert (f"Retrieved {today:%B} {today.day}, {today.year}, from" in html) != pinned, url


@pytest.mark.parametrize("page", ["/links/{link}/", f"/editions/1{STANDARDS}/INT.4/", "/"])
@pytest.mark.parametrize(
    ("format_", "media_type", "extension"),
    [
        ("apa", "text/plain", "txt"),
        ("harvard", "text/plain", "txt"),
        ("bibtex", "application/x-bibtex", "bib"),
        ("ris", "application/x-research-info-systems", "ris"),
        ("csl-json", "application/vnd.citationstyles.csl+json", "json"),
    ],
)
def test_each_format_has_a_plain_address_and_a_download(link, client, format_, media_type,
                                                        extension, page):  # fmt: skip
    url = page.format(link=link.pk)
    response = client.get(url, {"format": format_})
    assert response.status_code == 200
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline;")
    download = client.get(url, {"format": format_, "download": "1"})
    assert download["Content-Disposition"].startswith("attachment;")
    named = f"-{format_}.{extension}" if extension == "txt" else f".{extension}"
    assert download["Content-Disposition"].endswith(f'{named}"')  # APA and Harvard apart
    assert download.content == response.content


def test_an_unknown_format_is_a_400_naming_it(link, client):
    response = client.get(f"/links/{link.pk}/", {"format": "mla"})
    assert response.status_code == 400
    assert "“mla” is not a citation format" in response.content.decode()


class TestWording:
    def test_a_checked_standard_says_when(self, demo, client):
        html = client.get(f"{STANDARDS}/INT.1/").content.decode()
        assert "Checked against the publisher&#x27;s wording</strong> on 22 November 2026" in html
        assert "Paraphrase, not checked" not in html

    def test_an_unchecked_standard_says_so_and_so_does_its_citation(self, demo, link, client):
        html = client.get(f"{STANDARDS}/ADV.1/").content.decode()
        assert "Paraphrase, not checked against the source</strong>" in html
        assert "ADV.1: Paraphrase, not checked against the source: cite the publisher" in html
        adv = demo.links.filter(target__code="ADV.1").first()
        assert "cite the publisher" in client.get(f"/links/{adv.pk}/").content.decode()
        assert "cite the publisher" not in client.get(f"/links/{link.pk}/").content.decode()
        assert "Paraphrase" not in client.get(f"{BEHAVIOURS}/B1/").content.decode()

    def test_the_frameworks_description_says_what_was_checked(self, demo):
        description = demo.target_framework.description
        assert "Checked against CIH's published page on 22 November 2026" in description
        assert "Not checked" in description and "Code of Conduct" in description

    def test_an_editor_records_a_check_with_its_date(self, demo, as_role):
        element = demo.target_framework.elements.get(code="ADV.1")
        url = f"/elements/{element.pk}/edit/"
        data = {"title": element.title, "description": "", "revision": element.revision,
                "source_check": "checked", "checked_on": "", "level_label": "Standard"}  # fmt: skip
        refused = as_role("editor").post(url, data)
        assert refused.status_code == 400
        assert "Say when the wording was checked." in refused.content.decode()
        as_role("editor").post(url, data | {"checked_on": "2026-11-29"})
        element.refresh_from_db()
        assert (element.source_check, str(element.checked_on)) == ("checked", "2026-11-29")
        change = Change.objects.for_object(element).get()
        assert change.before["source_check"] == "unchecked"
        assert change.after["checked_on"] == "2026-11-29"


class TestStanding:
    def test_a_live_page_that_reads_as_published_links_to_the_pinned_version(self, link, client):
        html = client.get(f"/links/{link.pk}/").content.decode()
        pinned = f"/m/example-homes-cih/editions/1/links/{link.pk}/"
        # The link says where it leads: not a bare "edition 1" beside the banner's.
        assert f'This reads as <a href="{pinned}">edition 1 published it</a>' in html

    def test_a_changed_link_says_since_when_on_both_pages(self, link, client, people):
        link.edit(by=people["publisher"], revision=link.revision, rationale="Reworded later.")
        today = timezone.localdate()
        changed = f"Changed on {today.day} {today:%B %Y}, since edition 1: its rationale."
        live = client.get(f"/links/{link.pk}/").content.decode()
        assert changed in live and "Read it as edition 1 published it" in live
        pinned = client.get(f"/editions/1/links/{link.pk}/").content.decode()
        assert changed in pinned and "Read the current version" in pinned
        # And where to read every change since.
        since = '/changes/?register=example-homes-cih&amp;after=1">every change since edition 1'
        assert since in live and since in pinned
        # …and the pinned page still shows what was cited.
        assert "Reworded later." not in pinned

    def test_a_link_whose_standard_was_retitled_does_not_read_as_published(
        self, link, client, people
    ):
        """Its citation gives both ends' titles: a new title is a change to what is cited."""
        Change.objects.apply(link.target, {"title": "Be open, honest and accountable"},
                             by=people["publisher"], revision=link.target.revision)  # fmt: skip
        today = timezone.localdate()
        changed = f"Changed on {today.day} {today:%B %Y}, since edition 1: its standard's title."
        live = html.unescape(client.get(f"/links/{link.pk}/").content.decode())
        assert changed in live and "This reads as" not in live
        pinned = html.unescape(client.get(f"/editions/1/links/{link.pk}/").content.decode())
        assert changed in pinned and "The live register still says this" not in pinned

    @pytest.mark.parametrize("page", ["/links/{link}/", "/editions/1/links/{link}/"])
    def test_a_retired_link_says_why(self, link, client, people, page):
        link.retire(by=people["editor"], reason="Folded into B2")
        html = client.get(page.format(link=link.pk)).content.decode()
        assert "because: Folded into B2." in html
        assert "This link was retired:" not in html  # said once, where it stands

    def test_a_link_the_latest_edition_left_out_points_to_the_last_that_has_it(
        self, link, client, people
    ):
        # An editor's edit sends it back to proposed; edition 2 is published without it.
        link.edit(by=people["editor"], revision=link.revision, rationale="Reworded, unapproved.")
        Edition.objects.publish(link.mapping, by=people["publisher"], title="Second")
        html = client.get(f"/links/{link.pk}/").content.decode()
        assert "not in any edition" not in html
        assert "Not in edition 2:</strong> it was changed and not approved again" in html
        pinned = f"/m/example-homes-cih/editions/1/links/{link.pk}/"
        assert f'<a href="{pinned}">Read it as edition 1 published it</a>' in html
        assert f'cite <a href="{pinned}">this page in edition 1</a> (it may read' in html
        assert client.get(pinned).status_code == 200

    def test_a_new_link_is_not_in_any_edition_yet(self, demo, client, people):
        new = Link.objects.create_draft(
            demo, source=demo.source_framework.elements.get(code="B1"),
            target=demo.target_framework.elements.get(code="LEA.5"),
            by=people["editor"], relation="supports", rationale="New.",
        )  # fmt: skip
        html = client.get(f"/links/{new.pk}/").content.decode()
        assert "New since edition 1:" in html
        # Nothing to cite instead: the panel does not send students to an edition that
        # lacks the link.
        assert "It is not in any edition yet, so there is no edition to cite instead" in html
        assert "For coursework, cite" not in html
        assert client.get(f"/editions/1/links/{new.pk}/").status_code == 404

    def test_elements_say_so_too(self, demo, client, people):
        b3 = demo.source_framework.elements.get(code="B3")
        Change.objects.apply(b3, {"title": "Respect everyone, always"}, by=people["editor"])
        assert "since edition 1: its title." in client.get(f"{BEHAVIOURS}/B3/").content.decode()
        pinned = client.get(f"/editions/1{BEHAVIOURS}/B3/").content.decode()
        assert "Read the current version" in pinned and "Respect everyone, always" not in pinned
        retire_element(b3, by=people["editor"], reason="Merged")
        assert "because: Merged." in client.get(f"/editions/1{BEHAVIOURS}/B3/").content.decode()

    def test_an_element_whose_links_changed_does_not_read_as_published(self, link, client, people):
        """Its page shows its links: one reworded since the edition changes the page."""
        pages = [f"{STANDARDS}/INT.4/", f"{BEHAVIOURS}/B2.1/"]
        for page in pages:
            assert "This reads as" in client.get(page).content.decode(), page
        link.edit(by=people["publisher"], revision=link.revision, relation="supports")
        today = timezone.localdate()
        for page in pages:
            html = client.get(page).content.decode()
            assert "This reads as" not in html, page
            said = f"Changed on {today.day} {today:%B %Y}, since edition 1: the links shown on it."
            assert said in html, page
        other = client.get(f"{STANDARDS}/INT.1/").content.decode()
        assert "This reads as" in other  # its links are as published
        # What sits above INT.4 shows its links too; and the pinned pages say the live
        # register has changed.
        assert "This reads as" not in client.get(f"{STANDARDS}/INT/").content.decode()
        pinned = client.get(f"/editions/1{STANDARDS}/INT/").content.decode()
        assert "The live register still says this." not in pinned
        assert f"Changed on {today.day} {today:%B %Y}, since edition 1: the links shown on it." \
            in pinned  # fmt: skip

    def test_a_deleted_link_leaves_its_pinned_page(self, link, client):
        Link.objects.filter(pk=link.pk).delete()
        html = client.get(f"/editions/1/links/{link.pk}/").content.decode()
        assert "Since removed from the live register." in html and link.rationale in html


class TestShortReferences:
    @pytest.mark.parametrize(
        "url", ["/links/?source=B2", f"{BEHAVIOURS}/B2.1/", f"{STANDARDS}/INT.4/"]
    )
    def test_rows_lead_to_the_links_page(self, link, client, url):
        ref = f'<a class="ref" href="/links/{link.pk}/">B2.1 → INT.4</a>'
        assert ref in client.get(url).content.decode(), url

    def test_pinned_rows_lead_to_the_pinned_links_page(self, link, client):
        pinned = f'<a class="ref" href="/editions/1/links/{link.pk}/">B2.1 → INT.4</a>'
        assert pinned in client.get("/editions/1/links/?source=B2").content.decode()

    def test_matrix_cells_and_the_map_give_them_too(self, link, client):
        html = client.get("/matrix/?expand=B2,INT&cell=B2.1:INT.4").content.decode()
        assert f'<a class="ref" href="/links/{link.pk}/">B2.1 → INT.4</a>' in html
        edges = {e["id"]: e for e in client.get("/map.json").json()["edges"]}
        edge = edges[f"link:{link.pk}"]
        assert edge["reference"] == "B2.1 → INT.4"
        assert edge["url"] == f"http://testserver/links/{link.pk}/"
        pinned = {e["id"]: e for e in client.get("/editions/1/map.json").json()["edges"]}
        assert pinned[f"link:{link.pk}"]["url"].endswith(f"/editions/1/links/{link.pk}/")


class TestTheDemo:
    def test_it_ships_an_edition_once(self, demo):
        from django.core.management import call_command

        assert demo.editions.count() == 1
        call_command(
            "seed_demo", password="demo-password-for-tests", stdout=__import__("io").StringIO()
        )
        assert demo.editions.count() == 1

    def test_eth4_and_eth5_are_not_part_of_it(self, demo):
        codes = set(demo.target_framework.elements.values_list("code", flat=True))
        assert not codes & {"ETH.4", "ETH.5"}
        assert not Link.objects.filter(target__code__in=["ETH.4", "ETH.5"]).exists()

    def test_an_older_install_keeps_them_marked_not_published(self, demo, client):
        """Seeded before they were withdrawn: they and their links stay, marked."""
        ethical = demo.target_framework.elements.get(code="ETH")
        eth4 = Element.objects.create(
            framework=demo.target_framework, parent=ethical, code="ETH.4", position=4,
            title="Work within the codes of conduct", level_label="Standard statement",
        )  # fmt: skip
        old = Link.objects.create(
            mapping=demo, source=demo.source_framework.elements.get(code="B2"),
            target=eth4, relation="supports", rationale="Within the law.",
            status=LinkStatus.APPROVED,
        )  # fmt: skip
        call_command("seed_demo", password="demo-password-for-tests", stdout=io.StringIO())
        eth4.refresh_from_db()
        assert eth4.source_check == SourceCheck.NOT_PUBLISHED and not eth4.retired
        assert Link.objects.get(pk=old.pk).status == LinkStatus.APPROVED
        assert "Code of Conduct" in Change.objects.for_object(eth4).get().reason
        html = client.get(f"{STANDARDS}/ETH.4/").content.decode()
        assert "Not part of the published standards" in html
        assert "Do not cite it as a standard." in html
        call_command("seed_demo", password="demo-password-for-tests", stdout=io.StringIO())
        assert Change.objects.for_object(eth4).count() == 1  # nothing more the second time


def test_the_editions_guide_is_cited_as_the_edition(demo, client):
    html = client.get("/editions/1/").content.decode()
    assert re.search(r"This cites edition 1, published \d+ \w+ \d{4}", html)
    assert "Edition 1, pinned" in html
    assert demo.editions.count() == 1


def test_a_link_not_yet_approved_says_so_where_it_is_cited(demo, client, link):
    """Drafts and proposals show on live pages; their citation says what it cites."""
    said = "This link is proposed, not yet approved: what it says may change"
    assert said not in client.get(f"/links/{link.pk}/").content.decode()
    from django.contrib.auth.models import User

    editor = User.objects.get(username="editor")  # an editor's edit goes back for approval
    link.edit(by=editor, revision=link.revision, rationale="Reworded by an editor.")
    assert link.status == LinkStatus.PROPOSED
    page = client.get(f"/links/{link.pk}/").content.decode()
    assert f'<p class="notice caution">{said}' in page
    assert said not in client.get(f"/editions/1/links/{link.pk}/").content.decode()


def test_a_standards_page_says_how_to_cite_the_standards_themselves(demo, client):
    """The footer asks readers to quote CIH's published standards, not the summary: the
    standard's page gives that citation ready to copy, dated today, live or in an edition."""
    today = timezone.localdate()
    for prefix in ("", "/editions/1"):
        page = client.get(f"{prefix}/elements/cih-professional-standards-2021/INT/")
        text = page.content.decode()
        assert (
            '<p class="citation" id="cite-publisher">Chartered Institute of Housing (2021) '
            "<i>CIH Professional Standards</i>. Available at: https://www.cih.org/psf "
            f"(Accessed: {today.day} {today:%B %Y}).</p>"
        ) in text, prefix
        assert (
            '<p class="citation" id="cite-publisher-apa">Chartered Institute of Housing. (2021). '
            "<i>CIH Professional Standards</i>. https://www.cih.org/psf</p>"
        ) in text, prefix
    behaviour = client.get("/elements/example-homes-behaviours/B1/").content.decode()
    assert 'id="cite-publisher"' not in behaviour  # the organisation's own: the register is it
