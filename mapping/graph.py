"""The register as a graph for the interactive map: a node for every element, an edge for
every link, and the JSON shape /map.json serves."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from mapping.coverage import Coverage
from mapping.models import Relation


class MapNode(BaseModel):
    id: str
    code: str
    label: str
    title: str
    kind: str  # behaviour, descriptor, characteristic or statement: drives shape and colour
    level: str
    description: str
    parent: str | None
    cluster: str  # the id of the top-level element it sits under
    url: str


class MapEdge(BaseModel):
    id: str
    reference: str  # the link's short reference, "B3.1 → INT.2"
    url: str  # its permalink
    source: str
    target: str
    relation: str
    relation_label: str
    rationale: str
    example: str


class MapData(BaseModel):
    """What map.json serves: the same elements and links the link table shows."""

    title: str
    relations: dict[str, str]
    nodes: list[MapNode]
    edges: list[MapEdge]


def map_data(coverage: Coverage, *, title: str, absolute: Callable[[str], str]) -> MapData:
    """What map.json serves for a register; absolute() turns a path into a full address."""
    nodes, edges = map_nodes_and_edges(coverage)
    for item in [*nodes, *edges]:
        item["url"] = absolute(item["url"])
    return MapData(
        title=title,
        relations={relation.value: relation.label for relation in Relation},
        nodes=nodes,
        edges=edges,
    )


def map_nodes_and_edges(coverage: Coverage) -> tuple[list[dict], list[dict]]:
    """The register as a graph: a node for every element, an edge for every link."""
    nodes = []
    for entries, prefix, kinds in (
        (coverage.behaviours, "b", ("behaviour", "descriptor")),
        (coverage.standards, "s", ("characteristic", "statement")),
    ):
        for entry in entries:
            element = entry.element
            top = element
            while top.parent_id is not None:
                top = top.parent
            nodes.append(
                {
                    "id": f"{prefix}:{element.code}",
                    "code": element.code,
                    "label": f"{element.code} {element.title}",
                    "title": element.title,
                    "kind": kinds[0] if element.parent_id is None else kinds[1],
                    "level": element.level_label,
                    "description": element.description,
                    "parent": f"{prefix}:{element.parent.code}" if element.parent_id else None,
                    "cluster": f"{prefix}:{top.code}",
                    "url": element.url,
                }
            )
    edges = [
        {
            "id": f"link:{link.link_id}",
            "reference": link.reference,
            "url": link.url,
            "source": f"b:{link.behaviour.code}",
            "target": f"s:{link.standard.code}",
            "relation": link.relation,
            "relation_label": link.get_relation_display(),
            "rationale": link.rationale,
            "example": link.example,
        }
        for entry in coverage.behaviours
        for link in entry.direct
    ]
    return nodes, edges
