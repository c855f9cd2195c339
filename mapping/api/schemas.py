"""What the API answers with. Frameworks, elements and links are the import and export
payloads (standards/schemas.py, mapping/schemas.py) with what a reader of the register
also needs: ids, addresses, statuses, where an element sits. Nothing is described twice."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from mapping.exchange.schemas import LinkPayload, Payload
from mapping.models import Relation
from standards.schemas import ElementPayload, FrameworkDetails

Side = Literal["behaviours", "standards"]


class ErrorOut(Payload):
    detail: str = Field(description="What is wrong, in words.")
    parameter: str | None = Field(default=None, description="The parameter at fault, if one.")


# What any operation may answer besides its data: a bad parameter, a private site asked
# without a token, or a register, edition, element or link that is not there.
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut}


class FrameworkOut(FrameworkDetails):
    element_count: int
    url: str = Field(description="The framework's page.")
    api_url: str

    @classmethod
    def of(cls, framework, element_count: int, absolute) -> FrameworkOut:
        """A framework, live or as an edition froze it."""
        slug = framework.slug
        return cls(
            **{name: getattr(framework, name) for name in FrameworkDetails.model_fields},
            element_count=element_count, url=absolute(f"/frameworks/{slug}/"),
            api_url=absolute(f"/api/frameworks/{slug}"),
        )  # fmt: skip


class ElementOut(ElementPayload):
    side: Side
    depth: int = Field(description="0 at the top of the framework.")
    children: list[str] = Field(description="The codes of the elements directly under it.")
    url: str = Field(description="The element's page in this register.")

    @classmethod
    def of(cls, element, children: list[str], absolute) -> ElementOut:
        """An element of a register (live or frozen), placed in its tree."""
        parent = getattr(element, "parent", None) if element.parent_id else None
        return cls(
            code=element.code, title=element.title, description=element.description,
            level_label=element.level_label, position=element.position,
            parent=parent.code if parent is not None else None,
            source_check=element.source_check, checked_on=element.checked_on,
            case_identifier=element.case_identifier, side=element.side, depth=element.depth,
            children=children, url=absolute(element.url),
        )  # fmt: skip


class LinkOut(LinkPayload):
    id: int = Field(description="The same in the live register and in every edition.")
    reference: str = Field(description="The link's short reference: “B1 → INT.2”.")
    relation_label: str
    behaviour_title: str
    standard_title: str
    status: Literal["draft", "proposed", "approved", "retired"]
    updated_at: datetime
    url: str = Field(description="The link's page in this register.")

    @classmethod
    def of(cls, link, absolute) -> LinkOut:
        """A link of a register, live or frozen (an edition holds approved links only)."""
        return cls(
            **LinkPayload.of(link).model_dump(), id=link.link_id, reference=link.reference,
            relation_label=link.get_relation_display(), behaviour_title=link.behaviour.title,
            standard_title=link.standard.title, status=getattr(link, "status", "approved"),
            updated_at=link.updated_at, url=absolute(link.url),
        )  # fmt: skip


class ElementDetailOut(ElementOut):
    parent_title: str | None
    links: list[LinkOut] = Field(description="Its links and those of everything under it.")


class LinkPage(Payload):
    count: int = Field(description="How many links match, on every page.")
    page: int
    pages: int
    page_size: int
    items: list[LinkOut]


class EditionOut(Payload):
    number: int
    title: str
    notes: str
    published_at: datetime
    digest: str = Field(description="A digest of everything the edition froze.")
    url: str
    api_url: str


class RegisterOut(Payload):
    slug: str
    name: str
    organisation: str
    description: str
    licence_url: str
    is_default: bool
    edition: int | None = Field(description="The edition this is, or null for the live register.")
    latest_edition: int | None
    link_count: int
    last_changed: datetime
    behaviours_framework: FrameworkOut
    standards_framework: FrameworkOut
    url: str
    api_url: str


class LevelOut(Payload):
    label: str
    total: int
    covered: int
    covered_directly: int
    covered_through_children: int
    reviewed_and_left_unlinked: int
    not_yet_reviewed: int
    percent: int = Field(description="Covered, rounded down.")

    @classmethod
    def of(cls, level) -> LevelOut:
        return cls(
            label=level.label, total=level.total, covered=level.covered,
            covered_directly=level.direct, covered_through_children=level.through,
            reviewed_and_left_unlinked=level.reviewed, not_yet_reviewed=level.not_reviewed,
            percent=level.percent,
        )  # fmt: skip


class GapOut(Payload):
    side: Side
    code: str
    title: str
    status: Literal["reviewed and left unlinked", "not yet reviewed"]
    reason: str | None
    decided_by: str | None
    decided_on: date | None

    @classmethod
    def of(cls, entry) -> GapOut:
        review = entry.review
        return cls(
            side="behaviours" if entry.is_behaviour else "standards", code=entry.element.code,
            title=entry.element.title, status=entry.status,
            reason=review.reason if review else None,
            decided_by=(review.decided_by_name or None) if review else None,
            decided_on=review.decided_at.date() if review else None,
        )  # fmt: skip


class CoverageOut(Payload):
    link_count: int
    behaviours: list[LevelOut]
    standards: list[LevelOut]
    uncovered_standards: list[GapOut]
    unlinked_behaviours: list[GapOut]
    standards_covered_only_through_children: list[str]

    @classmethod
    def of(cls, coverage) -> CoverageOut:
        return cls(
            link_count=coverage.link_count,
            behaviours=[LevelOut.of(level) for level in coverage.behaviour_levels],
            standards=[LevelOut.of(level) for level in coverage.standard_levels],
            uncovered_standards=[GapOut.of(e) for e in coverage.uncovered_standards],
            unlinked_behaviours=[GapOut.of(e) for e in coverage.unlinked_behaviours],
            standards_covered_only_through_children=[
                e.element.code for e in coverage.standards_covered_only_through_children
            ],
        )


class ComparedLink(Payload):
    behaviour: str = Field(description="“B1 Be kind”: code and title.")
    standard: str
    relation: Relation
    rationale: str
    example: str


class ComparedElement(Payload):
    side: Side
    code: str
    title: str
    description: str
    level_label: str


class ChangedLink(Payload):
    before: ComparedLink
    after: ComparedLink
    fields: list[str]


class ChangedElement(Payload):
    before: ComparedElement
    after: ComparedElement
    fields: list[str]


class ComparisonOut(Payload):
    old: int
    new: int
    added_links: list[ComparedLink]
    removed_links: list[ComparedLink]
    changed_links: list[ChangedLink]
    added_elements: list[ComparedElement]
    removed_elements: list[ComparedElement]
    changed_elements: list[ChangedElement]

    @classmethod
    def of(cls, old: int, new: int, found) -> ComparisonOut:
        """mapping/comparison.py's EditionDiff: its rows are plain dataclasses."""
        rows = {name: [vars(row) for row in getattr(found, name)]
                for name in ("added_links", "removed_links", "added_elements",
                             "removed_elements")}  # fmt: skip
        changed = {
            name: [{"before": vars(c.before), "after": vars(c.after), "fields": list(c.fields)}
                   for c in getattr(found, name)]
            for name in ("changed_links", "changed_elements")
        }  # fmt: skip
        return cls.model_validate({"old": old, "new": new, **rows, **changed})
