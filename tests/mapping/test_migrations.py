"""Editions published before they became rows keep every word when the database is
upgraded: their JSON snapshots are written out as frozen rows."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mapping.models import Change, Edition, EditionGap
from mapping.register import EditionRegister, LinkFilter
from mapping.register.comparison import EditionContent

BEFORE = [("mapping", "0005_editing_history_editions"), ("standards", "0005_framework_retired")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_snapshots_become_frozen_rows_and_changes_learn_their_framework():
    apps = _migrate(BEFORE)
    try:
        Framework = apps.get_model("standards", "Framework")
        Element = apps.get_model("standards", "Element")
        Mapping = apps.get_model("mapping", "Mapping")
        OldEdition = apps.get_model("mapping", "Edition")
        OldChange = apps.get_model("mapping", "Change")
        behaviours = Framework.objects.create(
            name="Ours", slug="ours", kind="behaviours", publisher="Us"
        )
        standards = Framework.objects.create(
            name="Theirs", slug="theirs", kind="standards", publisher="Them"
        )
        b1 = Element.objects.create(framework=behaviours, code="B1", title="Kind", level_label="B")
        # A child with a lower id than its parent: the rows must still go in parents first.
        s11 = Element.objects.create(
            framework=standards, code="S1.1", title="Hear", level_label="S"
        )
        s1 = Element.objects.create(
            framework=standards, code="S1", title="Respect", level_label="C"
        )
        Element.objects.filter(pk=s11.pk).update(parent=s1)
        mapping = Mapping.objects.create(
            name="Ours to theirs", slug="ours-theirs", organisation="Org",
            behaviours_framework=behaviours, standards_framework=standards, is_default=True,
        )  # fmt: skip
        framework = {"publisher": "P", "version_label": "", "year": None, "source_url": "",
                     "citation_note": "", "description": ""}  # fmt: skip
        snapshot = {
            "mapping": {"id": mapping.pk, "name": "Ours to theirs", "slug": "ours-theirs",
                        "organisation": "Org", "description": "", "guide_intro": "Hello."},
            "behaviours": {"id": behaviours.pk, "name": "Ours", "slug": "ours",
                           "kind": "behaviours", **framework, "elements": [
                {"id": b1.pk, "code": "B1", "title": "Kind", "description": "",
                 "level_label": "B", "parent_id": None, "position": 1}]},
            "standards": {"id": standards.pk, "name": "Theirs", "slug": "theirs",
                          "kind": "standards", **framework, "elements": [
                {"id": s11.pk, "code": "S1.1", "title": "Hear them", "description": "",
                 "level_label": "S", "parent_id": s1.pk, "position": 1},
                {"id": s1.pk, "code": "S1", "title": "Respect", "description": "",
                 "level_label": "C", "parent_id": None, "position": 1}]},
            "links": [{"id": 41, "behaviour_id": b1.pk, "standard_id": s11.pk,
                       "relation": "fully_covers", "rationale": "Kindness is hearing.",
                       "example": "", "updated_at": "2026-01-02T03:04:05Z"}],
            "reviewed_gaps": [{"element_id": s1.pk, "reason": "On purpose.",
                               "decided_by": "Ann", "decided_at": "2026-01-01T00:00:00Z"}],
        }  # fmt: skip
        OldEdition.objects.create(
            mapping=mapping, number=1, title="Launch", snapshot=snapshot, digest="d" * 64
        )
        OldChange.objects.create(
            subject_type="element", subject_id=b1.pk, subject_label="B1", action="edited"
        )
    finally:
        call_command("migrate", verbosity=0)

    edition = Edition.objects.select_related("mapping").get()
    assert (edition.register_name, edition.guide_intro, edition.digest) == (
        "Ours to theirs", "Hello.", "d" * 64
    )  # fmt: skip
    register = EditionRegister(edition)
    [link] = register.fetch(register.links(LinkFilter()))
    assert (link.link_id, link.source.code, link.target.code) == (41, "B1", "S1.1")
    assert link.target.parent.code == "S1" and link.target.title == "Hear them"
    assert EditionGap.objects.get().decided_by_name == "Ann"
    assert set(EditionContent.of(edition).links) == {("B1", "S1.1")}
    assert Change.objects.get().framework.slug == "ours"


@pytest.mark.django_db(transaction=True)
def test_text_saved_decomposed_is_composed_and_found_by_what_people_type():
    apps = _migrate([("mapping", "0030_audit_forgotten"), ("standards", "0012_text_is_printable")])
    try:
        Framework = apps.get_model("standards", "Framework")
        Element = apps.get_model("standards", "Element")
        Mapping = apps.get_model("mapping", "Mapping")
        Link = apps.get_model("mapping", "Link")
        ours = Framework.objects.create(name="Ein ffyrdd", slug="ours", kind="behaviours",
                                        publisher="Ni")  # fmt: skip
        theirs = Framework.objects.create(name="Safonau", slug="theirs", kind="standards",
                                          publisher="Nhw")  # fmt: skip
        b1 = Element.objects.create(framework=ours, code="B1", title="Dw\u0302r gla\u0302n",
                                    level_label="Ymddygiad")  # fmt: skip
        s1 = Element.objects.create(framework=theirs, code="S1", title="Tegwch",
                                    level_label="Nodwedd")  # fmt: skip
        mapping = Mapping.objects.create(name="Y gofrestr", slug="y-gofrestr", organisation="Ni",
                                         source_framework=ours, target_framework=theirs,
                                         is_default=True)  # fmt: skip
        link = Link.objects.create(mapping=mapping, source=b1, target=s1, relation="supports",
                                   rationale="Am ddw\u0302r.", status="approved")  # fmt: skip
    finally:
        call_command("migrate", verbosity=0)
    from mapping.models import Link as LiveLink
    from standards.models import Element as LiveElement

    assert LiveElement.objects.get(pk=b1.pk).title == "Dŵr glân"
    assert LiveLink.objects.get(pk=link.pk).rationale == "Am ddŵr."
    found = LiveLink.objects.filter(search_text__contains="glân")  # its trigger made it again
    assert list(found.values_list("pk", flat=True)) == [link.pk]
