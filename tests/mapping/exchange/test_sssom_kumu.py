"""SSSOM and Kumu, judged from outside: the SSSOM reference toolkit (`sssom validate`, in
its own venv, .venv-sssom) must accept the TSV and read every link back; the Kumu
blueprint must hold every element and every link of the register."""

import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from mapping.models import Mapping, Relation
from mapping.register import EditionRegister, LiveRegister
from mapping.suggesting.listing import lexical as lexical_suggestions
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

SSSOM = Path(settings.BASE_DIR) / ".venv-sssom" / "bin" / "sssom"
CHECKS = ["-V", "JsonSchema", "-V", "PrefixMapCompleteness", "-V", "StrictCurieFormat"]


def _sssom(*args) -> subprocess.CompletedProcess:
    assert SSSOM.exists(), "The SSSOM toolkit is missing: `make setup-test` installs it."
    return subprocess.run([str(SSSOM), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("prefix", ["", "/editions/2"])
def test_the_sssom_export_passes_the_reference_toolkit(published, client, tmp_path, prefix):
    response = client.get(f"{prefix}/sssom.tsv")
    assert response["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    path = tmp_path / "links.sssom.tsv"
    path.write_bytes(response.content)
    checked = _sssom("validate", *CHECKS, str(path))
    said = checked.stdout + checked.stderr
    assert checked.returncode == 0, said
    assert "not well-formed" not in said and "rror" not in said, said
    # Read back by the toolkit: every link is a mapping, with its SKOS predicate.
    converted = _sssom("convert", "-O", "json", "-o", str(tmp_path / "out.json"), str(path))
    assert converted.returncode == 0, converted.stderr
    document = json.loads((tmp_path / "out.json").read_text())
    edition = published["edition"]
    links = list(edition.links.select_related("source", "target")) if prefix else \
        list(published["mapping"].links.select_related("source", "target"))  # fmt: skip
    assert len(document["mappings"]) == len(links)
    expected = {(f"source:{link.source.code}", f"skos:{Relation(link.relation).skos}",
                 f"target:{link.target.code}") for link in links}  # fmt: skip
    found = {(m["subject_id"], m["predicate_id"], m["object_id"]) for m in document["mappings"]}
    assert found == expected
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert document["mapping_set_id"].endswith(f"{prefix}/sssom.tsv")
    assert all(m["mapping_justification"] == "semapv:ManualMappingCuration"
               for m in document["mappings"])  # fmt: skip
    rationale = {m["subject_id"] + m["object_id"]: m["comment"] for m in document["mappings"]}
    some = links[0]
    assert rationale[f"source:{some.source.code}target:{some.target.code}"] == \
        " ".join(some.rationale.split())  # fmt: skip


def _judged(content: bytes, tmp_path) -> dict:
    """The toolkit's verdict on a TSV (it must pass), and the mappings it reads back."""
    path = tmp_path / "links.sssom.tsv"
    path.write_bytes(content)
    checked = _sssom("validate", *CHECKS, str(path))
    said = checked.stdout + checked.stderr
    assert checked.returncode == 0 and "rror" not in said, said
    converted = _sssom("convert", "-O", "json", "-o", str(tmp_path / "out.json"), str(path))
    assert converted.returncode == 0, converted.stderr
    return json.loads((tmp_path / "out.json").read_text())


@pytest.mark.parametrize("prefix", ["/m/example-homes-cc", "/m/example-homes-cc/editions/1"])
def test_inferred_links_are_chained_mappings_the_toolkit_accepts(demo, client, tmp_path, prefix):
    """?include=inferred adds what the register infers through the crosswalk (live, or as
    the edition froze it), each as semapv:MappingChaining with its path; by default the
    export holds the register's own links alone."""
    plain = _judged(client.get(f"{prefix}/sssom.tsv").content, tmp_path)
    assert {m["mapping_justification"] for m in plain["mappings"]} == {
        "semapv:ManualMappingCuration"
    }
    document = _judged(client.get(f"{prefix}/sssom.tsv?include=inferred").content, tmp_path)
    chained = [m for m in document["mappings"]
               if m["mapping_justification"] == "semapv:MappingChaining"]  # fmt: skip
    register = LiveRegister(Mapping.objects.get(slug="example-homes-cc"))
    if "editions" in prefix:
        register = EditionRegister(register.mapping.editions.get(number=1))
    expected = {(f"source:{link.source.code}", f"skos:{Relation(link.relation).skos}",
                 f"target:{link.target.code}") for link in register.inferred}  # fmt: skip
    assert {(m["subject_id"], m["predicate_id"], m["object_id"]) for m in chained} == expected
    assert len(document["mappings"]) == len(plain["mappings"]) + len(expected)
    b11 = next(m for m in chained if m["subject_id"] == "source:B1.1")
    assert b11["comment"] == ("Inferred through INC.3: B1.1 fully covers INC.3, which partly "
                              "covers CC5; not reviewed.")  # fmt: skip
    # Reached two ways, it says so, as the pages do.
    b2 = next(
        m for m in chained if m["subject_id"] == "source:B2" and m["object_id"] == "target:CC4"
    )
    assert b2["comment"].endswith("CC4 (and 1 other path); not reviewed.")


def test_lexical_suggestions_are_for_editors_and_the_toolkit_accepts_them(demo, as_role,
                                                                          tmp_path):  # fmt: skip
    url = "/m/example-homes-cc/sssom.tsv?include=inferred,lexical"
    assert as_role("viewer").get(url).status_code == 403
    stranger = Client().get(url)  # sent to log in, as for every editors' page
    assert stranger.status_code == 302
    assert stranger["Location"].startswith("/accounts/login/?next=")
    document = _judged(as_role("editor").get(url).content, tmp_path)
    lexical = [m for m in document["mappings"]
               if m["mapping_justification"] == "semapv:LexicalMatching"]  # fmt: skip
    assert len(lexical) == len(lexical_suggestions(LiveRegister(
        Mapping.objects.get(slug="example-homes-cc"))))  # fmt: skip
    assert all(m["comment"].startswith("Lexical suggestion, not reviewed: they share the "
                                       "words ") for m in lexical)  # fmt: skip


@pytest.mark.parametrize(("query", "status", "said"), [
    ("?include=everything", 400, "include: “everything” is not something to include"),
    ("?include=inferred,,nope", 400, "include: “nope” is not something to include"),
])  # fmt: skip
def test_a_bad_include_says_what_it_takes(demo, client, query, status, said):
    response = client.get(f"/m/example-homes-cc/sssom.tsv{query}")
    assert response.status_code == status
    assert said in response.content.decode()


def test_an_edition_has_no_lexical_suggestions(demo, as_role):
    response = as_role("editor").get("/m/example-homes-cc/editions/1/sssom.tsv?include=lexical")
    assert response.status_code == 400
    assert "an edition keeps no lexical suggestions" in response.content.decode()


def test_the_toolkit_is_a_real_judge(tmp_path):
    broken = tmp_path / "broken.sssom.tsv"
    broken.write_text(
        '#curie_map:\n#  a: "http://a/"\n#mapping_set_id: "http://x"\n#license: "http://y"\n'
        "subject_id\tpredicate_id\tobject_id\tmapping_justification\n"
        "a:1\tfoo:bar\ta:2\tsemapv:ManualMappingCuration\n"  # foo is no declared prefix
    )
    assert _sssom("validate", *CHECKS, str(broken)).returncode != 0


@pytest.mark.parametrize("prefix", ["", "/editions/2"])
def test_the_kumu_blueprint_has_every_element_and_link(published, client, prefix):
    response = client.get(f"{prefix}/kumu.json")
    assert response["Content-Disposition"].endswith(
        "edition-2-kumu.json\"" if prefix else ".json\"")  # fmt: skip
    blueprint = json.loads(response.content)
    mapping, edition = published["mapping"], published["edition"]
    if prefix:
        elements = list(edition.elements.all())
        links = list(edition.links.select_related("source", "target"))
    else:
        elements = [*mapping.source_framework.elements.filter(retired=False),
                    *mapping.target_framework.elements.filter(retired=False)]  # fmt: skip
        links = list(mapping.links.select_related("source", "target"))
    labels = {e["label"] for e in blueprint["elements"]}
    assert len(labels) == len(blueprint["elements"]) == len(elements)
    assert {e["code"] for e in blueprint["elements"]} == {e.code for e in elements}
    for element in blueprint["elements"]:
        assert set(element) >= {"label", "type", "description", "tags"}
    connections = [c for c in blueprint["connections"] if "link" in c.get("tags", [])]
    assert {c["reference"] for c in connections} == {link.reference for link in links}
    for connection in blueprint["connections"]:
        assert connection["from"] in labels and connection["to"] in labels
        assert connection["direction"] == "directed" and connection["type"]
    some = next(c for c in connections if c["reference"] == links[0].reference)
    assert some["description"] == links[0].rationale
    assert some["type"] == links[0].get_relation_display()


def test_a_draft_says_so_in_every_export_that_carries_it(published, client, tmp_path):
    """A live link not yet approved is marked where a tool downstream reads it, as on its
    page: SSSOM's comment (the toolkit still accepts it), Kumu's tags, CASE's extension.
    An approved one is not; an edition has only approved links."""
    draft = published["draft"]
    document = _judged(client.get("/sssom.tsv").content, tmp_path)
    comments = {(m["subject_id"], m["object_id"]): m["comment"] for m in document["mappings"]}
    assert comments[("source:B1", "target:LEA")] == \
        "Draft, not yet approved: A draft nobody approved."  # fmt: skip
    assert sum("not yet approved" in comment for comment in comments.values()) == 1
    blueprint = json.loads(client.get("/kumu.json").content)
    marked = [c for c in blueprint["connections"] if "not yet approved" in c.get("tags", [])]
    assert [(c["reference"], c["status"]) for c in marked] == [
        (draft.reference, "draft, not yet approved")]  # fmt: skip
    case = client.get("/elements/cih-professional-standards-2021.case.json").json()
    statuses = {a["notes"]: a["extensions"]["weave"]["status"] for a in case["CFAssociations"]
                if "extensions" in a}  # fmt: skip
    assert statuses["A draft nobody approved."] == "draft"
    assert set(statuses.values()) == {"approved", "draft"}
    frozen = json.loads(client.get("/editions/2/kumu.json").content)
    assert not [c for c in frozen["connections"] if "not yet approved" in c.get("tags", [])]


def test_the_case_files_carry_the_registers_licence(published, client):
    """As a licence definition in each; on the organisation's own framework's document too,
    never on a publisher's standards (their terms are the publisher's)."""
    standards = client.get("/elements/cih-professional-standards-2021.case.json").json()
    behaviours = client.get("/elements/example-homes-behaviours.case.json").json()
    for package in (standards, behaviours):
        (licence,) = package["CFDefinitions"]["CFLicenses"]
        assert licence["uri"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "licenseURI" not in standards["CFDocument"]
    assert behaviours["CFDocument"]["licenseURI"]["uri"] == licence["uri"]
    assert behaviours["CFDocument"]["licenseURI"]["identifier"] == licence["identifier"]
