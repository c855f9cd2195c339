import pytest
from django.core.exceptions import ValidationError

from mapping.models import Change, Link, LinkSort, LinkStatus, Relation
from mapping.register.words import Words
from standards.models import Element, Framework
from tests.integrity import refused


class TestLinkIntegrity:
    def test_it_refuses_a_second_link_for_the_same_pair(self, small):
        refused(
            lambda: Link.objects.create(
                mapping=small["mapping"],
                source=small["b11"],
                target=small["s11"],
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
            source=outsider,
            target=small["s1"],
            relation=Relation.SUPPORTS,
            rationale="Because.",
        )
        with pytest.raises(ValidationError) as error:
            link.full_clean()
        assert "source" in error.value.message_dict
        refused(link.save)

    def test_it_refuses_a_standard_from_the_behaviours_framework(self, small):
        link = Link(
            mapping=small["mapping"],
            source=small["b1"],
            target=small["b2"],
            relation=Relation.SUPPORTS,
            rationale="Because.",
        )
        with pytest.raises(ValidationError) as error:
            link.full_clean()
        assert "target" in error.value.message_dict
        refused(link.save)

    def test_it_refuses_moving_a_link_to_an_element_outside_the_mapping(self, small):
        link = small["b11_s11"]
        refused(lambda: Link.objects.filter(pk=link.pk).update(target=small["b2"]))
        link.refresh_from_db()
        assert link.target == small["s11"]

    def test_it_refuses_a_link_without_a_rationale(self, small):
        link = Link(
            mapping=small["mapping"],
            source=small["b12"],
            target=small["s2"],
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


class TestQuerySets:
    def test_touching_behaviours_includes_only_given_elements(self, small):
        small["b1"].refresh_from_db()
        rank = small["b1"].tree_rank
        links = Link.objects.touching_sources((rank, rank))
        assert set(links) == {small["b1_s2"]}

    def test_matching_looks_in_codes_titles_rationale_and_example(self, small):
        assert set(Link.objects.matching("cup of tea")) == {small["b1_s2"]}
        assert set(Link.objects.matching("s1.2")) == {small["b2_s12"]}
        assert set(Link.objects.matching("LISTEN")) == {small["b11_s11"]}
        assert set(Link.objects.matching("brave unfairness")) == {small["b2_s12"]}
        assert not Link.objects.matching("brave tea").exists()

    def test_sorted_by_behaviour_follows_the_framework_tree(self, small):
        order = [link.source.code for link in Link.objects.sorted_by(LinkSort.SOURCE)]
        assert order == ["B1", "B1.1", "B2"]
        reverse = [link.source.code for link in Link.objects.sorted_by("-source")]
        assert reverse == ["B2", "B1.1", "B1"]

    def test_sorted_by_standard_follows_the_framework_tree(self, small):
        order = [link.target.code for link in Link.objects.sorted_by(LinkSort.TARGET)]
        assert order == ["S1.1", "S1.2", "S2"]

    def test_sorted_by_relation_puts_the_strongest_first(self, small):
        order = [link.relation for link in Link.objects.sorted_by(LinkSort.RELATION)]
        assert order == ["fully_covers", "partly_covers", "supports"]


def test_every_relation_has_a_skos_equivalent_and_an_explanation():
    assert {relation.skos for relation in Relation} == {
        "exactMatch",
        "closeMatch",
        "broadMatch",
        "narrowMatch",
        "relatedMatch",
    }
    words = Words("behaviour", "behaviours", "standard", "standards", "Living", ours=True)
    assert all(relation.explained(words) for relation in Relation)


class TestLifecycle:
    def test_a_new_link_is_a_draft_recorded_in_the_history(self, small, people):
        link = Link.objects.create_draft(
            small["mapping"], source=small["b12"], target=small["s2"], by=people["editor"],
            relation=Relation.SUPPORTS, rationale="Thanks help service.",
        )  # fmt: skip
        assert (link.status, link.created_by, link.updated_by) == (
            LinkStatus.DRAFT, people["editor"], people["editor"]
        )  # fmt: skip
        assert link.is_draft and link.can_be_proposed and link.can_be_approved
        assert Change.objects.for_object(link).get().action == Change.Action.CREATED
        proposed = Link.objects.create_draft(
            small["mapping"], source=small["b2"], target=small["s2"], by=people["editor"],
            propose=True, relation=Relation.SUPPORTS, rationale="Brave service.",
        )  # fmt: skip
        assert proposed.status == LinkStatus.PROPOSED and not proposed.can_be_proposed

    def test_status_counts_name_every_status(self, small, people):
        small["b1_s2"].retire(by=people["editor"], reason="Gone.")
        assert Link.objects.status_counts() == {
            "draft": 2, "proposed": 0, "approved": 0, "retired": 1
        }  # fmt: skip
        assert Link.objects.current().status_counts()["retired"] == 0

    def test_what_each_status_allows(self, small, people):
        link = small["b11_s11"]
        link.approve(by=people["publisher"])
        assert link.is_approved and not link.can_be_approved and not link.can_be_proposed
        with pytest.raises(ValidationError):
            link.propose(by=people["editor"])
        link.retire(by=people["editor"], reason="Gone")
        assert link.is_retired and not link.can_be_approved
        with pytest.raises(ValidationError):
            link.retire(by=people["editor"], reason="Again")
        link.restore(by=people["editor"])
        assert link.is_draft

    def test_the_history_says_what_each_edit_did(self, small, people):
        link = small["b11_s11"]
        link.propose(by=people["editor"])
        link.approve(by=people["publisher"])
        link.edit(by=people["editor"], revision=link.revision, rationale="Reworded.")
        link.retire(by=people["editor"], reason="Gone")
        link.restore(by=people["editor"])
        actions = list(
            Change.objects.for_object(link).order_by("pk").values_list("action", flat=True)
        )
        assert actions == ["proposed", "approved", "edited", "retired", "restored"]
        link.refresh_from_db()
        assert link.revision == 6
