"""The whole register as JSON: the backup that survives a change of database. Exported,
restored into an empty database and exported again, it is the same document."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from mapping.exchange.register_json.schema import RegisterDocument
from mapping.exchange.register_json.writer import live_document
from mapping.models import Change, Edition, Link, Mapping, ReviewedGap
from mapping.models.retiring import retire_element
from standards.models import Element, Framework
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()


def _empty_the_database() -> None:
    if connection.vendor == "postgresql":  # TRUNCATE waits for no deferred checks
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)


def _lived_in(published, people) -> None:
    """A register with history: edits, a retired element, a reviewed gap, two editions."""
    mapping = published["mapping"]
    link = mapping.links.order_by("pk").first()
    Change.objects.apply(link, {"rationale": "Put better."}, by=people["editor"])
    element = mapping.source_framework.elements.get(code="B10.2")
    retire_element(element, by=people["editor"], reason="Folded into B10.1.")
    ReviewedGap.objects.create(mapping=mapping, reason="Not our business.",
                               element=mapping.target_framework.elements.get(code="KNO.5"),
                               decided_by=people["publisher"])  # fmt: skip
    Link.objects.filter(pk=link.pk).update(status="approved")
    Edition.objects.publish(mapping, by=people["publisher"], title="Second")
    Framework.objects.create(name="Spare", slug="spare", kind="standards", publisher="Body")


def _document() -> dict:
    document = live_document(Mapping.objects.order_by("pk"), whole_site=True)
    return json.loads(document.model_dump_json()) | {"exported_at": None}


def test_export_then_restore_into_an_empty_database_gives_the_same_register(
    published, people, tmp_path
):
    _lived_in(published, people)
    before = _document()
    assert before["changes"] and len(before["frameworks"]) == 4  # with one no register uses
    path = tmp_path / "site.json"
    call_command("export_register", output=path, stderr=io.StringIO())
    _empty_the_database()
    assert not Framework.objects.exists() and not Link.objects.exists()
    out = io.StringIO()
    call_command("import_register", path, stdout=out)
    assert "Restored 4 frameworks" in out.getvalue()
    assert _document() == before
    # The restored site goes on working: new rows get new ids, citations still resolve.
    mapping = Mapping.objects.default()
    fresh = Link.objects.create(
        mapping=mapping, source=mapping.source_framework.elements.get(code="B1"),
        target=mapping.target_framework.elements.get(code="KNO"), relation="supports",
        rationale="New after the move.",
    )  # fmt: skip
    assert fresh.pk > max(link["id"] for m in before["mappings"] for link in m["links"])
    assert Edition.objects.filter(mapping=mapping).count() == 3


def test_restoring_refuses_a_database_that_is_not_empty(demo, tmp_path):
    path = tmp_path / "site.json"
    call_command("export_register", output=path, stderr=io.StringIO())
    with pytest.raises(CommandError, match="already holds a register"):
        call_command("import_register", path)
    path.write_text('{"frameworks": "no"}')
    with pytest.raises(CommandError, match="is not a Weave register document"):
        call_command("import_register", path)


def test_a_registers_json_download_restores_as_that_register(published, client):
    response = client.get("/register.json")
    day = published["edition"].published_at
    assert response["Content-Disposition"].endswith(f'-register-{day:%Y-%m-%d}.json"')
    document = RegisterDocument.model_validate_json(response.content)
    assert [m.slug for m in document.mappings] == [published["mapping"].slug]
    assert len(document.mappings[0].links) == published["mapping"].links.count()
    assert [e.number for e in document.mappings[0].editions] == [1, 2]


def test_an_editions_json_restores_as_the_register_it_published(published, client):
    edition = published["edition"]
    content = client.get(f"/editions/{edition.number}/register.json").content
    frozen = sorted((r.source.code, r.target.code, r.relation, r.rationale)
                    for r in edition.links.select_related("source", "target"))  # fmt: skip
    elements = edition.elements.count()
    _empty_the_database()
    call_command("import_register", _write(content), stdout=io.StringIO())
    restored = sorted(Link.objects.values_list("source__code", "target__code", "relation",
                                               "rationale"))  # fmt: skip
    assert restored == frozen
    assert not Link.objects.exclude(status="approved").exists()
    assert Element.objects.count() == elements


def _write(content: bytes):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "edition.json"
    path.write_bytes(content)
    return path
