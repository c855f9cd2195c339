"""The API's reference page, read from its own OpenAPI description: each operation with
its parameters (type, limits, example), its answers and a link to try it on the demo's
examples; and each schema with its fields. Plain HTML in the site's layout, so it reads
with a keyboard and a screen reader, and needs nothing from outside the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode


@dataclass
class Parameter:
    name: str
    where: str  # "path" or "query"
    kind: str
    required: bool
    description: str
    example: str


@dataclass
class Operation:
    path: str
    summary: str
    anchor: str
    parameters: list[Parameter]
    answers: list[tuple[str, str]]  # (status, what it carries)
    example_url: str
    # The highest edition number the example asks for: it works on a register with as many.
    example_edition: int = 0


@dataclass
class SchemaField:
    name: str
    kind: str
    required: bool
    description: str


@dataclass
class Reference:
    tags: list[tuple[str, list[Operation]]]
    schemas: list[tuple[str, str, list[SchemaField]]] = field(default_factory=list)


def kind_of(schema: dict[str, Any]) -> str:
    """A JSON Schema in a few words: "integer (1 to 500)", "LinkOut[]", "string or null"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            return " or ".join(kind_of(part) for part in schema[combined])
    if "enum" in schema:
        return "one of " + ", ".join(f"“{value}”" for value in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"{kind_of(schema.get('items', {}))}[]"
    if kind == "object" and "additionalProperties" in schema:
        inner = schema["additionalProperties"]
        return f"object of {kind_of(inner)}" if isinstance(inner, dict) else "object"
    limits = []
    if "minimum" in schema:
        limits.append(f"≥ {schema['minimum']}")
    if "maximum" in schema:
        limits.append(f"≤ {schema['maximum']}")
    if "maxLength" in schema:
        limits.append(f"at most {schema['maxLength']} characters")
    said = ", ".join(limits)
    shown = schema.get("format", kind) if kind == "string" else kind
    return f"{shown} ({said})" if said else shown


def _example(parameter: dict[str, Any]) -> Any:
    examples = parameter.get("examples") or parameter.get("schema", {}).get("examples") or []
    return examples[0] if examples else None


def read(description: dict[str, Any], examples: dict[str, Any] | None = None) -> Reference:
    """examples: a parameter's example by its name, in place of the description's (a link
    id that is there on this site, say)."""
    examples = examples or {}
    tags: dict[str, list[Operation]] = {}
    for path, methods in description["paths"].items():
        operation = methods["get"]
        parameters, url, query = [], path, {}
        for parameter in operation.get("parameters", []):
            example = examples.get(parameter["name"], _example(parameter))
            parameters.append(Parameter(
                name=parameter["name"], where=parameter["in"],
                kind=kind_of(parameter.get("schema", {})),
                required=parameter.get("required", False),
                description=parameter.get("description", ""),
                example="" if example is None else str(example),
            ))  # fmt: skip
            if parameter["in"] == "path":
                url = url.replace(f"{{{parameter['name']}}}", str(example))
            elif parameter.get("required"):
                query[parameter["name"]] = example
        answers = []
        for status, answer in operation.get("responses", {}).items():
            content = answer.get("content", {}).get("application/json", {})
            answers.append((status, kind_of(content.get("schema", {})) if content else ""))
        tag = (operation.get("tags") or ["API"])[0]
        tags.setdefault(tag, []).append(Operation(
            path=path, summary=operation.get("summary", ""), anchor=operation["operationId"],
            parameters=parameters, answers=answers,
            example_url=url + (f"?{urlencode(query)}" if query else ""),
            example_edition=max((int(query[name]) for name in ("old", "new") if name in query),
                                default=0),
        ))  # fmt: skip
    schemas = []
    for name, schema in description.get("components", {}).get("schemas", {}).items():
        if "properties" not in schema:
            continue
        required = set(schema.get("required", []))
        fields = [
            SchemaField(key, kind_of(value), key in required, value.get("description", ""))
            for key, value in schema["properties"].items()
        ]
        schemas.append((name, schema.get("description", ""), fields))
    return Reference(tags=list(tags.items()), schemas=schemas)
