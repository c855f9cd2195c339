import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mapping.models import Link, LinkSort, Mapping, Relation
from standards.models import Element, Framework, subtree_ids


def refused(action):
    """Run action against the database and assert the database itself refuses it."""
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


class TestLinkIntegrity:
    def test_it_refuses_a_second_link_for_the_same_pair(self, small):
        refused(
            lambda: Link.objects.create(
                mapping=small["mapping"],
                behaviour=small["b11"],
                standard=small["s11"],
                relation=Relation.SUPPORTS,
                rationale="Again.",
            )
        )

    def test_it_refuses_a_behaviour_from_another_framework(self, small):
        stranger = Framework.objects.create(
            name="Other", slug="other", kind="behaviours", publisher="X"
        )
        outsider = Element.objects.create(
            framework=stranger, code="X1", title="Outsider", level_label="Top"
        )
        link = Link(
            mapping=small["mapping"],
            behaviour=outsider,
            standard=small["s1"],
            relation=Relation.SUPPORTS,
            rationale="Because.",
        )
        with pytest.raises(ValidationError) as error:
            link.full_clean()
        assert "behaviour" in error.value.message_dict
        refused(link.save)

    def test_it_refuses_a_standard_from_the_behaviours_framework(self, small):
        link = Link(
            mapping=small["mapping"],
            behaviour=small["b1"],
            standard=small["b2"],
            relation=Relation.SUPPORTS,
            rationale="Because.",
        )
        with pytest.raises(ValidationError) as error:
            link.full_clean()
        assert "standard" in error.value.message_dict
        refused(link.save)

    def test_it_refuses_moving_a_link_to_an_element_outside_the_mapping(self, small):
        link = small["b11_s11"]
        refused(lambda: Link.objects.filter(pk=link.pk).update(standard=small["b2"]))
        link.refresh_from_db()
        assert link.standard == small["s11"]

    def test_it_refuses_a_link_without_a_rationale(self, small):
        link = Link(
            mapping=small["mapping"],
            behaviour=small["b12"],
            standard=small["s2"],
            relation=Relation.SUPPORTS,
            rationale="   ",
        )
        with pytest.raises(ValidationError) as error:
            link.full_clean()
        assert "rationale" in error.value.message_dict
        link.rationale = ""
        refused(link.save)

    def test_it_refuses_an_unknown_relation(self, small):
        refused(lambda: Link.objects.filter(pk=small["b11_s11"].pk).update(relation="adores"))

    def test_it_refuses_moving_a_linked_element_to_another_framework(self, small):
        other = Framework.objects.create(name="O", slug="o", kind="standards", publisher="X")
        refused(lambda: Element.objects.filter(pk=small["s2"].pk).update(framework=other))


class TestElementIntegrity:
    def test_it_refuses_a_parent_in_another_framework(self, small):
        element = Element(
            framework=small["standards"],
            parent=small["b1"],
            code="S9",
            title="Misplaced",
            level_label="Child",
        )
        with pytest.raises(ValidationError) as error:
            element.full_clean()
        assert "parent" in error.value.message_dict
        refused(element.save)

    def test_it_refuses_reparenting_across_frameworks(self, small):
        refused(lambda: Element.objects.filter(pk=small["s2"].pk).update(parent=small["b1"]))

    def test_it_refuses_an_element_as_its_own_parent(self, small):
        refused(lambda: Element.objects.filter(pk=small["b1"].pk).update(parent=small["b1"]))

    def test_it_refuses_an_element_under_its_own_descendant(self, small):
        b1 = small["b1"]
        b1.parent = small["b11"]
        with pytest.raises(ValidationError) as error:
            b1.full_clean()
        assert "parent" in error.value.message_dict
        refused(lambda: Element.objects.filter(pk=b1.pk).update(parent=small["b11"]))

    def test_it_refuses_a_deeper_cycle(self, small):
        b111 = Element.objects.create(
            framework=small["behaviours"],
            parent=small["b11"],
            code="B1.1.1",
            title="Deep",
            level_label="Grandchild",
        )
        refused(lambda: Element.objects.filter(pk=small["b1"].pk).update(parent=b111))

    def test_it_refuses_a_duplicate_code_in_a_framework(self, small):
        refused(
            lambda: Element.objects.create(
                framework=small["behaviours"], code="B1", title="Twin", level_label="Top"
            )
        )

    def test_it_allows_the_same_code_in_another_framework(self, small):
        other = Framework.objects.create(name="O", slug="o", kind="standards", publisher="X")
        Element.objects.create(framework=other, code="B1", title="Fine", level_label="Top")

    def test_it_allows_a_legitimate_move_within_the_framework(self, small):
        b12 = small["b12"]
        b12.parent = small["b2"]
        b12.full_clean()
        b12.save()
        b12.refresh_from_db()
        assert b12.parent == small["b2"]

    def test_it_will_not_delete_a_parent_with_children(self, small):
        from django.db.models import ProtectedError

        with pytest.raises(ProtectedError):
            small["s1"].delete()


class TestMappingIntegrity:
    def test_it_refuses_a_mapping_between_the_wrong_kinds(self, small):
        mapping = Mapping(
            name="Backwards",
            slug="backwards",
            organisation="Org",
            behaviours_framework=small["standards"],
            standards_framework=small["behaviours"],
        )
        with pytest.raises(ValidationError):
            mapping.full_clean()
        refused(mapping.save)

    def test_it_allows_only_one_default_mapping(self, small):
        other = Framework.objects.create(name="O", slug="o", kind="standards", publisher="X")
        refused(
            lambda: Mapping.objects.create(
                name="Second",
                slug="second",
                organisation="Org",
                behaviours_framework=small["behaviours"],
                standards_framework=other,
                is_default=True,
            )
        )

    def test_it_refuses_changing_the_frameworks_of_a_mapping_with_links(self, small):
        other = Framework.objects.create(name="O", slug="o", kind="standards", publisher="X")
        refused(
            lambda: Mapping.objects.filter(pk=small["mapping"].pk).update(standards_framework=other)
        )


class TestQuerySets:
    def test_touching_behaviours_includes_only_given_elements(self, small):
        links = Link.objects.touching_behaviours({small["b1"].pk})
        assert set(links) == {small["b1_s2"]}

    def test_matching_looks_in_codes_titles_rationale_and_example(self, small):
        assert set(Link.objects.matching("cup of tea")) == {small["b1_s2"]}
        assert set(Link.objects.matching("s1.2")) == {small["b2_s12"]}
        assert set(Link.objects.matching("LISTEN")) == {small["b11_s11"]}
        assert set(Link.objects.matching("brave unfairness")) == {small["b2_s12"]}
        assert not Link.objects.matching("brave tea").exists()

    def test_sorted_by_behaviour_follows_the_framework_tree(self, small):
        order = [link.behaviour.code for link in Link.objects.sorted_by(LinkSort.BEHAVIOUR)]
        assert order == ["B1", "B1.1", "B2"]
        reverse = [link.behaviour.code for link in Link.objects.sorted_by("-behaviour")]
        assert reverse == ["B2", "B1.1", "B1"]

    def test_sorted_by_standard_follows_the_framework_tree(self, small):
        order = [link.standard.code for link in Link.objects.sorted_by(LinkSort.STANDARD)]
        assert order == ["S1.1", "S1.2", "S2"]

    def test_sorted_by_relation_puts_the_strongest_first(self, small):
        order = [link.relation for link in Link.objects.sorted_by(LinkSort.RELATION)]
        assert order == ["fully_covers", "partly_covers", "supports"]

    def test_in_tree_order_puts_children_after_parents(self, small):
        elements = small["behaviours"].elements.in_tree_order()
        assert [(e.code, e.depth) for e in elements] == [
            ("B1", 0),
            ("B1.1", 1),
            ("B1.2", 1),
            ("B2", 0),
        ]

    def test_subtree_ids_walks_any_depth(self):
        pairs = [(1, None), (2, 1), (3, 2), (4, 3), (5, None)]
        assert subtree_ids(pairs, 2) == {2, 3, 4}
        assert subtree_ids(pairs, 5) == {5}


def test_every_relation_has_a_skos_equivalent_and_an_explanation():
    assert {relation.skos for relation in Relation} == {
        "exactMatch",
        "closeMatch",
        "broadMatch",
        "narrowMatch",
        "relatedMatch",
    }
    assert all(relation.explanation for relation in Relation)
