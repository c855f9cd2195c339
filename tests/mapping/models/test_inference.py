"""Links inferred through crosswalks: how relations compose, and that the database's join
finds exactly what a brute-force reading of every path finds, live and in an edition."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.caching.versioning import forget_kept
from mapping.models import Edition, Link, LinkStatus, Mapping, Relation, ReviewedPair
from mapping.models.inference import COMPOSED, compose, strongest
from mapping.models.link_rows import RELATION_RANK
from mapping.register import EditionRegister, LiveRegister
from standards.models import Element, Framework

RELATIONS = st.sampled_from(Relation.values)


def rank(relation) -> int:
    return RELATION_RANK[Relation(relation)]


class TestComposition:
    @given(RELATIONS)
    def test_is_the_same_as_leaves_the_other_step_unchanged(self, relation):
        assert compose(Relation.SAME_AS, relation) == relation
        assert compose(relation, Relation.SAME_AS) == relation

    @given(RELATIONS, RELATIONS)
    def test_a_composed_relation_is_never_stronger_than_either_step(self, first, second):
        assert rank(compose(first, second)) >= max(rank(first), rank(second))

    def test_fully_covers_twice_stays_fully_covers(self):
        assert compose(Relation.FULLY_COVERS, Relation.FULLY_COVERS) == Relation.FULLY_COVERS

    @given(st.sampled_from([Relation.CLOSELY_MATCHES, Relation.SUPPORTS]),
           st.sampled_from(Relation.values[1:]))  # fmt: skip
    def test_a_step_that_only_matches_or_supports_weakens_the_other(self, weak, other):
        """closeMatch and relatedMatch are not transitive: with any step but "is the same
        as", the result is weaker than the other step (or already the weakest)."""
        for result in (compose(weak, other), compose(other, weak)):
            assert rank(result) > rank(other) or result == Relation.SUPPORTS

    @given(st.lists(RELATIONS, min_size=1), st.randoms())
    def test_the_order_of_the_paths_does_not_matter(self, relations, random):
        shuffled = relations[:]
        random.shuffle(shuffled)
        assert strongest(relations) == strongest(shuffled) == min(relations, key=rank)

    def test_the_table_names_every_pair(self):
        assert len(COMPOSED) == len(Relation) ** 2


def _framework(slug: str, kind: str, codes: list[str]) -> list[Element]:
    framework = Framework.objects.create(name=slug, slug=slug, kind=kind, publisher="P")
    return [Element.objects.create(framework=framework, code=code, title=f"{code} title",
                                   level_label="Top", position=i)
            for i, code in enumerate(codes)]  # fmt: skip


def _register(slug: str, source: Element, target: Element) -> Mapping:
    """A register from the framework of one element onto that of another."""
    return Mapping.objects.create(name=slug, slug=slug, organisation="O",
                                  source_framework=source.framework,
                                  target_framework=target.framework)  # fmt: skip


def _link(mapping, source, target, relation, status=LinkStatus.APPROVED) -> Link:
    return Link.objects.create(
        mapping=mapping, source=source, target=target, relation=relation,
        rationale=f"{source.code} to {target.code}.", status=status,
    )  # fmt: skip


def brute_force(first_steps, second_steps, decided) -> dict:
    """(source, target) → (strongest relation, number of paths), reading every path."""
    found: dict = {}
    for source, via, first, status_one in first_steps:
        for via_two, target, second, status_two in second_steps:
            if via != via_two or LinkStatus.APPROVED not in (status_one,) or \
                    status_two != LinkStatus.APPROVED:  # fmt: skip
                continue
            if (source, target) in decided:
                continue
            relations, paths = found.get((source, target), ([], 0))
            found[source, target] = ([*relations, compose(first, second)], paths + 1)
    return {pair: (strongest(relations), paths) for pair, (relations, paths) in found.items()}


PAIRS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), RELATIONS,
                           st.sampled_from([LinkStatus.APPROVED, LinkStatus.DRAFT])),
                 unique_by=lambda row: row[:2], max_size=10)  # fmt: skip


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(firsts=PAIRS, seconds=PAIRS, direct=st.lists(st.tuples(st.integers(0, 3),
       st.integers(0, 3)), unique=True, max_size=3),
       dismissed=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), unique=True,
                          max_size=2))  # fmt: skip
def test_inference_finds_what_every_path_gives_live_and_in_an_edition(
    firsts, seconds, direct, dismissed
):
    with transaction.atomic():
        cache.clear()
        forget_kept()
        ours = _framework("ours", "behaviours", ["B0", "B1", "B2", "B3"])
        theirs = _framework("theirs", "standards", ["A0", "A1", "A2", "A3"])
        next_ = _framework("next", "standards", ["N0", "N1", "N2", "N3"])
        base = Mapping.objects.create(name="Base", slug="base", organisation="O",
                                      source_framework=ours[0].framework,
                                      target_framework=theirs[0].framework)  # fmt: skip
        crosswalk = Mapping.objects.create(name="Cross", slug="cross", organisation="O",
                                           source_framework=theirs[0].framework,
                                           target_framework=next_[0].framework)  # fmt: skip
        register = Mapping.objects.create(name="New", slug="new", organisation="O",
                                          is_default=True, source_framework=ours[0].framework,
                                          target_framework=next_[0].framework)  # fmt: skip
        for s, a, relation, status in firsts:
            _link(base, ours[s], theirs[a], relation, status)
        for a, n, relation, status in seconds:
            _link(crosswalk, theirs[a], next_[n], relation, status)
        for s, n in direct:
            _link(register, ours[s], next_[n], Relation.SUPPORTS, LinkStatus.DRAFT)
        for s, n in dismissed:
            if (s, n) not in direct:
                ReviewedPair.objects.create(mapping=register, source=ours[s], target=next_[n],
                                            reason="Not so.")  # fmt: skip
        expected = brute_force(
            [(ours[s].pk, theirs[a].pk, r, status) for s, a, r, status in firsts],
            [(theirs[a].pk, next_[n].pk, r, status) for a, n, r, status in seconds],
            {(ours[s].pk, next_[n].pk) for s, n in [*direct, *dismissed]},
        )
        live = LiveRegister(Mapping.objects.with_frameworks().get(pk=register.pk))
        found = {(link.source_id, link.target_id): (link.relation, link.paths)
                 for link in live.inferred}  # fmt: skip
        assert found == expected
        for link in live.with_paths(live.inferred):
            assert len(link.path_list) == link.paths
            assert link.path_list[0].relation == link.relation
            assert link.via_code in {path.via_code for path in link.path_list
                                     if path.relation == link.relation}  # fmt: skip
        edition = EditionRegister(Edition.objects.publish(register, by=None, title="One"))
        frozen = {(link.source.element_id, link.target.element_id): (link.relation, link.paths)
                  for link in edition.inferred}  # fmt: skip
        # The direct links are drafts, which an edition leaves out: not yet decisions, so
        # the edition keeps what they would have replaced.
        assert frozen == brute_force(
            [(ours[s].pk, theirs[a].pk, r, status) for s, a, r, status in firsts],
            [(theirs[a].pk, next_[n].pk, r, status) for a, n, r, status in seconds],
            {(ours[s].pk, next_[n].pk) for s, n in dismissed if (s, n) not in direct},
        )
        for link in edition.inferred:
            [path] = link.path_list
            assert path.relation == link.relation and path.via_code == link.via_code
        transaction.set_rollback(True)


def test_inferred_links_renew_when_either_step_changes(db, people):
    ours = _framework("ours", "behaviours", ["B0"])
    theirs = _framework("theirs", "standards", ["A0"])
    next_ = _framework("next", "standards", ["N0"])
    Mapping.objects.create(name="Base", slug="base", organisation="O",
                           source_framework=ours[0].framework,
                           target_framework=theirs[0].framework)  # fmt: skip
    crosswalk = Mapping.objects.create(name="Cross", slug="cross", organisation="O",
                                       source_framework=theirs[0].framework,
                                       target_framework=next_[0].framework)  # fmt: skip
    register = Mapping.objects.create(name="New", slug="new", organisation="O",
                                      source_framework=ours[0].framework,
                                      target_framework=next_[0].framework)  # fmt: skip
    first = _link(Mapping.objects.get(slug="base"), ours[0], theirs[0], Relation.FULLY_COVERS)
    assert LiveRegister(register).inferred == []  # no second step yet: kept so
    second = _link(crosswalk, theirs[0], next_[0], Relation.FULLY_COVERS)
    [inferred] = LiveRegister(register).inferred  # the new version sees it
    assert inferred.relation == Relation.FULLY_COVERS
    first.edit(by=people["publisher"], revision=first.revision, relation=Relation.SUPPORTS)
    [inferred] = LiveRegister(register).inferred
    assert inferred.relation == Relation.SUPPORTS
    second.retire(by=people["publisher"], reason="Not so.")
    assert LiveRegister(register).inferred == []


def test_paths_are_kept_through_the_registers_own_edits_and_renew_with_its_frameworks(db):
    """The join is not run again when only the register's own links change (they change
    which pairs are decided, not the paths), and is when an element on a path is retired."""
    (b0,) = _framework("ours", "behaviours", ["B0"])
    (a0,) = _framework("theirs", "standards", ["A0"])
    n0, n1 = _framework("next", "standards", ["N0", "N1"])
    base, crosswalk = _register("base", b0, a0), _register("cross", a0, n0)
    register = _register("new", b0, n0)
    _link(base, b0, a0, Relation.FULLY_COVERS)
    _link(crosswalk, a0, n0, Relation.SUPPORTS)
    _link(crosswalk, a0, n1, Relation.SUPPORTS)

    def inferred() -> tuple[set[str], bool]:
        with CaptureQueriesContext(connection) as queries:
            found = {link.target.code for link in LiveRegister(register).inferred}
        return found, any("CASE WHEN" in query["sql"] for query in queries)

    assert inferred() == ({"N0", "N1"}, True)
    assert inferred() == ({"N0", "N1"}, False)  # kept
    _link(register, b0, n1, Relation.PARTLY_COVERS)  # the register's own link
    assert inferred() == ({"N0"}, False)  # decided now; the paths as kept
    n0.retired, n0.retired_reason = True, "Merged."
    n0.save()  # an element on a path: every register using its framework renews
    assert inferred() == (set(), True)


def test_an_element_page_lists_the_first_inferred_links_and_counts_the_rest(db, client):
    """B1 reaches 60 standards through the crosswalk: its page lists 50 with their paths,
    counts all 60, and an anonymous reader is not sent to the suggestions page."""
    (b1,) = _framework("ways", "behaviours", ["B1"])
    (a1,) = _framework("older", "standards", ["A1"])
    targets = _framework("newer", "standards", [f"S{i}" for i in range(1, 61)])
    first, crosswalk = _register("first", b1, a1), _register("crosswalk", a1, targets[0])
    _register("onto-newer", b1, targets[0])
    _link(first, b1, a1, Relation.FULLY_COVERS)
    for target in targets:
        _link(crosswalk, a1, target, Relation.SUPPORTS)
    page = client.get("/m/onto-newer/elements/ways/B1/").content.decode()
    assert page.count('class="paths"') == 50
    assert "The first 50 of 60 inferred links." in page
    assert "suggestions" not in page.split('id="inferred-heading"')[1].split("</section>")[0]
