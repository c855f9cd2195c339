"""Editions' pages: every register page frozen under /editions/<n>/, the list of editions,
publishing one and comparing two."""

import html
import re
import subprocess

import pytest
from django.core.cache import cache
from django.urls import reverse

from mapping.forms.editing import EditionForm
from mapping.models import Change, Edition, Link, LinkStatus, Mapping, Relation
from mapping.models.retiring import retire_element
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

MAIN = re.compile(r"<main.*</main>", re.S)
BEHAVIOURS = "elements/example-homes-behaviours"
STANDARDS = "elements/cih-professional-standards-2021"


# Every page of an edition, under its /editions/<n>/ ({link}: a link's id).
EDITION_PAGES = [
    "", "links/", "links/?source=B2&sort=-relation", "links/?q=listen&page=1", "links/{link}/",
    "matrix/", "matrix/?expand=B1,INT&cell=B1.1:INT", "map/", "map.json", "coverage/",
    "coverage.csv", f"{BEHAVIOURS}/B1/", f"{BEHAVIOURS}/B2.1/", f"{BEHAVIOURS}/B3/",
    f"{STANDARDS}/INT/", f"{STANDARDS}/INT.1/",
]  # fmt: skip


STANDING = re.compile(r'<p class="notice standing".*?</p>', re.S)


def frozen_part(response) -> str:
    """What an edition page shows: its <main>, or the whole body of a download. The note
    of how the live register has moved on since is left out: it is meant to change."""
    text = response.content.decode()
    # "Add to my list" comes back to the address it was chosen at, whichever it was.
    text = re.sub(r'<input type="hidden" name="next" value="[^"]*">', "", text)
    found = MAIN.search(text)
    return STANDING.sub("", found.group()) if found else text


def _edit_everything(mapping, people, draft):
    """Edit a link, an element, a framework and the guide; retire one link and delete
    another; retire a behaviour with its descriptors; delete a descriptor; approve a draft."""
    link = mapping.links.get(source__code="B1.1", target__code="INC.3")
    link.edit(by=people["publisher"], revision=link.revision, rationale="Rewritten later.")
    b1 = mapping.source_framework.elements.get(code="B1")
    Change.objects.apply(b1, {"title": "Renamed later"}, by=people["editor"], revision=1)
    Change.objects.apply(mapping.target_framework, {"name": "Renamed"}, by=people["editor"])
    mapping.guide_intro = "A new introduction."
    mapping.save()
    mapping.links.exclude(pk=link.pk).filter(source__code="B2.1").first().retire(
        by=people["editor"], reason="Later."
    )
    mapping.links.filter(source__code="B2").delete()
    draft.approve(by=people["publisher"])
    b3 = mapping.source_framework.elements.get(code="B3")
    retire_element(b3, by=people["editor"], reason="Merged.")
    doomed = mapping.source_framework.elements.filter(parent__code="B10").order_by("-position")
    doomed = doomed.first()
    Link.objects.filter(source=doomed).delete()
    doomed.delete()


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_every_edition_page_is_unchanged_by_later_edits_and_deletions(
    published, client, people, page
):
    """Byte for byte, apart from the navigation outside <main>."""
    link = published["mapping"].links.get(source__code="B1.1", target__code="INC.3")
    url = f"/editions/2/{page.format(link=link.pk)}"
    response = client.get(url)
    assert response.status_code == 200, url
    before = frozen_part(response)
    _edit_everything(published["mapping"], people, published["draft"])
    assert frozen_part(client.get(url)) == before, url
    # …while the live pages do show the changes.
    assert "Renamed later" in client.get(f"/{BEHAVIOURS}/B1/").content.decode()


def test_edition_pages_link_within_the_edition(published, client):
    html = client.get("/editions/2/").content.decode()
    assert f'href="/editions/2/{BEHAVIOURS}/B1/"' in html
    assert 'href="/editions/2/links/"' in html
    assert f'href="/{BEHAVIOURS}/B1/"' not in MAIN.search(html).group()
    for page in ("links/", "matrix/", "map/", "coverage/"):
        assert f'href="/editions/2/{page}"' in html, page
    table = client.get("/editions/2/links/").content.decode()
    assert f'href="/editions/2/{STANDARDS}/' in table
    assert "/edit/" not in table  # an edition offers nothing to edit
    data = client.get("/editions/2/map.json").json()
    assert all("/editions/2/" in node["url"] for node in data["nodes"])


def test_a_banner_names_the_edition_and_leads_to_the_same_live_page(published, client):
    html = client.get("/editions/2/links/?source=B2").content.decode()
    assert "Edition 2: Launch" in html and "it never changes" in html
    assert 'href="/links/?source=B2">Read this page in the live register' in html
    assert 'href="/editions/2/guide.pdf"' in html


def test_the_edition_link_table_offers_no_status_filter(published, client, as_role):
    html = as_role("publisher").get("/editions/2/links/").content.decode()
    assert 'name="status"' not in html
    assert 'name="status"' in as_role("publisher").get("/links/").content.decode()


def test_edition_addresses_validate_like_the_live_ones(published, client):
    assert client.get("/editions/2/links/?relation=loves").status_code == 400
    assert client.get("/editions/2/matrix/?expand=NOPE").status_code == 400
    assert client.get(f"/editions/2/{BEHAVIOURS}/NOPE/").status_code == 404
    assert client.get("/editions/2/links/999999/").status_code == 404
    assert client.get("/editions/9/").status_code == 404
    assert client.get("/editions/9/links/").status_code == 404


def test_a_link_page_exists_in_the_edition_and_lives_on_after_retiring(published, client, people):
    link = published["mapping"].links.get(source__code="B1.1", target__code="INC.3")
    url = f"/editions/2/links/{link.pk}/"
    page = client.get(url).content.decode()
    assert link.rationale in page and "as published in edition 2" in page
    link.retire(by=people["editor"], reason="Gone")
    assert link.rationale in client.get(url).content.decode()
    # A draft that never went into the edition has no page there.
    assert client.get(f"/editions/2/links/{published['draft'].pk}/").status_code == 404


@pytest.mark.parametrize("query", [
    "", "?source=B2", "?target=INT&sort=-target", "?q=listen", "?sort=relation",
    "?sort=-updated", "?behaviour=B2&sort=-standard",
])  # fmt: skip
def test_the_edition_link_table_filters_and_sorts_like_the_live_one(published, client, query):
    approved = f"/links/?status=approved&{query.lstrip('?')}"
    live = re.findall(r'id="link-(\d+)"', client.get(approved).content.decode())
    frozen = re.findall(
        r'id="link-(\d+)"', client.get(f"/editions/2/links/{query}").content.decode()
    )
    assert frozen == live, query


def test_the_edition_pdf_is_unchanged_by_later_edits(published, client, people, tmp_path):
    def text() -> str:
        cache.clear()
        response = client.get("/editions/2/guide.pdf")
        assert response.status_code == 200
        assert 'filename="example-homes-cih-edition-2.pdf"' in response["Content-Disposition"]
        (tmp_path / "e.pdf").write_bytes(response.content)
        return subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / "e.pdf"), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip

    first = text()
    assert "2 (Launch), published" in first  # the cover's edition
    mapping = published["mapping"]
    b1 = mapping.source_framework.elements.get(code="B1")
    Change.objects.apply(b1, {"title": "Renamed later"}, by=people["editor"])
    mapping.links.filter(source__code="B3").delete()
    assert text() == first


def test_live_pages_say_when_there_are_changes_since_the_latest_edition(published, client, people):
    html = client.get("/").content.decode()
    assert "No changes since" in html and "edition 2" in html
    link = published["mapping"].links.approved().first()
    link.edit(by=people["publisher"], revision=link.revision, rationale="Newer words.")
    html = client.get("/links/").content.decode()
    assert "1 change since" in html
    assert 'href="/changes/?register=example-homes-cih&amp;after=2">see what changed' in html
    # …and that page lists exactly that change, though more were made the same day.
    changes = client.get("/changes/?register=example-homes-cih&after=2").content.decode()
    assert "Showing 1 of 1 change," in changes and "Newer words." in changes


def test_an_older_edition_says_a_newer_one_exists(published, client, people):
    assert "A newer edition" not in client.get("/editions/2/").content.decode()
    assert "A newer edition, 2, has been published:" in client.get("/editions/1/").content.decode()
    Edition.objects.publish(published["mapping"], by=people["publisher"], title="Three")
    older = client.get("/editions/2/").content.decode()
    assert "A newer edition, 3, has been published:" in older
    # It leads to the same page in the newest edition, and to what changed between them.
    link = published["mapping"].links.approved().order_by("pk").first()
    page = client.get(f"/editions/1/links/{link.pk}/?style=table").content.decode()
    assert f'<a href="/editions/3/links/{link.pk}/?style=table">this page in edition 3</a>' in page
    compare = "/editions/compare/?old=1&new=3"
    assert f'<a href="{compare.replace("&", "&amp;")}">what changed between them</a>' in page
    assert "From <a" in client.get(compare).content.decode()  # the two compared
    assert client.get(f"/editions/3/links/{link.pk}/").status_code == 200
    html = client.get("/editions/3/").content.decode()
    assert "A newer edition" not in html
    name = published["mapping"].name
    assert f"<title>QuickStart guide · {name} · Edition 3 · Weave</title>" in html


def test_without_editions_live_pages_say_so(demo, client):
    Mapping.objects.create(name="Fresh", slug="fresh", organisation="Example Homes",
                           source_framework=demo.source_framework,
                           target_framework=demo.target_framework)  # fmt: skip
    assert "No edition has been published yet" in client.get("/m/fresh/").content.decode()
    assert "No edition has been published yet" not in client.get("/").content.decode()


def test_the_demo_ships_with_an_edition_to_cite(demo, client):
    html = client.get("/editions/1/").content.decode()
    assert "Edition 1: First edition" in html


class TestTheList:
    def test_it_lists_them(self, published, client):
        html = client.get("/editions/").content.decode()
        assert "Edition 2: Launch" in html and "First." in html
        # Each edition's printable PDF is one click away.
        assert '<a href="/editions/2/guide.pdf" download>PDF' in html

    def test_each_offers_a_comparison_that_is_not_with_itself(self, published, client, people):
        for title in ("Three", "Four"):
            Edition.objects.publish(published["mapping"], by=people["publisher"], title=title)
        html = client.get("/editions/").content.decode()
        compares = re.findall(r"/editions/compare/\?old=(\d+)&amp;new=(\d+)", html)
        # the newest against the one before it; each older one against the newest
        assert compares == [("3", "4"), ("3", "4"), ("2", "4"), ("1", "4")]
        assert all(old != new for old, new in compares)
        assert "What changed since edition 3" in html

    def test_a_single_edition_offers_no_comparison(self, demo, client):
        assert "/editions/compare/?" not in client.get("/editions/").content.decode()


def test_publishing_through_the_page(demo, as_role):
    client = as_role("publisher")
    page = client.get(reverse("edition_publish")).content.decode()
    assert "86 approved links" in page and "It becomes edition 2" in page
    assert client.post(reverse("edition_publish"), {"title": " "}).status_code == 400
    # Its number is given with its title: typed into the title too, it is not said twice.
    number_only = client.post(reverse("edition_publish"), {"title": "Edition 2"})
    assert number_only.status_code == 400
    assert "Give edition 2 a title besides its number" in number_only.content.decode()
    assert demo.editions.count() == 1  # the demo's own
    response = client.post(reverse("edition_publish"), {"title": "Edition 2: Spring",
                                                        "notes": "Hi"})  # fmt: skip
    assert response.status_code == 302
    assert demo.editions.get(number=2).title == "Spring"
    # Another number after "Edition" is the publisher's own words, kept as typed.
    for typed in ("Edition 2027 review", "Edition 2027", "Edition 2: Spring"):
        form = EditionForm({"title": typed}, number=3)
        assert form.is_valid() and form.cleaned_data["title"] == typed, typed
    assert response["Location"] == "/editions/2/"
    # The edition's own page carries the notes written for its readers.
    edition_page = client.get("/editions/2/").content.decode()
    notes = re.search(r'<section class="notice edition-notes".*?</section>', edition_page, re.S)[0]
    assert "Notes on edition 2</h2><p>Hi</p>" in notes
    assert "It becomes edition 3" in client.get(reverse("edition_publish")).content.decode()


def test_the_same_edition_sent_twice_is_published_once(demo, as_role, people):
    """A second press, or the same form sent twice at once: one edition, and the second
    says it is already there; after a change, or under a new title, it publishes."""
    client = as_role("publisher")
    form = {"title": "Spring", "notes": "Hi"}
    assert client.post(reverse("edition_publish"), form).status_code == 302
    again = client.post(reverse("edition_publish"), form)
    assert again.status_code == 400
    said = " ".join(again.content.decode().split())
    assert "Edition 2, “Spring”, was published" in said and "it is already there" in said
    assert sorted(demo.editions.values_list("number", flat=True)) == [1, 2]
    # Other notes alone make no new edition either: an edition never changes, and one
    # the same as the last under the same title would be a copy of it.
    other_notes = client.post(reverse("edition_publish"), form | {"notes": "Hello again"})
    assert other_notes.status_code == 400
    said = " ".join(other_notes.content.decode().split())
    assert "was published" in said and "under this title, and nothing has changed" in said
    assert "New notes alone do not make a new edition." in said
    assert sorted(demo.editions.values_list("number", flat=True)) == [1, 2]
    link = demo.links.approved().first()
    link.edit(by=people["publisher"], revision=link.revision, rationale="Reworded.")
    assert client.post(reverse("edition_publish"), form)["Location"] == "/editions/3/"
    reissued = client.post(reverse("edition_publish"), {"title": "Spring, reissued"})
    assert reissued["Location"] == "/editions/4/"


def test_publishing_warns_of_published_links_it_will_leave_out(demo, as_role, people):
    link = demo.links.get(source__code="B4.2", target__code="INC.4")
    link.edit(by=people["editor"], revision=link.revision, rationale="Reworded, unapproved.")
    page = as_role("publisher").get(reverse("edition_publish")).content.decode()
    warning = re.search(r'<div class="notice caution" id="left-out">.*?</div>', page, re.S)[0]
    assert "1 link that edition 1 published has changed and is not approved again" in warning
    assert "edition 2 will leave it out" in warning
    assert f'<a href="/links/{link.pk}/">B4.2 → INC.4</a> (proposed)' in warning
    assert "Not included: 1 proposed link awaiting approval" in page
    assert "0 proposed" not in page
    # Approved again, it is no longer left out.
    link.refresh_from_db()
    link.approve(by=people["publisher"])
    assert (
        'id="left-out"' not in as_role("publisher").get(reverse("edition_publish")).content.decode()
    )


def test_comparing_two_editions_side_by_side(published, client, people):
    mapping = published["mapping"]
    link = mapping.links.get(source__code="B1.1", target__code="INC.3")
    link.edit(by=people["publisher"], revision=link.revision, rationale="Rewritten later.",
              relation=Relation.SUPPORTS, example="A new example.")  # fmt: skip
    published["draft"].approve(by=people["publisher"])
    b1 = mapping.source_framework.elements.get(code="B1")
    Change.objects.apply(b1, {"title": "Renamed later"}, by=people["editor"])
    Edition.objects.publish(mapping, by=people["publisher"], title="Three")
    html = client.get("/editions/compare/?old=2&new=3").content.decode()
    assert "1 added, 0 not in edition 3, 1 changed" in html
    assert "<ins>Rewritten later.</ins>" in html
    assert "<ins>Renamed later</ins>" in html
    # Relations and fields in words, as on every other page, never their codes.
    draft = published["draft"]
    assert f"<ins>{draft.get_relation_display()}: {draft.rationale}</ins>" in html
    assert "<ins>Supports</ins>" in html
    assert "Changed: relation, rationale, practice example" in html
    assert "_" not in "".join(re.findall(r"<(?:ins|del)>([^<:]*)", html))
    assert client.get("/editions/compare/").status_code == 200  # defaults to the latest two
    missing = client.get("/editions/compare/?old=x")
    assert missing.status_code == 400
    assert "There is no edition x." in (page := missing.content.decode())
    assert "Choose the edition to compare to." in page
    assert client.get("/editions/compare/?old=2&new=2").status_code == 400
    assert client.get("/editions/compare/?old=2&new=7").status_code == 400
    assert published["draft"].status == LinkStatus.APPROVED


@pytest.mark.parametrize("page", EDITION_PAGES[:6])
def test_the_edition_pages_of_a_mapping_by_its_slug_are_the_same(published, client, page):
    link = published["mapping"].links.approved().first()
    url = f"/editions/2/{page.format(link=link.pk)}"
    mine = frozen_part(client.get(f"/m/example-homes-cih{url}"))
    assert mine == frozen_part(client.get(url)), url


def test_a_link_not_in_an_edition_says_where_to_read_it(published, client, people):
    """The older edition's banner leads to "this page in edition 3"; a link that edition
    left out (changed and not approved again) says so and where it can be read."""
    link = published["mapping"].links.approved().order_by("pk").first()
    link.edit(by=people["editor"], revision=link.revision, rationale="Not approved yet.")
    Edition.objects.publish(published["mapping"], by=people["publisher"], title="Three")
    response = client.get(f"/editions/3/links/{link.pk}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert f"{link.history_label} is not in edition 3: it was added after it, changed and " \
        "not approved again before it, or retired." in html.unescape(page)  # fmt: skip
    assert "<h1>Not in this edition</h1>" in page
    assert f'<a href="/editions/2/links/{link.pk}/">As edition 2 published it</a>' in page
    assert f'<a href="{link.get_absolute_url()}">In the live register</a>' in page
    assert client.get("/editions/3/links/999999/").status_code == 404  # no such link at all


def test_publishing_warns_of_published_links_retired_since(demo, as_role, people):
    """An editor may retire a link at once; the publisher, about to publish, is told which
    published links the next edition will leave out for it, and why."""
    link = demo.links.get(source__code="B4.2", target__code="INC.4")
    link.retire(by=people["editor"], revision=link.revision, reason="Duplicates B4.1's link.")
    page = as_role("publisher").get(reverse("edition_publish")).content.decode()
    warning = re.search(r'<div class="notice caution" id="retired-since">.*?</div>', page, re.S)[0]
    assert "1 link that edition 1 published has been retired since" in warning
    assert "edition 2 will leave it out" in warning
    assert f'<a href="/links/{link.pk}/">B4.2 → INC.4</a>: Duplicates B4.1&#x27;s link.' in warning
    link.refresh_from_db()
    link.restore(by=people["publisher"], revision=link.revision)
    again = as_role("publisher").get(reverse("edition_publish")).content.decode()
    assert 'id="retired-since"' not in again
