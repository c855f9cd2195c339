"""Editions: publishing, frozen pages, the live banner, and comparing two editions."""

import re
import subprocess

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from mapping.editions import EditionSnapshot, diff_snapshots, take_snapshot
from mapping.models import Change, Edition, Link, LinkStatus

MAIN = re.compile(r"<main.*</main>", re.S)


@pytest.fixture
def published(demo, people):
    """The demo register published as edition 1, with one draft link that must stay out."""
    draft = Link.objects.create(
        mapping=demo,
        behaviour=demo.behaviours_framework.elements.get(code="B1"),
        standard=demo.standards_framework.elements.get(code="LEA"),
        relation="supports",
        rationale="A draft nobody approved.",
    )
    edition = Edition.objects.publish(demo, by=people["publisher"], title="Launch", notes="First.")
    return {"mapping": demo, "edition": edition, "draft": draft}


def edition_pages(number: int) -> list[str]:
    base = f"/editions/{number}/"
    return [
        base,
        base + "links/",
        base + "links/?behaviour=B2&sort=-relation",
        base + "links/?q=listen&page=1",
        base + "matrix/",
        base + "matrix/?expand=B1,INT&cell=B1.1:INT",
        base + "behaviours/B1/",
        base + "behaviours/B2.1/",
        base + "behaviours/B3/",
        base + "standards/INT/",
        base + "standards/INT.1/",
    ]


def test_publishing_freezes_the_approved_links_only(published):
    edition = published["edition"]
    assert edition.number == 1
    assert len(edition.snapshot["links"]) == 90
    assert "A draft nobody approved." not in str(edition.snapshot)
    assert edition.snapshot["mapping"]["guide_intro"] == published["mapping"].guide_intro


def test_numbers_go_up(published, people):
    second = Edition.objects.publish(published["mapping"], by=people["publisher"], title="Two")
    assert second.number == 2


def test_an_edition_cannot_be_changed_even_in_the_database(published):
    edition = published["edition"]
    with pytest.raises(ValidationError):
        edition.save()
    with pytest.raises(ValidationError):
        edition.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Edition.objects.filter(pk=edition.pk).update(title="Rewritten")


def test_edition_pages_do_not_change_after_later_edits_and_deletions(published, client, people):
    """Byte for byte, apart from the navigation outside <main>."""
    urls = edition_pages(1)
    before = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        before[url] = MAIN.search(response.content.decode()).group()
    mapping = published["mapping"]
    # Edit a link, an element, a framework and the guide; retire one link and delete another;
    # delete an element; approve the draft.
    link = mapping.links.get(behaviour__code="B1.1", standard__code="INC.3")
    link.edit(by=people["publisher"], revision=link.revision, rationale="Rewritten later.")
    b1 = mapping.behaviours_framework.elements.get(code="B1")
    Change.objects.apply(b1, {"title": "Renamed later"}, by=people["editor"], revision=1)
    framework = mapping.standards_framework
    Change.objects.apply(framework, {"name": "Renamed standards"}, by=people["editor"])
    mapping.guide_intro = "A new introduction."
    mapping.save()
    mapping.links.exclude(pk=link.pk).filter(behaviour__code="B2.1").first().retire(
        by=people["editor"], reason="Later."
    )
    mapping.links.filter(behaviour__code="B2").delete()
    published["draft"].approve(by=people["publisher"])
    # Retire a whole behaviour with its descriptors and links, and delete a descriptor.
    b3 = mapping.behaviours_framework.elements.get(code="B3")
    Change.objects.retire_element(b3, by=people["editor"], reason="Merged.")
    b10_children = mapping.behaviours_framework.elements.filter(parent__code="B10")
    doomed = b10_children.order_by("-position").first()
    Link.objects.filter(behaviour=doomed).delete()
    doomed.delete()
    for url in urls:
        response = client.get(url)
        assert MAIN.search(response.content.decode()).group() == before[url], url
    # …while the live pages do show the changes.
    assert "Renamed later" in client.get("/behaviours/B1/").content.decode()


def test_edition_pages_link_within_the_edition(published, client):
    html = client.get("/editions/1/").content.decode()
    assert 'href="/editions/1/behaviours/B1/"' in html
    assert 'href="/editions/1/links/"' in html
    assert 'href="/behaviours/B1/"' not in MAIN.search(html).group()
    table = client.get("/editions/1/links/").content.decode()
    assert 'href="/editions/1/standards/' in table
    assert reverse("link_edit", args=[1]) not in table


def test_edition_filters_validate_like_the_live_table(published, client):
    assert client.get("/editions/1/links/?relation=loves").status_code == 400
    assert client.get("/editions/1/matrix/?expand=NOPE").status_code == 400
    assert client.get("/editions/1/behaviours/NOPE/").status_code == 404
    assert client.get("/editions/9/").status_code == 404


def test_the_edition_link_table_filters_and_sorts_like_the_live_one(published, client):
    for query in (
        "",
        "?behaviour=B2",
        "?standard=INT&sort=-standard",
        "?q=listen",
        "?sort=relation",
    ):
        approved = f"/links/?status=approved&{query.lstrip('?')}"
        live = re.findall(r'id="link-(\d+)"', client.get(approved).content.decode())
        frozen = re.findall(
            r'id="link-(\d+)"', client.get(f"/editions/1/links/{query}").content.decode()
        )
        assert frozen == live, query


def test_the_edition_pdf_is_unchanged_by_later_edits(published, client, people, tmp_path):
    def text() -> str:
        cache.clear()
        response = client.get("/editions/1/guide.pdf")
        assert response.status_code == 200
        assert 'filename="example-homes' in response["Content-Disposition"]
        (tmp_path / "e.pdf").write_bytes(response.content)
        return subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / "e.pdf"), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip

    first = text()
    assert "Edition 1: Launch" in first
    mapping = published["mapping"]
    b1 = mapping.behaviours_framework.elements.get(code="B1")
    Change.objects.apply(b1, {"title": "Renamed later"}, by=people["editor"])
    mapping.links.filter(behaviour__code="B3").delete()
    assert text() == first


def test_live_pages_say_when_there_are_changes_since_the_latest_edition(published, client, people):
    html = client.get("/").content.decode()
    assert "No changes since" in html and "edition 1" in html
    link = published["mapping"].links.approved().first()
    link.edit(by=people["publisher"], revision=link.revision, rationale="Newer words.")
    html = client.get("/links/").content.decode()
    assert "1 change since" in html


def test_without_editions_live_pages_say_so(demo, client):
    assert "No edition has been published yet" in client.get("/").content.decode()


def test_the_editions_page_lists_them(published, client):
    html = client.get("/editions/").content.decode()
    assert "Edition 1: Launch" in html and "First." in html


def test_publishing_through_the_page(demo, as_role):
    client = as_role("publisher")
    page = client.get(reverse("edition_publish")).content.decode()
    assert "90 approved links" in page
    assert client.post(reverse("edition_publish"), {"title": " "}).status_code == 400
    assert not Edition.objects.exists()
    response = client.post(reverse("edition_publish"), {"title": "Spring", "notes": "Hi"})
    assert response.status_code == 302
    assert response["Location"] == "/editions/1/"


# Comparing ----------------------------------------------------------------------------


def _snapshot(links, elements):
    """A hand-built snapshot: links as (b, s, relation, rationale), elements as
    (side, code, title)."""
    ids = {}
    frameworks = {}
    for side in ("behaviours", "standards"):
        items = []
        for i, (_side, code, title) in enumerate(e for e in elements if e[0] == side):
            ids[code] = len(ids) + 1
            items.append(
                {"id": ids[code], "code": code, "title": title, "description": "",
                 "level_label": "L", "parent_id": None, "position": i}
            )  # fmt: skip
        frameworks[side] = {
            "id": len(frameworks) + 1, "name": side, "slug": side, "kind": side,
            "publisher": "P", "version_label": "", "year": None, "source_url": "",
            "citation_note": "", "description": "", "elements": items,
        }  # fmt: skip
    return EditionSnapshot.model_validate(
        {
            "mapping": {"id": 1, "name": "M", "slug": "m", "organisation": "O",
                        "description": "", "guide_intro": ""},
            **frameworks,
            "links": [
                {"id": i, "behaviour_id": ids[b], "standard_id": ids[s], "relation": r,
                 "rationale": why, "example": "", "updated_at": "2026-01-01T00:00:00Z"}
                for i, (b, s, r, why) in enumerate(links, 1)
            ],
            "reviewed_gaps": [],
        }
    )  # fmt: skip


ELEMENTS = [("behaviours", "B1", "Kind"), ("behaviours", "B2", "Brave"),
            ("standards", "S1", "Respect"), ("standards", "S2", "Service")]  # fmt: skip


def test_the_diff_of_identical_snapshots_is_empty():
    one = _snapshot([("B1", "S1", "supports", "Why")], ELEMENTS)
    assert diff_snapshots(one, one).is_empty


def test_the_diff_finds_added_removed_and_changed_links():
    old = _snapshot(
        [("B1", "S1", "supports", "Why"), ("B1", "S2", "supports", "Gone"),
         ("B2", "S1", "fully_covers", "Same")],
        ELEMENTS,
    )  # fmt: skip
    new = _snapshot(
        [("B2", "S1", "fully_covers", "Same"), ("B1", "S1", "partly_covers", "Why"),
         ("B2", "S2", "supports", "New")],
        ELEMENTS,
    )  # fmt: skip
    diff = diff_snapshots(old, new)
    assert [(r.behaviour, r.standard) for r in diff.added_links] == [("B2 Brave", "S2 Service")]
    assert [(r.behaviour, r.standard) for r in diff.removed_links] == [("B1 Kind", "S2 Service")]
    assert len(diff.changed_links) == 1
    changed = diff.changed_links[0]
    assert changed.fields == ("relation",)
    assert (changed.before.relation, changed.after.relation) == ("supports", "partly_covers")
    assert not diff.added_elements and not diff.removed_elements and not diff.changed_elements


def test_the_diff_matches_elements_by_code_not_id():
    old = _snapshot([], ELEMENTS)
    new = _snapshot(
        [], [("behaviours", "B0", "First"), *ELEMENTS[:2], ("standards", "S1", "Respect all")]
    )
    diff = diff_snapshots(old, new)
    assert [e.code for e in diff.added_elements] == ["B0"]
    assert [e.code for e in diff.removed_elements] == ["S2"]
    assert [(c.before.title, c.after.title, c.fields) for c in diff.changed_elements] == [
        ("Respect", "Respect all", ("title",))
    ]


def test_comparing_two_editions_side_by_side(published, client, people):
    mapping = published["mapping"]
    link = mapping.links.get(behaviour__code="B1.1", standard__code="INC.3")
    link.edit(by=people["publisher"], revision=link.revision, rationale="Rewritten later.")
    published["draft"].approve(by=people["publisher"])
    b1 = mapping.behaviours_framework.elements.get(code="B1")
    Change.objects.apply(b1, {"title": "Renamed later"}, by=people["editor"])
    Edition.objects.publish(mapping, by=people["publisher"], title="Two")
    diff = diff_snapshots(
        EditionSnapshot.model_validate(Edition.objects.get(number=1).snapshot),
        take_snapshot(mapping),
    )
    assert len(diff.added_links) == 1 and len(diff.changed_links) == 1
    html = client.get("/editions/compare/?old=1&new=2").content.decode()
    assert "1 added, 0 removed, 1 changed" in html
    assert "<ins>Rewritten later.</ins>" in html
    assert "<ins>Renamed later</ins>" in html
    assert client.get("/editions/compare/").status_code == 200  # defaults to the latest two
    assert client.get("/editions/compare/?old=1&new=1").status_code == 400
    assert client.get("/editions/compare/?old=1&new=7").status_code == 400
    assert published["draft"].status == LinkStatus.APPROVED


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/editions/", 3),
        ("/editions/1/", 1),
        ("/editions/1/links/?sort=-standard", 1),
        ("/editions/1/matrix/", 1),
        ("/editions/1/behaviours/B1/", 1),
        ("/editions/compare/?old=1&new=2", 3),
    ],
)
def test_edition_pages_cost_the_same_queries_at_any_size(db, client, url, queries,
                                                        django_assert_num_queries):  # fmt: skip
    from mapping.models import Mapping
    from mapping.synthetic import build_register

    for size in (100, 3000):
        Edition.objects.all().delete()  # a queryset delete: only tests clear editions away
        Link.objects.all().delete()
        Mapping.objects.all().delete()
        mapping = build_register(size, slug=f"register-of-{size}")
        Edition.objects.publish(mapping, by=None, title="One")
        Edition.objects.publish(mapping, by=None, title="Two")
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
