from django.urls import reverse

from mapping.models import Link
from standards.models import Element

URL = reverse("map")
JSON_URL = reverse("map_json")


def test_the_map_data_is_the_same_data_the_table_shows(client, demo):
    data = client.get(JSON_URL).json()
    assert data["title"] == demo.name
    elements = Element.objects.filter(framework__in=[demo.source_framework, demo.target_framework])
    assert len(data["nodes"]) == elements.count()
    assert {n["code"] for n in data["nodes"]} == set(elements.values_list("code", flat=True))
    assert len(data["edges"]) == demo.links.count()
    by_id = {f"link:{link.pk}": link for link in Link.objects.select_related("source", "target")}
    for edge in data["edges"]:
        link = by_id[edge["id"]]
        assert edge["source"] == f"source:{link.source.code}"
        assert edge["target"] == f"target:{link.target.code}"
        assert edge["rationale"] == link.rationale
        assert edge["relation"] == link.relation
    assert set(data["relations"]) == {
        "same_as",
        "fully_covers",
        "partly_covers",
        "closely_matches",
        "supports",
    }


def test_nodes_carry_kind_cluster_and_permalink(client, demo):
    nodes = {n["id"]: n for n in client.get(JSON_URL).json()["nodes"]}
    assert nodes["source:B1"]["kind"] == "source" and nodes["source:B1"]["parent"] is None
    assert nodes["source:B1.2"]["kind"] == "source-child"
    assert nodes["source:B1.2"]["cluster"] == "source:B1"
    assert nodes["target:INT"]["kind"] == "target"
    assert nodes["target:INT.3"]["kind"] == "target-child"
    assert nodes["target:INT.3"]["parent"] == "target:INT"
    assert nodes["target:INT.3"]["url"] == (
        "http://testserver/elements/cih-professional-standards-2021/INT.3/"
    )


def test_the_page_lists_every_element_as_an_accessible_alternative(client, demo):
    html = client.get(URL).content.decode()
    frameworks = [demo.source_framework, demo.target_framework]
    for code in Element.objects.filter(framework__in=frameworks).values_list("code", flat=True):
        assert f'data-node="source:{code}"' in html or f'data-node="target:{code}"' in html
    assert "vendor/cytoscape-3.34.4/cytoscape.min.js" in html
    assert f'data-source="{JSON_URL}"' in html


def test_cytoscape_is_vendored_with_its_licence():
    from django.conf import settings

    folder = settings.BASE_DIR / "static" / "vendor" / "cytoscape-3.34.4"
    assert (folder / "cytoscape.min.js").stat().st_size > 100_000
    assert (
        "MIT" in (folder / "LICENSE").read_text()
        or "Permission is hereby granted" in (folder / "LICENSE").read_text()
    )


def test_they_allow_only_get(client, demo):
    assert client.post(URL).status_code == 405
    assert client.post(JSON_URL).status_code == 405


def test_without_a_mapping_they_are_not_found(client, db):
    assert client.get(URL).status_code == 404
    assert client.get(JSON_URL).status_code == 404
