"""A Kumu blueprint of any register (live, or as an edition froze it), from which an
organisation can rebuild its Kumu map."""

from __future__ import annotations

from collections.abc import Callable

from mapping.models import Side
from mapping.models.link_rows import not_yet_approved


def kumu_blueprint(register, *, absolute: Callable[[str], str]) -> dict:
    """Elements (every element of both frameworks, with what they sit under) and
    connections (every link, with its relation and rationale), as Kumu imports them."""
    labels = {}
    elements = []
    for side in (Side.SOURCE, Side.TARGET):
        framework = register.framework(side)
        for element in register.elements(side):
            label = f"{element.code} {element.title}"
            if label in labels.values():
                label = f"{label} ({framework.name})"
            labels[(side, element.pk)] = label
            elements.append({
                "label": label,
                "type": element.level_label,
                "description": element.description,
                "tags": [framework.name, register.words.one(side)],
                "code": element.code,
                "url": absolute(element.url),
            })  # fmt: skip
    connections = []
    for side in (Side.SOURCE, Side.TARGET):
        for element in register.elements(side):
            if element.parent_id is not None and (side, element.parent_id) in labels:
                connections.append({
                    "from": labels[(side, element.pk)],
                    "to": labels[(side, element.parent_id)],
                    "type": "part of",
                    "direction": "directed",
                })  # fmt: skip
    for link in register.all_links():
        connections.append({
            "from": labels[(Side.SOURCE, link.source_id)],
            "to": labels[(Side.TARGET, link.target_id)],
            "type": link.get_relation_display(),
            "direction": "directed",
            "description": link.rationale,
            # A live link not yet approved says so, in its tags too (Kumu filters by them).
            "tags": ["link", *(["not yet approved"] if not_yet_approved(link) else [])],
            "status": not_yet_approved(link) or "approved",
            "reference": link.reference,
            "in practice": link.example,
            "url": absolute(link.url),
        })  # fmt: skip
    return {"elements": elements, "connections": connections}
