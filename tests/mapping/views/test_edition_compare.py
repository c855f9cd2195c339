"""Comparing two editions: the links that differ a page at a time, and the gaps left
unlinked on purpose, on the page and through the API."""

import re

from mapping.models import Edition, Link, LinkStatus
from tests.synthetic import build_register

COMPARE = "/editions/compare/"


def test_the_links_that_differ_come_a_page_at_a_time(db, client, people):
    mapping = build_register(450)
    mapping.links.update(status=LinkStatus.DRAFT)
    Edition.objects.publish(mapping, by=people["publisher"], title="Empty")
    mapping.links.update(status=LinkStatus.APPROVED)
    Edition.objects.publish(mapping, by=people["publisher"], title="Full")
    first = client.get(COMPARE, {"old": 1, "new": 2}).content.decode()
    assert first.count('<tr class="added">') == 200
    assert "450 added, 0 not in edition 2, 0 changed: 1–200 of 450 shown" in first
    assert '<a href="?old=1&amp;new=2&amp;page=2" rel="next">' in first
    assert '<span aria-current="page">Page 1 of 3</span>' in first
    last = client.get(COMPARE, {"old": 1, "new": 2, "page": 3}).content.decode()
    assert last.count('<tr class="added">') == 50 and "401–450 of 450 shown" in last
    assert 'rel="next"' not in last
    # The page is not a field of the form: choosing editions again starts at the first.
    assert 'name="page"' not in last
    beyond = client.get(COMPARE, {"old": 1, "new": 2, "page": 4})
    assert beyond.status_code == 400
    assert "There is no page 4: these links that differ have 3 pages." in beyond.content.decode()
    assert client.get(COMPARE, {"old": 1, "new": 2, "page": "x"}).status_code == 400


def test_a_small_comparison_has_no_pages_and_an_empty_one_one_page(small, people, client):
    mapping, publisher = small["mapping"], people["publisher"]
    mapping.links.update(status=LinkStatus.APPROVED)
    Edition.objects.publish(mapping, by=publisher, title="One")
    link = mapping.links.get(pk=small["b11_s11"].pk)
    link.edit(by=publisher, revision=link.revision, rationale="Reworded.")
    Edition.objects.publish(mapping, by=publisher, title="Two")
    html = client.get(COMPARE).content.decode()
    assert "<ins>Reworded.</ins>" in html and '<tr class="changed">' in html
    assert 'class="pagination"' not in html and " shown</caption>" not in html
    # No link differs between an edition and itself published again: page 1 only.
    Edition.objects.publish(mapping, by=publisher, title="Two, again", notes="Reissued.")
    assert client.get(COMPARE, {"old": 2, "new": 3}).status_code == 200
    beyond = client.get(COMPARE, {"old": 2, "new": 3, "page": 2}).content.decode()
    assert "There is no page 2: these links that differ have 1 page." in beyond


def test_gaps_left_unlinked_on_purpose_are_compared(small, people, client):
    mapping, publisher = small["mapping"], people["publisher"]
    mapping.leave_unlinked(small["b12"], reason="Thanks are said elsewhere.", by=publisher)
    Edition.objects.publish(mapping, by=publisher, title="One")
    mapping.leave_unlinked(small["b12"], reason="Covered by the thanks policy.", by=publisher)
    Edition.objects.publish(mapping, by=publisher, title="Two")
    mapping.review_again(small["b12"], by=publisher)
    Edition.objects.publish(mapping, by=publisher, title="Three")

    changed = client.get(COMPARE, {"old": 1, "new": 2}).content.decode()
    section = re.search(r'<section aria-labelledby="gaps-heading">.*?</section>', changed, re.S)[0]
    assert "0 newly left unlinked, 0 no longer, 1 with a new reason" in section
    assert '<th scope="row">B1.2 Say thank you</th>' in section
    assert "<del>Thanks are said elsewhere.</del>" in section
    assert "<ins>Covered by the thanks policy.</ins>" in section
    gone = client.get(COMPARE, {"old": 2, "new": 3}).content.decode()
    assert "0 newly left unlinked, 1 no longer, 0 with a new reason" in gone
    assert "No longer left unlinked" in gone
    back = client.get(COMPARE, {"old": 3, "new": 1}).content.decode()
    assert "1 newly left unlinked" in back and "<ins>Thanks are said elsewhere.</ins>" in back

    api = client.get(f"/api/mappings/{mapping.slug}/editions/compare", {"old": 2, "new": 3})
    assert api.json()["removed_gaps"] == [{"side": "source", "code": "B1.2",
                                           "title": "Say thank you",
                                           "reason": "Covered by the thanks policy."}]  # fmt: skip
    changed_api = client.get(f"/api/mappings/{mapping.slug}/editions/compare",
                             {"old": 1, "new": 2}).json()["changed_gaps"]  # fmt: skip
    assert [item["fields"] for item in changed_api] == [["reason"]]


def test_a_gap_linked_since_is_no_longer_left_unlinked_in_the_next_edition(small, people, client):
    mapping, publisher = small["mapping"], people["publisher"]
    mapping.leave_unlinked(small["b12"], reason="Said elsewhere.", by=publisher)
    Edition.objects.publish(mapping, by=publisher, title="One")
    from mapping.models import Link

    Link.objects.create(mapping=mapping, source=small["b12"], target=small["s2"],
                        relation="supports", rationale="Thanks serve.",
                        status=LinkStatus.APPROVED)  # fmt: skip
    two = Edition.objects.publish(mapping, by=publisher, title="Two")
    assert not two.reviewed_gaps.exists()
    html = client.get(COMPARE, {"old": 1, "new": 2}).content.decode()
    assert "0 newly left unlinked, 1 no longer, 0 with a new reason" in html


def test_a_page_too_far_is_said_as_such_and_a_reversed_comparison_gives_no_reasons(
    small, people, client
):
    mapping, publisher = small["mapping"], people["publisher"]
    mapping.links.update(status=LinkStatus.APPROVED)
    Edition.objects.publish(mapping, by=publisher, title="One")
    small["b11_s11"].refresh_from_db()
    small["b11_s11"].retire(by=publisher, reason="Gone.")
    Edition.objects.publish(mapping, by=publisher, title="Two")
    beyond = client.get(COMPARE, {"old": 1, "new": 2, "page": 9}).content.decode()
    assert "There is no such page of this comparison" in beyond
    assert "These editions cannot be compared" not in beyond
    forward = client.get(COMPARE, {"old": 1, "new": 2}).content.decode()
    assert "Not in edition 2: retired: Gone." in forward  # what has become of it, and why
    backward = client.get(COMPARE, {"old": 2, "new": 1}).content.decode()
    assert "Added" in backward and "retired: Gone." not in backward


def test_a_link_the_newer_edition_left_out_says_what_became_of_it(small, people, client):
    mapping, publisher, editor = small["mapping"], people["publisher"], people["editor"]
    proposed = Link.objects.create(
        mapping=mapping,
        source=small["b12"],
        target=small["s1"],
        relation="supports",
        rationale="Thanks are respect.",
    )
    mapping.links.update(status=LinkStatus.APPROVED)
    Edition.objects.publish(mapping, by=publisher, title="One")
    restored, back, dropped = (small[name] for name in ("b11_s11", "b1_s2", "b2_s12"))
    restored.refresh_from_db()
    restored.retire(by=editor, reason="Not needed.")
    restored.restore(by=editor)  # a draft again, its reason gone
    for link in (back, proposed):
        link.refresh_from_db()
        link.edit(by=editor, revision=link.revision, rationale="Said again.")
    dropped.refresh_from_db()
    dropped.delete()
    Edition.objects.publish(mapping, by=publisher, title="Two")
    back.refresh_from_db()
    back.approve(by=publisher)
    page = " ".join(client.get(COMPARE, {"old": 1, "new": 2}).content.decode().split())
    assert "Not in edition 2: now proposed, not approved again" in page
    assert "Not in edition 2: approved again after edition 2 was published" in page
    assert "Not in edition 2: no longer in the register" in page
    assert "Not in edition 2: now a draft, not approved again" in page
