"""The register: one interface over a mapping, live or at an edition."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.models import Change, Edition, Link, LinkSort, LinkStatus, Mapping, Relation, Side
from mapping.register import EditionRegister, LinkFilter, LiveRegister
from mapping.register.addresses import RegisterUrls
from standards.models import Element, Framework

SOURCE, TARGET = Side.SOURCE, Side.TARGET


@pytest.fixture
def registers(small, people):
    """The small register live, and as its first edition (every link approved first)."""
    Link.objects.update(status=LinkStatus.APPROVED)
    edition = Edition.objects.publish(small["mapping"], by=people["publisher"], title="One")
    return LiveRegister(small["mapping"]), EditionRegister(edition)


@pytest.fixture(params=["live", "edition"])
def register(request, registers):
    """Each kind of register, each its own case."""
    return registers[0] if request.param == "live" else registers[1]


def ids(links) -> list[int]:
    return [link.link_id for link in links]


class TestTheInterface:
    def test_both_kinds_give_their_frameworks_elements_in_tree_order(self, register):
        assert [(e.code, e.depth) for e in register.elements(SOURCE)] == [
            ("B1", 0), ("B1.1", 1), ("B1.2", 1), ("B2", 0),
        ]  # fmt: skip
        assert [e.code for e in register.elements(TARGET)] == ["S1", "S1.1", "S1.2", "S2"]
        assert register.source_framework.name == "Our ways"
        assert register.name == "Our ways to the standards"

    def test_an_element_by_code_knows_its_parent_children_and_address(self, register):
        element = register.element(SOURCE, "B1.1")
        assert element.parent.code == "B1"
        assert element.url == f"{register.urls.home}elements/our-ways/B1.1/"
        b1 = register.element(SOURCE, "B1")
        assert [c.code for c in register.children(b1)] == ["B1.1", "B1.2"]
        assert register.element(SOURCE, "S1") is None
        assert register.element(TARGET, "nope") is None

    @pytest.mark.parametrize(("chosen", "expected"), [
        (LinkFilter(), ["b1_s2", "b11_s11", "b2_s12"]),
        (LinkFilter(source="B1"), ["b1_s2", "b11_s11"]),
        (LinkFilter(target="S1"), ["b11_s11", "b2_s12"]),
        (LinkFilter(relation="supports"), ["b1_s2"]),
        (LinkFilter(text="cup of tea"), ["b1_s2"]),
        (LinkFilter(sort=LinkSort.TARGET_DESC), ["b1_s2", "b2_s12", "b11_s11"]),
        (LinkFilter(sort=LinkSort.RELATION), ["b11_s11", "b2_s12", "b1_s2"]),
    ])  # fmt: skip
    def test_links_are_filtered_and_sorted_alike(self, register, small, chosen, expected):
        assert ids(register.links(chosen)) == [small[name].pk for name in expected]

    def test_only_a_live_register_filters_by_status(self, registers, small, people):
        live, edition = registers
        small["b1_s2"].retire(by=people["editor"], reason="Gone")
        Link.objects.filter(pk=small["b2_s12"].pk).update(status=LinkStatus.DRAFT)
        assert ids(live.links(LinkFilter(status="draft"))) == [small["b2_s12"].pk]
        assert edition.statuses == ()
        assert len(ids(edition.links(LinkFilter(status="draft")))) == 3

    def test_one_link_by_the_same_id_everywhere(self, registers, small, people):
        live, edition = registers
        pk = small["b11_s11"].pk
        assert live.link(pk).rationale == edition.link(pk).rationale
        assert live.link(pk).url == f"/links/{pk}/"
        assert edition.link(pk).url == f"/editions/1/links/{pk}/"
        assert edition.link(pk).source.url == "/editions/1/elements/our-ways/B1.1/"
        assert live.link(999_999) is None and edition.link(999_999) is None
        small["b11_s11"].retire(by=people["editor"], reason="Gone")
        assert live.link(pk).is_retired  # a retired link keeps its live page

    def test_pages_fetch_only_the_rows_they_show(self, register):
        page = register.rows(register.links(LinkFilter())[1:2])
        assert [link.source.code for link in page] == ["B1.1"]
        assert page[0].target.parent.code == "S1"

    def test_plain_links_say_what_the_full_links_say(self, register):
        fields = ("pk", "link_id", "source_id", "target_id", "relation", "rationale",
                  "example", "url")  # fmt: skip
        plain = [tuple(getattr(link, f) for f in fields) for link in register.plain_links()]
        full = [tuple(getattr(link, f) for f in fields) for link in register.all_links()]
        assert plain == full and len(plain) == 3

    def test_link_sections_list_the_first_of_each_group_and_count_them_all(self, register, small):
        b1 = register.element(SOURCE, "B1")
        sections = register.link_sections(b1, at_most=20)
        assert [(s.element.code, ids(s.links), s.total) for s in sections] == [
            ("B1", [small["b1_s2"].pk], 1),
            ("B1.1", [small["b11_s11"].pk], 1),
            ("B1.2", [], 0),
        ]
        assert sections[0].links[0].target.url.endswith("/elements/the-standards/S2/")
        cut = register.link_sections(b1, at_most=0)
        assert [(s.links, s.total, s.unlisted) for s in cut] == [
            ([], 1, 1), ([], 1, 1), ([], 0, 0),
        ]  # fmt: skip
        s1 = register.element(TARGET, "S1")
        assert [ids(s.links) for s in register.link_sections(s1, at_most=20)] == [
            [], [small["b11_s11"].pk], [small["b2_s12"].pk],
        ]  # fmt: skip

    @pytest.mark.parametrize("side", ["sources", "targets"])
    def test_coverage_is_the_same_live_and_frozen(self, registers, side):
        live, edition = registers
        assert [(e.element.code, e.status) for e in getattr(live.coverage, side)] == [
            (e.element.code, e.status) for e in getattr(edition.coverage, side)
        ]
        assert live.coverage.link_count == edition.coverage.link_count == 3

    def test_only_the_live_register_has_history(self, registers, small):
        live, edition = registers
        assert list(live.history_of(small["b1"])) == []
        assert edition.history_of(small["b1"]) is None

    def test_file_names_say_which_register(self, registers):
        live, edition = registers
        day = timezone.localdate()
        assert live.file_name("coverage", "csv", dated=day) == f"ours-coverage-{day:%Y-%m-%d}.csv"
        assert edition.file_name("coverage", "csv", dated=day) == "ours-edition-1-coverage.csv"

    def test_addresses_of_every_kind_of_register(self, small):
        mapping = small["mapping"]
        assert RegisterUrls(mapping).links == "/links/"
        assert RegisterUrls(mapping, 2).links == "/editions/2/links/"
        assert RegisterUrls(mapping, 2).live.links == "/links/"
        mapping.is_default = False
        assert (
            RegisterUrls(mapping).element(TARGET, "S1.1") == "/m/ours/elements/the-standards/S1.1/"
        )
        assert RegisterUrls(mapping, 3).link(7) == "/m/ours/editions/3/links/7/"
        assert RegisterUrls(mapping).editions == "/m/ours/editions/"


# Random registers: live and frozen alike, before and after later edits ------------------

WORDS = ["kind", "brave", "listen", "fair", "tea", "honest", "care"]


@st.composite
def framework_shapes(draw):
    """(code, parent code or None, position) for each element, parents first. Positions
    repeat on purpose, so ties must break the same way live and frozen."""
    rows = []
    for top in range(draw(st.integers(1, 4))):
        code = f"T{top}"
        rows.append((code, None, draw(st.integers(0, 2))))
        for child in range(draw(st.integers(0, 3))):
            rows.append((f"{code}.{child}", code, draw(st.integers(0, 2))))
            for grandchild in range(draw(st.integers(0, 2))):
                rows.append((f"{code}.{child}.{grandchild}", f"{code}.{child}", 0))
    return rows


def _framework(kind: str, shape) -> list[Element]:
    framework = Framework.objects.create(name=kind, slug=kind, kind=kind, publisher="P")
    made: dict[str, Element] = {}
    for code, parent, position in shape:
        made[code] = Element.objects.create(
            framework=framework, code=code, parent=made.get(parent), position=position,
            title=f"{code} title", level_label="Child" if parent else "Top",
        )  # fmt: skip
    return list(made.values())


FILTERS = st.builds(
    LinkFilter,
    source=st.sampled_from(["", "T0", "T1", "T0.0", "T1.1"]),
    target=st.sampled_from(["", "T0", "T2", "T0.1"]),
    relation=st.sampled_from(["", *Relation.values]),
    text=st.sampled_from(["", "kind", "T1", "tea brave", "title"]),
    sort=st.sampled_from(LinkSort.values),
)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    behaviours=framework_shapes(),
    standards=framework_shapes(),
    data=st.data(),
    drawn=st.lists(FILTERS, min_size=2, max_size=6),
)
def test_every_filter_and_sort_gives_the_same_rows_live_and_frozen(
    behaviours, standards, data, drawn
):
    # Every sort over every link, then filters drawn at random.
    filters = [LinkFilter(sort=sort) for sort in LinkSort.values] + drawn
    with transaction.atomic():
        b_elements, s_elements = (
            _framework("behaviours", behaviours),
            _framework("standards", standards),
        )
        mapping = Mapping.objects.create(
            name="M", slug="m", organisation="O", is_default=True,
            source_framework=b_elements[0].framework,
            target_framework=s_elements[0].framework,
        )  # fmt: skip
        pairs = data.draw(
            st.lists(
                st.tuples(st.sampled_from(b_elements), st.sampled_from(s_elements)),
                unique_by=lambda pair: (pair[0].pk, pair[1].pk),
                max_size=15,
            )
        )
        start = timezone.now()
        for index, (behaviour, standard) in enumerate(pairs):
            link = Link.objects.create(
                mapping=mapping, source=behaviour, target=standard,
                relation=data.draw(st.sampled_from(Relation.values)),
                rationale=" ".join(data.draw(st.lists(st.sampled_from(WORDS), min_size=1))),
                status=LinkStatus.APPROVED,
            )  # fmt: skip
            # Some links share a moment, so sorting by date must break ties alike too.
            moment = start + timedelta(minutes=data.draw(st.integers(0, 3)) + index % 2)
            Link.objects.filter(pk=link.pk).update(updated_at=moment)
        live = LiveRegister(mapping)
        edition = EditionRegister(Edition.objects.publish(mapping, by=None, title="One"))
        frozen = {}
        for chosen in filters:
            frozen[chosen] = [(link.link_id, link.rationale) for link in edition.fetch(
                edition.links(chosen))]  # fmt: skip
            assert ids(live.links(chosen)) == [pk for pk, _ in frozen[chosen]], chosen
        # Later edits, retirements and deletions reach the live register only.
        if pairs:
            first = Link.objects.order_by("pk").first()
            Change.objects.apply(first, {"rationale": "Rewritten kind tea"}, by=None)
            Link.objects.order_by("-pk").first().delete()
        Change.objects.apply(b_elements[0], {"title": "Renamed title"}, by=None)
        again = EditionRegister(Edition.objects.get(pk=edition.edition.pk))
        for chosen in filters:
            assert [(link.link_id, link.rationale) for link in again.fetch(
                again.links(chosen))] == frozen[chosen], chosen  # fmt: skip
        transaction.set_rollback(True)
