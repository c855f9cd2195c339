import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from mapping.models import Link, Mapping, Relation
from standards.models import Element, Framework

CHARACTERISTICS = [
    "Integrity",
    "Inclusive",
    "Ethical",
    "Knowledgeable",
    "Skilled",
    "Advocate",
    "Leadership",
]


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def test_it_ships_the_seven_cih_characteristics_in_order(demo):
    cih = demo.target_framework
    tops = cih.elements.filter(parent=None).order_by("position")
    assert [e.title for e in tops] == CHARACTERISTICS
    assert {e.level_label for e in tops} == {"Characteristic"}
    assert all(e.description for e in tops), "every characteristic has its definition"
    assert "CIH" in cih.citation_note or "Chartered Institute of Housing" in cih.citation_note
    assert cih.source_url


def test_every_cih_statement_sits_under_one_characteristic(demo):
    statements = demo.target_framework.elements.exclude(parent=None).select_related("parent")
    assert statements.count() >= 30
    for statement in statements:
        assert statement.level_label == "Standard statement"
        assert statement.parent.parent_id is None
        assert statement.code.startswith(statement.parent.code + ".")
    for characteristic in demo.target_framework.elements.filter(parent=None):
        assert characteristic.children.count() >= 3


def test_example_homes_has_ten_behaviours_and_twenty_five_descriptors(demo):
    behaviours = demo.source_framework
    assert "illustrative" in behaviours.publisher.lower()
    assert behaviours.elements.filter(parent=None, level_label="Behaviour").count() == 10
    descriptors = behaviours.elements.exclude(parent=None)
    assert descriptors.count() == 25
    assert set(descriptors.values_list("level_label", flat=True)) == {"Culture descriptor"}
    assert not descriptors.filter(parent__parent__isnull=False).exists()


def test_every_behaviour_and_characteristic_is_linked(demo):
    for top in Element.objects.filter(
        parent=None, framework__in=[demo.source_framework, demo.target_framework]
    ):
        subtree = top.framework.elements.filter(pk=top.pk) | top.children.all()
        assert (
            Link.objects.filter(source__in=subtree).exists()
            or Link.objects.filter(target__in=subtree).exists()
        ), f"{top.code} has no link"


def test_the_demo_mapping_is_complete_and_reasoned(demo):
    links = demo.links.all()
    assert 60 <= links.count() <= 120
    assert all(len(link.rationale) > 30 for link in links)
    assert set(links.values_list("relation", flat=True)) <= set(Relation.values)
    assert demo.is_default
    assert "illustrative" in demo.organisation.lower()


def test_codes_are_unique_within_each_framework(demo):
    for framework in Framework.objects.all():
        codes = list(framework.elements.values_list("code", flat=True))
        assert len(codes) == len(set(codes))


def test_seed_demo_twice_changes_nothing(demo):
    def snapshot():
        return (
            list(Framework.objects.values().order_by("pk")),
            list(Element.objects.values().order_by("pk")),
            list(Mapping.objects.values().order_by("pk")),
            list(Link.objects.values().order_by("pk")),
            list(get_user_model().objects.values("username", "password").order_by("pk")),
        )

    before = snapshot()
    output = seed(password="demo-password-for-tests")
    assert "already loaded" in output
    assert snapshot() == before


def test_seed_demo_keeps_edits_made_since(demo):
    link = demo.links.first()
    link.rationale = "Edited by leadership."
    link.save()
    seed(password="demo-password-for-tests")
    link.refresh_from_db()
    assert link.rationale == "Edited by leadership."


def test_seed_demo_creates_an_admin_and_prints_the_login(db):
    output = seed(password="a-long-demo-password")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("a-long-demo-password")
    assert "admin / a-long-demo-password" in output


def test_seed_demo_generates_a_password_when_none_is_given(db, monkeypatch):
    monkeypatch.delenv("WEAVE_DEMO_PASSWORD", raising=False)
    output = seed(password="")
    password = output.split("admin / ")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)


def test_a_payload_missing_fields_is_refused(db):
    from pydantic import ValidationError

    from standards.schemas import FrameworkPayload

    with pytest.raises(ValidationError, match="kind"):
        FrameworkPayload.model_validate_json('{"name": "x"}')


def test_a_child_listed_before_its_parent_is_refused():
    from pydantic import ValidationError

    from standards.schemas import FrameworkPayload

    with pytest.raises(ValidationError, match="must be listed before it"):
        FrameworkPayload.model_validate(
            {
                "name": "F",
                "slug": "f",
                "kind": "standards",
                "publisher": "P",
                "elements": [
                    {"code": "A.1", "parent": "A", "title": "Child", "level_label": "S"},
                    {"code": "A", "title": "Parent", "level_label": "C"},
                ],
            }
        )
