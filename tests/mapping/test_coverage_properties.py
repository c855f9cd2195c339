"""Property-based tests of the coverage rules, on registers hypothesis builds in memory."""

from hypothesis import given, settings
from hypothesis import strategies as st

from mapping.coverage.rules import build_coverage
from mapping.models import Link, Mapping
from standards.models import Element, Framework

SOURCE = Framework(pk=1, name="B", slug="b", kind="behaviours", publisher="X")
TARGET = Framework(pk=2, name="S", slug="s", kind="standards", publisher="X")
MAPPING = Mapping(pk=1, name="M", slug="m", source_framework=SOURCE, target_framework=TARGET)


def framework_elements(framework, first_pk, tops, children):
    elements = []
    for t in range(tops):
        top = Element(
            pk=first_pk + len(elements),
            framework=framework,
            code=f"T{t}",
            title=f"T{t}",
            level_label="Top",
            position=t,
        )
        elements.append(top)
        for c in range(children[t % len(children)]):
            elements.append(
                Element(
                    pk=first_pk + len(elements),
                    framework=framework,
                    parent_id=top.pk,
                    code=f"T{t}.{c}",
                    title="C",
                    level_label="Child",
                    position=c,
                )
            )
    return elements


@st.composite
def registers(draw):
    behaviours = framework_elements(
        SOURCE,
        1,
        draw(st.integers(1, 4)),
        draw(st.lists(st.integers(0, 3), min_size=1, max_size=4)),
    )
    standards = framework_elements(
        TARGET,
        100,
        draw(st.integers(1, 4)),
        draw(st.lists(st.integers(0, 3), min_size=1, max_size=4)),
    )
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(behaviours), st.sampled_from(standards)),
            unique=True,
            max_size=12,
        )
    )
    links = [
        Link(
            pk=i + 1,
            mapping=MAPPING,
            source_id=b.pk,
            target_id=s.pk,
            relation="supports",
            rationale="R",
        )
        for i, (b, s) in enumerate(pairs)
    ]
    extra = draw(st.tuples(st.sampled_from(behaviours), st.sampled_from(standards)))
    return behaviours, standards, links, extra


def coverage(behaviours, standards, links):
    return build_coverage(MAPPING, sources=behaviours, targets=standards, links=links)


@settings(max_examples=200, deadline=None)
@given(registers())
def test_adding_a_link_never_lowers_coverage(register):
    behaviours, standards, links, (behaviour, standard) = register
    before = coverage(behaviours, standards, links)
    after = coverage(
        behaviours,
        standards,
        [
            *links,
            Link(
                pk=999,
                mapping=MAPPING,
                source_id=behaviour.pk,
                target_id=standard.pk,
                relation="supports",
                rationale="R",
            ),
        ],
    )
    for old, new in zip(
        before.sources + before.targets, after.sources + after.targets, strict=True
    ):
        assert old.element.pk == new.element.pk
        assert not old.covered or new.covered
        assert not old.covered_directly or new.covered_directly
    for old, new in zip(
        before.target_levels + before.source_levels,
        after.target_levels + after.source_levels,
        strict=True,
    ):
        assert new.covered >= old.covered


@settings(max_examples=200, deadline=None)
@given(registers())
def test_the_level_totals_add_up(register):
    behaviours, standards, links, _ = register
    result = coverage(behaviours, standards, links)
    for levels, entries in (
        (result.source_levels, result.sources),
        (result.target_levels, result.targets),
    ):
        assert sum(level.total for level in levels) == len(entries)
        assert sum(level.covered for level in levels) == sum(e.covered for e in entries)
        for level in levels:
            assert level.covered <= level.total
            assert max(level.direct, level.through) <= level.covered <= level.direct + level.through
    # every link is counted once directly on each side, and once more for each ancestor
    assert sum(len(e.direct) for e in result.targets) == len(links)
    assert sum(len(e.direct) for e in result.sources) == len(links)


@settings(max_examples=200, deadline=None)
@given(registers())
def test_a_parent_is_covered_through_children_exactly_when_a_child_is_covered(register):
    behaviours, standards, links, _ = register
    result = coverage(behaviours, standards, links)
    for entries in (result.sources, result.targets):
        for entry in entries:
            children = [c for c in entries if c.element.parent_id == entry.element.pk]
            assert entry.covered_through_children == any(c.covered for c in children)


@settings(max_examples=200, deadline=None)
@given(registers(), st.sets(st.sampled_from(["T0", "T1", "T2", "T3"])))
def test_the_matrix_totals_equal_the_gap_reports(register, expand):
    from mapping.coverage.matrix import build_matrix

    behaviours, standards, links, _ = register
    result = coverage(behaviours, standards, links)
    collapsed = build_matrix(result, set())
    for (row, _cells, total), entry in zip(collapsed.grid, result.top_sources, strict=True):
        assert row.element == entry.element
        assert total == len(entry.links)
    for total, entry in zip(collapsed.column_totals, result.top_targets, strict=True):
        assert total == len(entry.links)
    opened = build_matrix(result, expand)
    assert opened.total == collapsed.total == len(links)
    assert (
        sum(opened.column_totals) == sum(total for _row, _cells, total in opened.grid) == len(links)
    )
