"""The register as one JSON document: frameworks and their elements, mappings with their
links, reviewed gaps and editions, and the history. Written from the live database it is a
complete backup, ids and dates included, that restores into an empty database (SQLite or
PostgreSQL) as the same data; written from an edition it is that edition's register.

Version 2 names each register's two frameworks and each link's two elements source and
target; version 1 (every register behaviours → standards) still reads, its names taken as
those (see LinkPayload and the aliases here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, Field, field_validator

from mapping.exchange.schemas import LinkPayload, Payload
from standards.schemas import ElementPayload, FrameworkDetails

FORMAT = "weave-register"
# Version 1's names for the two ends of a register.
OLD_SIDES = {"behaviours": "source", "standards": "target"}


def _side(value):
    return OLD_SIDES.get(value, value)


class Stamps(Payload):
    created_at: datetime | None = None
    updated_at: datetime | None = None
    revision: int = 1


class ElementRecord(ElementPayload, Stamps):
    id: int
    position: int = 0
    retired: bool = False
    retired_reason: str = ""


class FrameworkRecord(FrameworkDetails, Stamps):
    id: int
    retired: bool = False
    retired_reason: str = ""
    replaces: str | None = None  # the slug of the framework it is a new version of
    elements: list[ElementRecord]


class LinkRecord(LinkPayload, Stamps):
    id: int
    status: Literal["draft", "proposed", "approved", "retired"] = "approved"
    retired_reason: str = ""
    created_by: str | None = None
    updated_by: str | None = None
    accepted_from: dict[str, Any] = {}  # the suggestion it was accepted from, if any


class DismissedRecord(Payload):
    """A suggestion dismissed, and why: the pair is not suggested again."""

    source: str  # codes
    target: str
    reason: str = Field(min_length=1)
    decided_by: str | None = None
    decided_at: datetime


class InferredRecord(Payload):
    """A link inferred through a crosswalk, as an edition froze it with its strongest path."""

    source: str  # codes
    target: str
    relation: Literal["same_as", "fully_covers", "partly_covers", "closely_matches", "supports"]
    paths: int = Field(ge=1)
    via_code: str
    via_title: str
    first: dict[str, Any]
    second: dict[str, Any]


class GapRecord(Payload):
    side: Literal["source", "target"]
    element: str  # its code
    reason: str
    decided_by: str | None = None
    decided_at: datetime

    _old_side = field_validator("side", mode="before")(_side)


class FrozenElement(ElementPayload):
    element_id: int  # the live element it was copied from


class FrozenFramework(FrameworkDetails):
    framework_id: int
    side: Literal["source", "target"] | None = None  # version 1: behaviours → source
    elements: list[FrozenElement]

    @property
    def end(self) -> str:
        return self.side or ("source" if self.kind == "behaviours" else "target")


class FrozenLink(LinkPayload):
    link_id: int
    updated_at: datetime


class EditionRecord(Payload):
    number: int
    title: str
    notes: str = ""
    published_at: datetime
    published_by: str | None = None
    register_name: str
    organisation: str
    register_description: str = ""
    guide_intro: str = ""
    digest: str
    frameworks: list[FrozenFramework]
    links: list[FrozenLink]
    gaps: list[GapRecord]
    inferred: list[InferredRecord] = []


class MappingRecord(Payload):
    id: int
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=80)
    organisation: str = Field(min_length=1, max_length=200)
    description: str = ""
    guide_intro: str = ""
    licence_url: str = ""
    is_default: bool = False
    moved_to: str | None = None  # the slug of the register it was moved onto, if any
    source_framework: str = Field(  # slugs
        validation_alias=AliasChoices("source_framework", "behaviours_framework")
    )
    target_framework: str = Field(
        validation_alias=AliasChoices("target_framework", "standards_framework")
    )
    created_at: datetime | None = None
    updated_at: datetime | None = None
    links: list[LinkRecord]
    gaps: list[GapRecord] = []
    dismissed: list[DismissedRecord] = []
    editions: list[EditionRecord] = []


class ChangeRecord(Payload):
    id: int
    mapping: str | None = None  # slug
    framework: str | None = None  # slug
    subject_type: Literal["link", "element", "framework"]
    subject_id: int
    subject_label: str
    action: str
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    reason: str = ""
    user: str | None = None
    at: datetime
    reverts: int | None = None


class RegisterDocument(Payload):
    format: Literal["weave-register"] = FORMAT
    version: Literal[1, 2] = 2
    exported_at: datetime
    source: str = Field(default="", description="The live register, or which edition.")
    frameworks: list[FrameworkRecord]
    mappings: list[MappingRecord]
    changes: list[ChangeRecord] = []
