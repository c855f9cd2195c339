"""Any mapping has the register's pages, under /m/<slug>/, live and at its editions."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from mapping.models import Edition, Link, LinkStatus, Mapping
from standards.models import Element, Framework


@pytest.fixture
def other(small, people):
    """A second, non-default mapping from the same behaviours onto another framework."""
    standards = Framework.objects.create(
        name="Other standards", slug="other-standards", kind="standards", publisher="Body"
    )
    o1 = Element.objects.create(framework=standards, code="O1", title="Openness", level_label="Top")
    mapping = Mapping.objects.create(
        name="Our ways to other standards", slug="other", organisation="Org",
        source_framework=small["behaviours"], target_framework=standards,
    )  # fmt: skip
    link = Link.objects.create(
        mapping=mapping, source=small["b2"], target=o1, relation="supports",
        rationale="Bravery needs openness.", status=LinkStatus.APPROVED,
    )  # fmt: skip
    return {"mapping": mapping, "link": link, "o1": o1}


def test_the_list_shows_every_register_the_default_first(other, client):
    html = client.get("/m/").content.decode()
    assert html.index("Our ways to the standards") < html.index("Our ways to other standards")
    assert 'href="/m/other/"' in html and 'href="/"' in html


def test_the_list_says_where_its_figures_count_links_not_yet_approved(other, small, people,
                                                                     client):  # fmt: skip
    """A register's headline percentage counts its drafts and proposals, as its coverage
    page does; the list says so beside it, and leads to the count of approved links alone."""
    small["mapping"].links.update(status=LinkStatus.DRAFT)
    Link.objects.filter(pk=small["b1_s2"].pk).update(status=LinkStatus.PROPOSED)
    Edition.objects.publish(small["mapping"], by=people["publisher"], title="One")
    call_command("announce_changes", stdout=io.StringIO())
    html = " ".join(client.get("/m/").content.decode().split())
    assert (
        "Counting 3 links not yet approved (drafts and proposals): "
        '<a href="/coverage/?count=approved">approved links alone'
    ) in html
    assert html.count("Counting") == 1  # the other register's one link is approved


def test_a_mappings_pages_show_its_own_links_only(other, small, client):
    table = client.get("/m/other/links/").content.decode()
    assert re.findall(r'id="link-(\d+)"', table) == [str(other["link"].pk)]
    assert "Bravery needs openness." in table
    assert 'href="/m/other/elements/other-standards/O1/"' in table
    guide = client.get("/m/other/").content.decode()
    assert "<h1>Our ways to other standards</h1>" in guide
    assert "Bravery needs openness."[:20] in guide
    page = client.get("/m/other/elements/our-ways/B2/").content.decode()
    assert "Bravery needs openness." in page
    assert "Bravery includes challenging unfairness." not in page  # the default mapping's


def test_a_link_is_found_only_in_its_own_register(other, small, client):
    assert client.get(f"/m/other/links/{other['link'].pk}/").status_code == 200
    # At the top of the site (the default register's), a link's id leads to its own
    # register; an address naming a register finds only that register's links.
    moved = client.get(f"/links/{other['link'].pk}/")
    assert (moved.status_code, moved["Location"]) == (302, f"/m/other/links/{other['link'].pk}/")
    assert client.get(f"/m/other/links/{small['b11_s11'].pk}/").status_code == 404
    assert client.get("/m/other/elements/the-standards/S1/").status_code == 404


def test_navigation_stays_in_the_mapping(other, client):
    html = client.get("/m/other/coverage/").content.decode()
    for page in ("links/", "matrix/", "map/", "coverage/", "editions/"):
        assert f'href="/m/other/{page}"' in html, page
    assert 'data-source="/m/other/map.json"' in client.get("/m/other/map/").content.decode()


def test_its_editions_live_under_its_prefix(other, people, client, as_role):
    response = as_role("publisher").post("/m/other/editions/publish/", {"title": "First"})
    assert response["Location"] == "/m/other/editions/1/"
    assert Edition.objects.get(mapping=other["mapping"]).number == 1
    html = client.get("/m/other/editions/1/links/").content.decode()
    assert "Bravery needs openness." in html
    assert 'href="/m/other/editions/1/elements/other-standards/O1/"' in html
    assert client.get("/m/other/editions/").status_code == 200
    assert client.get("/editions/1/").status_code == 404  # the default mapping has none


def test_a_link_can_be_added_to_any_mapping(other, small, as_role):
    response = as_role("editor").post(
        "/m/other/links/new/",
        {"source": "B1", "target": "O1", "relation": "supports", "rationale": "Kind."},
    )
    created = Link.objects.get(mapping=other["mapping"], source=small["b1"])
    assert response["Location"] == f"/m/other/links/{created.pk}/"
    refused = as_role("editor").post(
        "/m/other/links/new/",
        {"source": "B1", "target": "S1", "relation": "supports", "rationale": "Wrong."},
    )
    assert refused.status_code == 400
    assert "“S1” is not a standard in this register" in refused.content.decode()


def test_an_unknown_mapping_is_not_found(other, client):
    for url in ("/m/nope/", "/m/nope/links/", "/m/nope/editions/", "/m/nope/editions/1/"):
        assert client.get(url).status_code == 404, url


def test_a_citation_outlives_another_register_becoming_the_default(other, small, people,
                                                                   client):  # fmt: skip
    """Both registers have an edition 1: once the other is the default, the top of the site
    is its. A citation names its register, so it still leads to what was cited; an
    address at the top of the site handed out before still leads to a link, whose id
    says which register it is in."""
    ours, link = small["mapping"], small["b11_s11"]
    Link.objects.filter(pk=link.pk).update(status=LinkStatus.APPROVED)
    Edition.objects.publish(ours, by=people["publisher"], title="Ours")
    Edition.objects.publish(other["mapping"], by=people["publisher"], title="Theirs")
    apa = client.get(f"/editions/1/links/{link.pk}/?format=apa").content.decode()
    cited = re.search(r"http://testserver(\S+)/$", apa.strip()).group(1) + "/"
    assert cited == f"/m/ours/editions/1/links/{link.pk}/"
    other["mapping"].make_default()
    page = client.get(cited)
    assert page.status_code == 200 and link.rationale in page.content.decode()
    for old, new in [
        (f"/links/{link.pk}/", f"/m/ours/links/{link.pk}/"),
        (f"/editions/1/links/{link.pk}/?format=apa", f"{cited}?format=apa"),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (302, new), old
    assert client.get(f"/links/{other['link'].pk}/").status_code == 200  # the new default's
    assert client.get("/links/999999/").status_code == 404
    # An element of a framework the new default does not map leads to a register that does.
    target = ours.target_framework.slug
    for old, new in [(f"/elements/{target}/S1/", f"/m/ours/elements/{target}/S1/"),
                     (f"/editions/1/elements/{target}/S1/",
                      f"/m/ours/editions/1/elements/{target}/S1/")]:  # fmt: skip
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (302, new), old
    assert client.get("/elements/nowhere/S1/").status_code == 404


def test_the_api_and_the_exports_name_their_register_as_citations_do(other, small, people,
                                                                     client):  # fmt: skip
    """The addresses the API and the downloads give (an edition's answers are cached for a
    year) name their register, so they still lead to it once another is the default."""
    ours, link = small["mapping"], small["b11_s11"]
    Link.objects.filter(pk=link.pk).update(status=LinkStatus.APPROVED)
    Edition.objects.publish(ours, by=people["publisher"], title="Ours")
    api, target = "/api/mappings/ours", ours.target_framework.slug
    given = {
        "link": client.get(f"{api}/links/{link.pk}?edition=1").json()["url"],
        "element": client.get(f"{api}/elements/target/S1").json()["url"],
        "register": client.get(api).json()["url"],
        "edition": client.get(f"{api}/editions").json()[0]["url"],
        "in a link page": client.get(f"{api}/links").json()["items"][0]["url"],
        "CASE": next(item["uri"] for item in json.loads(client.get(
            f"/elements/{target}.case.json").content)["CFItems"]
            if item["humanCodingScheme"] == "S1"),
        "Kumu": next(e["url"] for e in json.loads(client.get("/kumu.json").content)["elements"]
                     if e["label"].startswith("S1 ")),
    }  # fmt: skip
    sssom = client.get("/sssom.tsv").content.decode()
    assert "mapping_set_id: http://testserver/m/ours/sssom.tsv" in sssom.replace('"', "")
    assert 'target: "http://testserver/m/ours/elements/' in sssom
    assert all(url.startswith("http://testserver/m/ours/") for url in given.values()), given
    other["mapping"].make_default()
    for what, url in given.items():
        page = client.get(url.removeprefix("http://testserver"))
        assert page.status_code == 200, what
        assert "Our Behaviours" in page.content.decode() or ours.name in page.content.decode()
    assert link.rationale in client.get(given["link"]).content.decode()


def test_a_register_needs_a_name_of_its_own_and_frameworks_are_told_apart(small, as_role):
    """Two registers of one name were two identical choices wherever a register is chosen
    (a role, the review queue): refused. Frameworks may share a name (two versions), so
    their choices say version, year, kind and address."""
    Framework.objects.filter(slug="the-standards").update(version_label="2021", year=2021)
    page = as_role("admin").get(reverse("mapping_create")).content.decode()
    assert ">The standards, 2021 (standards framework, the-standards)</option>" in page
    response = as_role("admin").post(reverse("mapping_create"), {
        "name": " our WAYS to the standards ", "slug": "again", "organisation": "Us",
        "source_framework": small["behaviours"].pk, "target_framework": small["standards"].pk,
    })  # fmt: skip
    assert response.status_code == 400
    assert response.content.decode().count("Another register has that name") == 1
    # The register's own rule (Mapping.clean), whatever saves it: the admin too.
    other = Mapping.objects.create(name="Another", slug="another", organisation="Us",
                                   source_framework=small["behaviours"],
                                   target_framework=small["standards"])  # fmt: skip
    data = {"name": "OUR WAYS TO THE STANDARDS", "organisation": "Us",
            "licence_url": other.licence_url}  # fmt: skip
    refused = as_role("admin").post(f"/admin/mapping/mapping/{other.pk}/change/", data)
    assert refused.status_code == 200 and "Another register has that name" in (
        refused.content.decode())  # fmt: skip
    assert Mapping.objects.get(pk=other.pk).name == "Another"


def test_an_organisations_values_are_called_values_not_behaviours(small, client):
    """A behaviours framework whose top level is "Value" (a charity's "Our Values"): the
    register's pages call them values, in the guide, the link table's filter, the matrix
    and the coverage page; the standards stay standards."""
    Element.objects.filter(framework=small["behaviours"], parent=None).update(level_label="Value")
    call_command("announce_changes", stdout=io.StringIO())  # an UPDATE, behind the write path
    pages = {url: client.get(url).content.decode() for url in ("/", "/links/", "/matrix/",
                                                                "/coverage/")}  # fmt: skip
    assert "Our values and what they cover" in pages["/"]
    assert "2 of 2 values link to The standards" in _words(pages["/"])
    assert '<label for="id_source">Value</label>' in pages["/links/"]
    assert "Links between values (rows) and standards (columns)" in _words(pages["/matrix/"])
    assert "Values not linked" in _words(pages["/coverage/"])
    for url, html in pages.items():
        assert "behaviour" not in html.lower(), url


def _words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_registers_publishers_edit_its_details_on_the_web(small, people, as_role):
    """Its name, organisation, description, licence and the guide's introduction, for its
    publishers; an editor may not; a published edition keeps what it said; a bad form
    changes nothing."""
    ours = small["mapping"]
    Link.objects.filter(mapping=ours).update(status=LinkStatus.APPROVED)
    Edition.objects.publish(ours, by=people["publisher"], title="First")
    url, link = reverse("mapping_edit"), '<a href="/details/">Edit the register'
    assert link in as_role("publisher").get("/").content.decode()
    assert link not in as_role("editor").get("/").content.decode()
    assert as_role("editor").get(url).status_code == 403
    before = Mapping.objects.filter(pk=ours.pk).values().get()
    refused = as_role("publisher").post(url, {"name": "", "organisation": "Org"})
    assert refused.status_code == 400 and "Give the register a name." in refused.content.decode()
    assert Mapping.objects.filter(pk=ours.pk).values().get() == before
    saved = as_role("publisher").post(url, {
        # A line break sent in a one-line box (a crafted request) is a space: the name and
        # the organisation are email subjects' words too.
        "name": "Our ways,\r\nrenamed", "organisation": "Org\nLtd", "description": "Why we map.",
        "licence_url": "https://creativecommons.org/licenses/by-sa/4.0/",
        "guide_intro": "## Start here\n\nRead *this* first.",
    })  # fmt: skip
    assert (saved.status_code, saved["Location"]) == (302, "/")
    ours.refresh_from_db()
    assert (ours.name, ours.slug, ours.organisation) == ("Our ways, renamed", "ours", "Org Ltd")
    guide = as_role("viewer").get("/").content.decode()
    assert "<h2>Start here</h2>" in guide and "<em>this</em>" in guide
    assert "Our ways, renamed" in guide
    assert "Our ways, renamed" not in as_role("viewer").get("/editions/1/").content.decode()
    # Its own details are no change in the history, but the banner and the publish form
    # say they differ from the edition's, and a new edition would carry them.
    assert "The register's own details" in guide and "No changes since" not in guide
    publish = as_role("publisher").get(reverse("edition_publish")).content.decode()
    assert "Nothing has changed since edition 1" not in publish
