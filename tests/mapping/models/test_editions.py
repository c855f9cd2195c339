"""Publishing an edition: what it freezes, that nothing can change it, and how many
changes its own register has had since."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mapping.models import (
    Change,
    Edition,
    EditionElement,
    EditionFramework,
    EditionGap,
    EditionLink,
    Link,
    LinkStatus,
    Mapping,
    ReviewedGap,
)
from mapping.models.retiring import retire_element
from standards.models import Element, Framework


def test_publishing_freezes_the_approved_links_only(published):
    edition, mapping = published["edition"], published["mapping"]
    assert edition.number == 2  # seed_demo published the first
    frozen = EditionLink.objects.filter(edition=edition)
    assert frozen.count() == 86
    assert not frozen.filter(rationale="A draft nobody approved.").exists()
    assert edition.guide_intro == mapping.guide_intro
    assert (edition.register_name, edition.organisation) == (mapping.name, mapping.organisation)


def test_frozen_rows_keep_the_ids_of_the_live_rows(published):
    edition, mapping = published["edition"], published["mapping"]
    live = {link.pk: link for link in mapping.links.approved().select_related("source")}
    for frozen in EditionLink.objects.filter(edition=edition).select_related("source"):
        assert frozen.link_id in live
        assert frozen.source.code == live[frozen.link_id].source.code
        assert frozen.source.element_id == live[frozen.link_id].source_id
    elements = EditionElement.objects.filter(edition=edition)
    assert (
        elements.count()
        == Element.objects.filter(
            framework__in=[mapping.source_framework, mapping.target_framework]
        ).count()
    )
    child = elements.get(code="INT.1")
    assert child.parent.code == "INT" and child.framework.kind == "standards"
    frameworks = EditionFramework.objects.filter(edition=edition)
    assert {f.framework_id for f in frameworks} == {
        mapping.source_framework_id,
        mapping.target_framework_id,
    }


def test_retired_elements_and_their_links_stay_out(demo, people):
    b3 = demo.source_framework.elements.get(code="B3")
    retire_element(b3, by=people["editor"], reason="Merged.")
    edition = Edition.objects.publish(demo, by=people["publisher"], title="Without B3")
    codes = set(EditionElement.objects.filter(edition=edition).values_list("code", flat=True))
    assert "B3" not in codes and not any(code.startswith("B3.") for code in codes)
    assert not EditionLink.objects.filter(edition=edition, source__code__startswith="B3").exists()


def test_reviewed_gaps_are_frozen_with_who_decided(demo, people):
    element = demo.target_framework.elements.get(code="LEA.5")
    demo.links.filter(target=element).delete()  # a gap: nothing links it
    ReviewedGap.objects.create(
        mapping=demo, element=element, reason="Leadership programme.", decided_by=people["editor"]
    )
    edition = Edition.objects.publish(demo, by=people["publisher"], title="Gaps")
    gap = EditionGap.objects.get(edition=edition)
    assert (gap.element.code, gap.reason, gap.decided_by_name) == (
        "LEA.5",
        "Leadership programme.",
        "editor",
    )


def test_numbers_go_up(published, people):
    second = Edition.objects.publish(published["mapping"], by=people["publisher"], title="Two")
    assert second.number == 3


def test_the_digest_follows_the_content(published, people):
    mapping = published["mapping"]
    same = Edition.objects.publish(mapping, by=people["publisher"], title="Same again")
    assert same.digest == published["edition"].digest
    link = mapping.links.approved().first()
    link.edit(by=people["publisher"], revision=link.revision, rationale="New words.")
    different = Edition.objects.publish(mapping, by=people["publisher"], title="Changed")
    assert different.digest != published["edition"].digest


def test_an_edition_cannot_be_changed_even_in_the_database(published):
    edition = published["edition"]
    with pytest.raises(ValidationError):
        edition.save()
    with pytest.raises(ValidationError):
        edition.delete()
    attempts = [
        lambda: Edition.objects.filter(pk=edition.pk).update(title="Rewritten"),
        lambda: Edition.objects.filter(pk=edition.pk).update(guide_intro="Rewritten"),
        lambda: EditionLink.objects.filter(edition=edition).update(rationale="Rewritten"),
        lambda: EditionElement.objects.filter(edition=edition).update(title="Rewritten"),
        lambda: EditionFramework.objects.filter(edition=edition).update(name="Rewritten"),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    assert EditionLink.objects.filter(edition=edition, rationale="Rewritten").count() == 0


def test_the_account_that_published_may_still_be_deleted(published, people):
    people["publisher"].delete()
    edition = Edition.objects.get(pk=published["edition"].pk)
    assert edition.published_by is None and edition.title == "Launch"


def test_changes_since_count_only_the_editions_own_register(published, people):
    """An edit to another mapping's links or frameworks is not a change to this one."""
    mapping = published["mapping"]
    other_behaviours = Framework.objects.create(
        name="Other ways", slug="other-ways", kind="behaviours", publisher="Other"
    )
    ours = Element.objects.create(
        framework=other_behaviours, code="O1", title="Other", level_label="Behaviour"
    )
    other = Mapping.objects.create(
        name="Other", slug="other", organisation="Other", source_framework=other_behaviours,
        target_framework=mapping.target_framework,
    )  # fmt: skip
    Change.objects.apply(ours, {"title": "Renamed elsewhere"}, by=people["editor"])
    Change.objects.apply(other_behaviours, {"name": "Renamed framework"}, by=people["editor"])
    Link.objects.create_draft(
        other, source=ours, target=mapping.target_framework.elements.get(code="INT"),
        by=people["editor"], relation="supports", rationale="Elsewhere.",
    )  # fmt: skip

    def since() -> int:
        return Edition.objects.with_changes_since().get(pk=published["edition"].pk).changes_since

    assert since() == 0
    # A change to the standards framework they share is a change to both registers.
    int1 = mapping.target_framework.elements.get(code="INT.1")
    Change.objects.apply(int1, {"title": "Shared change"}, by=people["editor"])
    assert since() == 1
    link = mapping.links.approved().first()
    link.edit(by=people["publisher"], revision=link.revision, rationale="Our change.")
    b1 = mapping.source_framework.elements.get(code="B1")
    Change.objects.apply(b1, {"title": "Our element"}, by=people["editor"])
    assert since() == 3
    assert link.status == LinkStatus.APPROVED


def test_publishing_tells_postgresql_how_big_the_frozen_tables_are(db):
    """Without fresh statistics PostgreSQL planned a large new edition's first page as if
    its tables were empty: minutes, not milliseconds (docs/performance.md)."""
    from django.db import connection

    from tests.synthetic import build_register

    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans without table statistics")
    Edition.objects.publish(build_register(600), by=None, title="Big")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'mapping_editionlink'")
        assert cursor.fetchone()[0] >= 600


def test_a_draft_for_an_inferred_pair_leaves_the_edition_its_suggestion(small, people):
    """An edition holds approved links alone: a draft for a pair the register infers is not
    yet a decision, so the edition keeps the suggestion it would otherwise lose; approved,
    the link replaces it."""
    from mapping.models import Edition, Link, LinkStatus
    from tests.synthetic import crosswalk_suggestion

    crosswalk_suggestion(small)  # B2 → S2, inferred
    draft = Link.objects.create(mapping=small["mapping"], source=small["b2"], target=small["s2"],
                                relation="supports", rationale="Drafting it.",
                                status=LinkStatus.DRAFT)  # fmt: skip
    first = Edition.objects.publish(small["mapping"], by=people["publisher"], title="One")
    assert [(i.source.code, i.target.code) for i in first.inferred.all()] == [("B2", "S2")]
    assert not first.links.filter(link=draft).exists()
    draft.approve(by=people["publisher"])
    second = Edition.objects.publish(small["mapping"], by=people["publisher"], title="Two")
    assert not second.inferred.exists() and second.links.filter(link=draft).exists()
