"""CASE 1.0 (Competencies and Academic Standards Exchange) packages, in and out.

In: a framework from a CFPackage's CFDocument and CFItems, its tree from the isChildOf
associations, its codes from humanCodingScheme; the package's other associations between
items Weave knows become links. A package that breaks the CASE schema is read with a
warning for each breach; one that cannot be read at all is refused with a message.

Out: a framework with its elements, and the register's links from it as associations to
the other framework's items. Weave's five relations travel as association groupings, the
rationale as the association's notes, so a package Weave wrote reads back unchanged.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jsonschema
from pydantic import ValidationError

from mapping.exchange.problems import Problem, UnreadableFile
from mapping.importing import problems_of
from mapping.models.link_rows import Relation
from standards.models import CODE_PATTERN
from standards.schemas import FROM_PEOPLE, ElementPayload, FrameworkDetails, FrameworkPayload

SCHEMA = Path(__file__).resolve().parent / "vendor" / "case-v1p0-cfpackage-schema.json"
# Weave's identifiers for CASE, for what was not imported from CASE: stable across exports.
NAMESPACE = uuid.UUID("5c7e4ad2-3a0f-4f5e-9b0e-0c2b8f6e7a11")
LINK_TYPES = {"exactMatchOf": Relation.SAME_AS, "isRelatedTo": Relation.SUPPORTS}
NOT_LINKS = ("isPeerOf", "isPartOf", "precedes", "replacedBy", "exemplar", "hasSkillLevel")


def derived_identifier(*parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(parts))


def element_identifier(framework, element) -> uuid.UUID:
    return element.case_identifier or derived_identifier(framework.slug, element.code)


def framework_identifier(framework) -> uuid.UUID:
    return framework.case_identifier or derived_identifier("framework", framework.slug)


@cache
def _validator() -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(json.loads(SCHEMA.read_text()))


@dataclass
class Association:
    """A CASE association that could become a link, with where it came from."""

    identifier: str
    origin: str  # item identifiers
    destination: str
    relation: Relation
    rationale: str
    example: str


@dataclass
class Package:
    """What Weave reads from a CFPackage."""

    identifier: uuid.UUID | None
    title: str
    creator: str
    details: dict  # framework fields the document gives
    elements: list[tuple[str, ElementPayload]]  # (item identifier, element)
    codes: dict[str, str]  # item identifier → code
    associations: list[Association] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


TOO_DEEP = "The file nests lists or objects too deeply to be a CASE package."


def read_package(content: bytes) -> Package:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise UnreadableFile("The file is not UTF-8 text, so it is not a CASE package.") from error
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            f"The file is not JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from error
    except RecursionError as error:
        raise UnreadableFile(TOO_DEEP) from error
    except ValueError as error:  # a number of more digits than Python reads from text
        raise UnreadableFile(f"The file holds a value that cannot be read: {error}.") from error
    if is_weave_framework(data):
        return _read_weave_framework(data)
    if not isinstance(data, dict) or not isinstance(data.get("CFDocument"), dict):
        raise UnreadableFile("The file is JSON but not a CASE package: it has no CFDocument "
                             "(nor is it one of Weave's own framework files).")  # fmt: skip
    items = data.get("CFItems") or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise UnreadableFile("The package's CFItems is not a list of items.")
    try:
        errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.path))[:50]
    except RecursionError as error:
        raise UnreadableFile(TOO_DEEP) from error
    problems = [
        Problem(f"Not as CASE 1.0 says: {_said(error)}", item=_path(error), blocking=False)
        for error in errors
    ]
    return _read(data, items, problems)


def is_weave_framework(data) -> bool:
    """Weave's own framework file (a framework's details and its elements: what fixtures/
    ships and the demo is seeded from), rather than a CASE package."""
    return isinstance(data, dict) and "CFDocument" not in data and \
        isinstance(data.get("elements"), list) and "slug" in data  # fmt: skip


def _read_weave_framework(data: dict) -> Package:
    """Weave's own framework file, read as a package: its details and elements as they
    are (no associations: a register's links come in their own file)."""
    try:
        framework = FrameworkPayload.model_validate(data, context=FROM_PEOPLE)
    except ValidationError as error:
        said = " ".join(problem.message for problem in problems_of(error)[:5])
        raise UnreadableFile(f"The file is one of Weave's framework files, but {said}") from error
    details = framework.model_dump(include=set(FrameworkDetails.model_fields))
    elements = [(element.code, element) for element in framework.elements]
    codes = {element.code: element.code for element in framework.elements}
    return Package(framework.case_identifier, framework.name, framework.publisher, details,
                   elements, codes)  # fmt: skip


def _said(error: jsonschema.ValidationError) -> str:
    message = re.sub(r"\s+", " ", error.message)
    return message if len(message) < 200 else message[:197] + "…"


def _path(error: jsonschema.ValidationError) -> str:
    return "/".join(str(part) for part in error.absolute_path) or "package"


def _read(data: dict, items: list[dict], problems: list[Problem]) -> Package:
    document = data["CFDocument"]
    weave = (document.get("extensions") or {}).get("weave") or {}
    associations = [a for a in data.get("CFAssociations") or [] if isinstance(a, dict)]
    parents, order = {}, {}
    for association in associations:
        if association.get("associationType") != "isChildOf":
            continue
        child = _node(association, "originNodeURI")
        parents[child] = _node(association, "destinationNodeURI")
        order[child] = _sequence(association, problems)
    by_id = {str(item.get("identifier")): item for item in items}
    codes = _codes(by_id, parents, order, problems)
    elements = []
    for identifier, item in by_id.items():
        parent = parents.get(identifier)
        statement = str(item.get("fullStatement") or "").strip()
        short = str(item.get("abbreviatedStatement") or "").strip()
        title = short or statement
        description = statement if short or len(statement) > 300 else str(item.get("notes") or "")
        data_ = {
            "code": codes[identifier],
            "title": title if len(title) <= 300 else title[:297].rsplit(" ", 1)[0] + "…",
            "description": description.strip(),
            "level_label": str(item.get("CFItemType") or "Item")[:60],
            "parent": codes.get(parent) if parent in by_id else None,
            "position": order.get(identifier),
            "case_identifier": _uuid(identifier),
        }
        try:
            elements.append((identifier, ElementPayload.model_validate(data_, context=FROM_PEOPLE)))
        except ValidationError as error:
            problems += problems_of(error, item=codes[identifier])
    elements = _parents_first(elements)
    links = _associations(associations, problems)
    details = {
        "name": str(document.get("title") or "Untitled framework")[:200],
        "publisher": str(document.get("publisher") or document.get("creator") or "Unknown")[:200],
        "version_label": str(document.get("version") or "")[:60],
        "source_url": str(document.get("officialSourceURL") or "")[:200],
        "description": str(document.get("description") or ""),
        "citation_note": str(document.get("notes") or ""),
        "kind": weave.get("kind") if weave.get("kind") in ("behaviours", "standards") else None,
        "slug": weave.get("slug"),
        "year": weave.get("year") if isinstance(weave.get("year"), int) else None,
        "level_plurals": plurals if isinstance(plurals := weave.get("level_plurals"), dict) else {},
    }
    return Package(_uuid(document.get("identifier")), details["name"],
                   str(document.get("creator") or ""), details, elements, codes, links,
                   problems)  # fmt: skip


def _node(association: dict, end: str) -> str:
    node = association.get(end) or {}
    return str(node.get("identifier") if isinstance(node, dict) else node)


def _sequence(association: dict, problems: list[Problem]) -> int | None:
    value = association.get("sequenceNumber")
    if value is None:
        return None
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        problems.append(Problem(f"“{value}” is not a sequence number: the item keeps its "
                                "place in the file.", item=str(association.get("identifier")),
                                blocking=False))  # fmt: skip
        return None


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _codes(by_id: dict, parents: dict, order: dict, problems: list[Problem]) -> dict[str, str]:
    """Each item's code: its humanCodingScheme where that is a code, else its place in the
    tree ("2.1.3"), each once."""
    codes, used, uncoded = {}, set(), []
    pattern = re.compile(CODE_PATTERN)
    places = _places(by_id, parents, order)
    for identifier, item in by_id.items():
        wanted = str(item.get("humanCodingScheme") or "").strip()
        code = re.sub(r"[^A-Za-z0-9._-]+", "-", wanted).strip("-._")[:32]
        if not wanted:
            code = places[identifier]
            uncoded.append(code)
        elif not pattern.match(code):
            code = places[identifier]
        elif code != wanted:
            problems.append(Problem(f"“{wanted}” is not a Weave code: coded {code}.",
                                    item=identifier, blocking=False))  # fmt: skip
        if code in used:
            original, number = code, 2
            while f"{original}-{number}" in used:
                number += 1
            code = f"{original}-{number}"
            problems.append(Problem(f"{original} is used by another item too: this one is "
                                    f"coded {code}.", item=identifier, blocking=False))  # fmt: skip
        used.add(code)
        codes[identifier] = code
    if uncoded:
        shown = ", ".join(uncoded[:5]) + (", …" if len(uncoded) > 5 else "")
        problems.append(Problem(
            f"{len(uncoded)} item{'s have' if len(uncoded) > 1 else ' has'} no "
            f"humanCodingScheme, so each is coded by its place in the tree ({shown}).",
            blocking=False,
        ))  # fmt: skip
    return codes


def _places(by_id: dict, parents: dict, order: dict) -> dict[str, str]:
    children: dict[str | None, list[str]] = {}
    for identifier in by_id:
        parent = parents.get(identifier)
        children.setdefault(parent if parent in by_id else None, []).append(identifier)
    places: dict[str, str] = {}

    def visit(parent: str | None, prefix: str) -> None:
        ranked = sorted(children.get(parent, []), key=lambda i: (order.get(i) is None,
                                                                  order.get(i) or 0))  # fmt: skip
        for number, identifier in enumerate(ranked, start=1):
            if identifier not in places:
                places[identifier] = f"{prefix}{number}"
                visit(identifier, f"{prefix}{number}.")

    visit(None, "")
    for identifier in by_id:  # in a circle: no place from the top
        places.setdefault(identifier, f"X{len(places) + 1}")
    return places


def _parents_first(elements: list[tuple[str, ElementPayload]]) -> list:
    placed, ordered, waiting = set(), [], list(elements)
    while waiting:
        ready = [(i, e) for i, e in waiting if e.parent is None or e.parent in placed]
        if not ready:  # a circle: the plan says so
            ordered += waiting
            break
        ordered += ready
        placed |= {e.code for _i, e in ready}
        waiting = [(i, e) for i, e in waiting if e.code not in placed]
    return ordered


def _associations(associations: list[dict], problems: list[Problem]) -> list[Association]:
    found, skipped = [], {}
    for association in associations:
        kind = association.get("associationType")
        if kind == "isChildOf":
            continue
        grouping = association.get("CFAssociationGroupingURI") or {}
        relation = Relation.from_text(str(grouping.get("title") or "")) if grouping else None
        relation = relation or LINK_TYPES.get(kind)
        if relation is None:
            skipped[kind] = skipped.get(kind, 0) + 1
            continue
        weave = (association.get("extensions") or {}).get("weave") or {}
        found.append(Association(
            identifier=str(association.get("identifier")),
            origin=_node(association, "originNodeURI"),
            destination=_node(association, "destinationNodeURI"),
            relation=relation,
            rationale=str(association.get("notes") or "").strip()
            or f"From a CASE {kind} association.",
            example=str(weave.get("example") or ""),
        ))  # fmt: skip
    for kind, count in sorted(skipped.items(), key=lambda pair: str(pair[0])):
        problems.append(Problem(f"{count} {kind} association{'s' if count > 1 else ''} "
                                "left out: Weave's links say how an element of one framework "
                                "relates to one of another, which these do not.",
                                blocking=False))  # fmt: skip
    return found
