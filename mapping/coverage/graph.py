"""The register as a graph for the interactive map: a node for every element, an edge for
every link, and the JSON shape /map.json serves."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

from mapping.coverage.rules import Coverage, top_of
from mapping.models import Relation

# The shapes /map.json serves. Typed dictionaries rather than validated models: the data is
# built here from the register's own rows, and at 10,000 links validating it again would cost
# more than building it.


class MapNode(TypedDict):
    id: str
    code: str
    label: str
    title: str
    # source or target for a top-level element, source-child or target-child for one under
    # it: drives shape and colour
    kind: str
    level: str
    description: str
    parent: str | None
    cluster: str  # the id of the top-level element it sits under
    url: str


class MapEdge(TypedDict):
    id: str
    reference: str  # the link's short reference, "B3.1 → INT.2"
    url: str  # its permalink
    source: str
    target: str
    relation: str
    relation_label: str
    rationale: str
    example: str


class MapInferred(TypedDict):
    """A link inferred through a crosswalk, not reviewed: drawn apart, never a link."""

    id: str
    reference: str
    source: str
    target: str
    relation: str
    relation_label: str
    through: str  # "inferred through INT.4"


class MapData(TypedDict):
    """What map.json serves: the same elements and links the link table shows, and apart
    from them the links inferred through crosswalks."""

    title: str
    relations: dict[str, str]
    nodes: list[MapNode]
    edges: list[MapEdge]
    inferred: list[MapInferred]


def map_data(coverage: Coverage, *, title: str, absolute: Callable[[str], str]) -> MapData:
    """What map.json serves for a register; absolute() turns a path into a full address.
    Every address is a path from the site's root, so the root's address is worked out once."""
    origin = absolute("/").removesuffix("/")
    nodes, edges = map_nodes_and_edges(coverage, origin=origin)
    return MapData(
        title=title,
        relations={relation.value: relation.label for relation in Relation},
        nodes=nodes,
        edges=edges,
        inferred=[_inferred(link) for link in coverage.inferred],
    )


def _inferred(link) -> MapInferred:
    return MapInferred(
        id=f"inferred:{link.source.code}:{link.target.code}", reference=link.reference,
        source=f"source:{link.source.code}", target=f"target:{link.target.code}",
        relation=link.relation, relation_label=link.get_relation_display(), through=link.through,
    )  # fmt: skip


def map_nodes_and_edges(
    coverage: Coverage, *, origin: str = ""
) -> tuple[list[MapNode], list[MapEdge]]:
    """The register as a graph: a node for every element, an edge for every link, each
    with its address after origin (the site's own, or nothing for paths)."""
    nodes = []
    for entries, prefix in ((coverage.sources, "source"), (coverage.targets, "target")):
        for entry in entries:
            element = entry.element
            nodes.append(
                MapNode(
                    id=f"{prefix}:{element.code}",
                    code=element.code,
                    label=f"{element.code} {element.title}",
                    title=element.title,
                    kind=prefix if element.parent_id is None else f"{prefix}-child",
                    level=element.level_label,
                    description=element.description,
                    parent=f"{prefix}:{element.parent.code}" if element.parent_id else None,
                    cluster=f"{prefix}:{top_of(element).code}",
                    url=origin + element.url,
                )
            )
    labels = {relation.value: relation.label for relation in Relation}
    edges = []
    for entry in coverage.sources:
        for link in entry.direct:
            source, target = link.source.code, link.target.code
            edges.append(
                MapEdge(
                    id=f"link:{link.link_id}",
                    reference=f"{source} → {target}",
                    url=origin + link.url,
                    source=f"source:{source}",
                    target=f"target:{target}",
                    relation=link.relation,
                    relation_label=labels[link.relation],
                    rationale=link.rationale,
                    example=link.example,
                )
            )
    return nodes, edges
