"""CASE 1.0 in and out. The OpenSALT packages in tests/vectors/case are the judges of the
import; the CASE JSON schema (as OpenSALT ships it) is the judge of the export, and a
package Weave wrote must read back into Weave unchanged."""

import json
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse

from mapping.exchange.case.reader import SCHEMA
from mapping.models import Link
from standards.models import Framework
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "case"
VALID = ["MarkdownFramework.json", "Ordering.json", "Utf8TestFramework.json",
         "SmartLevelFramework.json"]  # fmt: skip
BROKEN = "opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json"
NEW = {"details": {"slug": "imported", "kind": "standards"}}


def _validator():
    return jsonschema.Draft4Validator(json.loads(SCHEMA.read_text()))


def test_the_vendored_schema_is_the_vectors_schema():
    assert SCHEMA.read_bytes() == (VECTORS / "case-v1p0-cfpackage-schema.json").read_bytes()


@pytest.mark.parametrize("name", VALID)
def test_each_valid_vector_imports_completely(db, dry_run, apply, name):
    package = json.loads((VECTORS / name).read_text())
    assert not list(_validator().iter_errors(package))  # the vector is valid, as it says
    batch = dry_run("framework", (VECTORS / name).read_bytes(), name, **NEW)
    (part,) = batch.summary
    assert not part["blocked"], part["problems"]
    assert part["counts"]["creates"] == len(package["CFItems"])
    apply(batch)
    framework = Framework.objects.get(slug="imported")
    document = package["CFDocument"]
    assert framework.name == document["title"]
    assert str(framework.case_identifier) == document["identifier"]
    elements = {str(e.case_identifier): e for e in framework.elements.select_related("parent")}
    assert set(elements) == {item["identifier"] for item in package["CFItems"]}
    for item in package["CFItems"]:
        element = elements[item["identifier"]]
        if item.get("humanCodingScheme"):
            assert element.code == item["humanCodingScheme"]
        statement = item["fullStatement"].strip()
        assert statement.startswith(element.title.rstrip("…")) or element.description == statement
    for association in package["CFAssociations"]:
        if association["associationType"] != "isChildOf":
            continue
        child = elements[association["originNodeURI"]["identifier"]]
        parent = elements.get(association["destinationNodeURI"]["identifier"])
        assert child.parent == parent  # None where the parent is the document


def test_the_unicode_vector_keeps_its_characters(db, dry_run, apply):
    apply(dry_run("framework", (VECTORS / "Utf8TestFramework.json").read_bytes(),
                  "utf8.json", **NEW))  # fmt: skip
    framework = Framework.objects.get(slug="imported")
    assert framework.name == "UTF8 𝑑 Test"
    assert framework.elements.get().title == "Item 𝑑 1"


def test_the_package_that_breaks_the_schema_comes_in_with_a_warning_for_each_breach(
    db, dry_run, apply
):
    package = json.loads((VECTORS / BROKEN).read_text())
    breaches = list(_validator().iter_errors(package))
    assert breaches  # the vector is broken, as it says
    batch = dry_run("framework", (VECTORS / BROKEN).read_bytes(), BROKEN, **NEW)
    (part,) = batch.summary
    assert not part["blocked"] and batch.can_be_applied
    warnings = [p for p in part["problems"] if p["message"].startswith("Not as CASE 1.0 says")]
    assert len(warnings) == len(breaches)
    assert all(not p["blocking"] and p["where"] for p in warnings)
    assert any("“1” is not a sequence number" in p["message"] or "'1' is not of type"
               in p["message"] for p in part["problems"])  # fmt: skip
    assert "3 precedes associations left out" in str(part["problems"])
    assert any("associations between its items and another framework" in n for n in part["notes"])
    apply(batch)
    assert Framework.objects.get(slug="imported").elements.count() == len(package["CFItems"])


@pytest.mark.parametrize("side", ["behaviours", "standards"])
@pytest.mark.parametrize("prefix", ["", "/editions/1"])
def test_weaves_case_export_passes_the_schema(published, client, side, prefix):
    framework = _framework(published["mapping"], side)
    response = client.get(f"{prefix}/elements/{framework.slug}.case.json")
    assert response["Content-Type"] == "application/json"
    # A live file is named by its day, an edition's by its number.
    named = f"edition-1-{side}-case.json" if prefix else f"-{side}-case-{_today()}.json"
    assert response["Content-Disposition"].endswith(f'{named}"')
    package = json.loads(response.content)
    errors = [f"{list(e.path)}: {e.message}" for e in _validator().iter_errors(package)]
    assert not errors, errors[:5]
    items = package["CFItems"]
    assert len(items) == framework.elements.filter(retired=False).count()
    links = [a for a in package["CFAssociations"] if a["associationType"] != "isChildOf"]
    live = Link.objects.filter(mapping=published["mapping"]).exclude(status="retired")
    expected = published["edition"].links.count() if prefix else live.count()
    assert len(links) == expected


def test_a_case_file_weave_wrote_reads_back_unchanged(published, client, dry_run, people):
    mapping = published["mapping"]
    standards = client.get(f"/elements/{mapping.target_framework.slug}.case.json").content
    batch = dry_run("framework", standards, "standards.json", framework=mapping.target_framework)
    (part,) = batch.summary
    current = mapping.target_framework.elements.filter(retired=False).count()
    assert part["counts"] == {"creates": 0, "changes": 0, "unchanged": current, "missing": 0,
                              "errors": 0, "warnings": 0}  # fmt: skip
    # The behaviours' package carries the register's links as associations.
    behaviours = client.get(f"/elements/{mapping.source_framework.slug}.case.json").content
    batch = dry_run("links", behaviours, "behaviours.json", mapping=mapping)
    (part,) = batch.summary
    assert (part["counts"]["creates"], part["counts"]["changes"], part["counts"]["errors"]) == (
        0, 0, 0)  # fmt: skip
    assert part["counts"]["unchanged"] == mapping.links.exclude(status="retired").count()


def test_a_case_file_weave_wrote_makes_the_same_framework_anew(published, client, dry_run,
                                                               apply):  # fmt: skip
    original = published["mapping"].target_framework
    Framework.objects.filter(pk=original.pk).update(level_plurals={"Criterion": "Criteria"})
    content = client.get(f"/elements/{original.slug}.case.json").content
    assert not [e.message for e in _validator().iter_errors(json.loads(content))]
    original.case_identifier = None  # as if it were another site's
    Framework.objects.filter(pk=original.pk).update(slug="old-copy")
    apply(dry_run("framework", content, "standards.json",
                  details={"slug": "copy", "kind": "standards"}))  # fmt: skip
    copy = Framework.objects.get(slug="copy")
    assert (copy.name, copy.publisher, copy.year) == (original.name, original.publisher,
                                                      original.year)  # fmt: skip
    assert copy.level_plurals == {"Criterion": "Criteria"}  # carried in Weave's extension

    def shape(framework):
        return sorted(
            (e.code, e.title, e.description, e.level_label, e.parent.code if e.parent else None,
             e.position)
            for e in framework.elements.filter(retired=False).select_related("parent")
        )  # fmt: skip

    assert shape(copy) == shape(original)


def test_a_case_file_of_a_framework_already_here_is_not_made_a_copy(published, client,
                                                                    dry_run):  # fmt: skip
    """Its identifiers are the ones Weave derives for that framework: a copy would share
    them, and the CASE API would show only one of the two."""
    original = published["mapping"].target_framework
    content = client.get(f"/elements/{original.slug}.case.json").content
    batch = dry_run("framework", content, "standards.json",
                    details={"slug": "copy", "kind": "standards"})  # fmt: skip
    (part,) = batch.summary
    assert part["blocked"] and not batch.can_be_applied
    messages = [problem["message"] for problem in part["problems"]]
    assert f"This package is already in Weave as {original.name}" in " ".join(messages)


def _framework(mapping, side: str):
    """The demo register's framework on a side, named by the register's word for it."""
    return mapping.source_framework if side == "behaviours" else mapping.target_framework


def _today():
    from django.utils import timezone

    return timezone.localdate().isoformat()


def test_the_import_page_offers_the_case_format(as_role, db):
    html = as_role("editor").get(reverse("framework_import")).content.decode()
    assert "CASE 1.0" in html


def test_a_case_package_without_items_says_so(db, dry_run):
    """It read "the file changes nothing: it is already in Weave as it says" for a new
    framework that is not. (A table without rows already says so.)"""
    batch = dry_run("framework", b'{"CFDocument": {"identifier": 1e999}}', "empty.json",
                    details={"slug": "empty", "kind": "standards"})  # fmt: skip
    (part,) = batch.summary
    assert part["blocked"] and not batch.can_be_applied
    assert "The file has no elements: it has no items (CFItems)." in " ".join(
        p["message"] for p in part["problems"])  # fmt: skip


def test_a_case_packages_source_that_is_no_web_address_is_refused(db, dry_run):
    """A javascript: address would be the "publisher's own text" link on every page of the
    framework: refused, as the framework's own form refuses it."""
    package = json.loads((VECTORS / VALID[0]).read_text())
    package["CFDocument"]["officialSourceURL"] = "javascript:alert(document.domain)"
    batch = dry_run("framework", json.dumps(package).encode(), "js.json", **NEW)
    assert batch.is_failed and not batch.can_be_applied
    assert "“javascript:alert(document.domain)” is not a web address" in batch.error, batch.error
    assert not Framework.objects.filter(source_url__startswith="javascript").exists()


def test_what_weave_holds_is_written_out_as_it_is(published, client):
    """The check is for what comes in from people: an address the form took (ftp://), or
    one an older install kept, still reads out in the API and in a backup."""
    from mapping.exchange.backup import make_backup

    Framework.objects.filter(slug="cih-professional-standards-2021").update(
        source_url="ftp://example.org/standards.pdf")  # fmt: skip
    assert client.get("/api/frameworks").status_code == 200
    Framework.objects.filter(slug="cih-professional-standards-2021").update(
        source_url="javascript:alert(1)")  # fmt: skip
    assert make_backup().site.frameworks
