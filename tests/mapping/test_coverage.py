from mapping.models import Link, Relation
from mapping.register import LiveRegister


def entry(entries, code):
    return next(e for e in entries if e.element.code == code)


def test_direct_and_through_children_are_reported_apart(small):
    coverage = LiveRegister(small["mapping"]).coverage
    s1 = entry(coverage.targets, "S1")
    assert not s1.covered_directly and s1.covered_through_children and s1.covered
    s2 = entry(coverage.targets, "S2")
    assert s2.covered_directly and not s2.covered_through_children
    b1 = entry(coverage.sources, "B1")
    assert b1.covered_directly and b1.covered_through_children
    assert not entry(coverage.sources, "B1.2").covered


def test_level_summaries_count_each_kind_of_coverage(small):
    coverage = LiveRegister(small["mapping"]).coverage
    tops, children = coverage.target_levels
    assert (tops.label, tops.total, tops.covered, tops.direct, tops.through) == ("Top", 2, 2, 1, 1)
    assert (children.total, children.covered, children.uncovered) == (2, 2, 0)
    b_tops, b_children = coverage.source_levels
    assert (b_tops.total, b_tops.covered, b_tops.direct, b_tops.through) == (2, 2, 2, 1)
    assert (b_children.total, b_children.covered, b_children.uncovered) == (2, 1, 1)


def test_partners_are_unique_and_in_framework_order(small):
    Link.objects.create(
        mapping=small["mapping"],
        source=small["b1"],
        target=small["s11"],
        relation=Relation.SUPPORTS,
        rationale="Also.",
    )
    coverage = LiveRegister(small["mapping"]).coverage
    assert [e.code for e in entry(coverage.sources, "B1").partners] == ["S1.1", "S2"]
    assert [e.code for e in entry(coverage.targets, "S1").partners] == ["B1", "B1.1", "B2"]


def test_links_by_origin_put_the_element_itself_first(small):
    coverage = LiveRegister(small["mapping"]).coverage
    b1 = entry(coverage.sources, "B1")
    assert [link.source.code for link in b1.links_by_origin] == ["B1", "B1.1"]


def test_removing_the_only_link_uncovers_a_statement(small):
    small["b2_s12"].delete()
    coverage = LiveRegister(small["mapping"]).coverage
    assert not entry(coverage.targets, "S1.2").covered
    assert coverage.target_levels[1].uncovered == 1


def test_reach_counts_links_by_the_top_level_element_they_go_to(small):
    Link.objects.create(
        mapping=small["mapping"],
        source=small["b1"],
        target=small["s11"],
        relation=Relation.SUPPORTS,
        rationale="Also.",
    )
    coverage = LiveRegister(small["mapping"]).coverage
    b1 = entry(coverage.sources, "B1")
    assert [(r.element.code, r.links) for r in b1.reach] == [("S1", 2), ("S2", 1)]
    s1 = entry(coverage.targets, "S1")
    assert [(r.element.code, r.links) for r in s1.reach] == [("B1", 2), ("B2", 1)]
    assert (b1.link_count, b1.partner_count) == (3, 2)


def test_a_busy_element_lists_only_the_first_partners(small, monkeypatch):
    monkeypatch.setattr("mapping.coverage.rules.LISTED_AT_MOST", 1)
    coverage = LiveRegister(small["mapping"]).coverage
    s1 = entry(coverage.targets, "S1")
    assert not s1.lists_every_link and not s1.lists_every_partner
    assert [e.code for e in s1.listed_partners] == ["B1.1"] and s1.unlisted_partners == 1
    assert entry(coverage.targets, "S2").lists_every_partner


def test_coverage_reads_plain_rows_that_read_like_links(small):
    coverage = LiveRegister(small["mapping"]).coverage
    link = entry(coverage.sources, "B1").direct[0]
    assert not isinstance(link, Link)
    assert link.reference == "B1 → S2"
    assert link.get_relation_display() == "Supports"
    assert link.url == f"/links/{small['b1_s2'].pk}/"
