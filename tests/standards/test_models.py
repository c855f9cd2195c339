"""Frameworks and elements: the tree's rules, kept by the database as well as in forms."""

import pytest
from django.core.exceptions import ValidationError

from standards.models import Element, Framework, subtree_ids, tree_order
from tests.integrity import refused


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


class TestTree:
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

    def test_tree_order_numbers_elements_depth_first(self):
        rows = [Element(pk=1, code="A"), Element(pk=2, code="A.1", parent_id=1),
                Element(pk=3, code="B"), Element(pk=4, code="A.1.1", parent_id=2)]  # fmt: skip
        ordered = tree_order(rows)
        assert [(e.code, e.depth, e.tree_index) for e in ordered] == [
            ("A", 0, 0), ("A.1", 1, 1), ("A.1.1", 2, 2), ("B", 0, 3)
        ]  # fmt: skip

    def test_an_orphan_is_a_root(self):
        ordered = tree_order([Element(pk=5, code="X", parent_id=99)])
        assert [(e.code, e.depth) for e in ordered] == [("X", 0)]
