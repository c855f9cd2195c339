"""Every rule the database enforces is a form error first: in the admin, a change the
database would refuse comes back as the form with its message, and nothing is written."""

from standards.models import Element, Framework
from tests.mapping.conftest import snapshot


def _element_form(element, **changes) -> dict:
    data = {"framework": element.framework_id, "code": element.code, "title": element.title,
            "description": element.description, "level_label": element.level_label,
            "parent": element.parent_id or "", "position": element.position,
            "source_check": element.source_check, "revision": element.revision}  # fmt: skip
    return data | changes


def test_an_element_stays_in_its_framework(small, as_role):
    """Its framework is fixed once it is made (shown, not offered): one posted is not read."""
    element = small["b11"]  # linked, with a parent
    response = as_role("admin").post(f"/admin/standards/element/{element.pk}/change/",
                                     _element_form(element, framework=small["standards"].pk,
                                                   parent=""))  # fmt: skip
    assert response.status_code == 302
    assert Element.objects.get(pk=element.pk).framework_id == small["behaviours"].pk


def test_an_element_cannot_sit_under_its_own_child(small, as_role):
    before = snapshot()
    form = _element_form(small["b1"], parent=small["b11"].pk)
    response = as_role("admin").post(f"/admin/standards/element/{small['b1'].pk}/change/", form)
    assert response.status_code == 200
    assert "An element cannot sit under itself." in response.content.decode()
    assert snapshot() == before


def test_parents_in_a_circle_across_one_save_are_refused(small, as_role):
    """B1 under B2 and B2 under B1, in one save of the framework's inline rows."""
    framework = small["behaviours"]
    elements = list(framework.elements.order_by("pk"))
    data = {"name": framework.name, "slug": framework.slug, "kind": framework.kind,
            "publisher": framework.publisher, "revision": framework.revision,
            "elements-TOTAL_FORMS": len(elements), "elements-INITIAL_FORMS": len(elements),
            "elements-MIN_NUM_FORMS": 0, "elements-MAX_NUM_FORMS": 1000}  # fmt: skip
    parents = {small["b1"].pk: small["b2"].pk, small["b2"].pk: small["b1"].pk}
    for index, element in enumerate(elements):
        prefix = f"elements-{index}-"
        data |= {prefix + "id": element.pk, prefix + "framework": framework.pk,
                 prefix + "code": element.code, prefix + "title": element.title,
                 prefix + "level_label": element.level_label,
                 prefix + "parent": parents.get(element.pk, element.parent_id or ""),
                 prefix + "position": element.position}  # fmt: skip
    before = snapshot()
    response = as_role("admin").post(f"/admin/standards/framework/{framework.pk}/change/", data)
    assert response.status_code == 200
    assert "These parents go round in a circle" in response.content.decode()
    assert snapshot() == before


def test_a_register_with_links_keeps_its_frameworks(small, as_role):
    other = Framework.objects.create(name="Other", slug="other", kind="standards",
                                     publisher="Body")  # fmt: skip
    mapping = small["mapping"]
    response = as_role("admin").post(f"/admin/mapping/mapping/{mapping.pk}/change/", {
        "name": mapping.name, "slug": mapping.slug, "organisation": mapping.organisation,
        "source_framework": small["behaviours"].pk, "target_framework": other.pk,
        "licence_url": mapping.licence_url})  # fmt: skip
    assert response.status_code == 302  # its frameworks are fixed once it is made: not read
    mapping.refresh_from_db()
    assert mapping.target_framework_id == small["standards"].pk
    assert Element.objects.filter(framework=other).count() == 0
