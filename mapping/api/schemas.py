"""What the API answers with. Frameworks, elements and links are the import and export
payloads (standards/schemas.py, mapping/exchange/schemas.py) with what a reader of the
register also needs: ids, addresses, statuses, where an element sits. Nothing is described
twice.

A register's two frameworks are its source and its target, a link's two elements likewise.
The names of the time when every register was behaviours → standards (behaviour,
standard, behaviours_framework, …) are still answered beside the new ones, marked
deprecated, for one release (old_name)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from pydantic import Field

from mapping.exchange.case.reader import element_identifier, framework_identifier
from mapping.exchange.schemas import LinkPayload, Payload
from mapping.models import Relation
from standards.schemas import ElementPayload, FrameworkDetails

Side = Literal["source", "target"]
# A side as a path parameter: the old names still lead to the same side, for one release.
SideParameter = Literal["source", "target", "behaviours", "standards"]
OLD_SIDES = {"behaviours": "source", "standards": "target"}
DEPRECATED = "Deprecated: the same as {}, which replaces it; goes in the next release."


def old_name(new: str, **kwargs):
    """A field under its old name: the same value as new, marked deprecated."""
    return Field(deprecated=DEPRECATED.format(new), description=DEPRECATED.format(new), **kwargs)


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
            **{name: getattr(framework, name) for name in FrameworkDetails.model_fields}
            | {"case_identifier": framework_identifier(framework)},  # as the CASE API gives it
            element_count=element_count, url=absolute(f"/frameworks/{slug}/"),
            api_url=absolute(f"/api/frameworks/{slug}"),
        )  # fmt: skip


class ElementOut(ElementPayload):
    side: Side | None = Field(
        description="Which end of the register: source or target (none "
        "when read as a framework, outside any register)."
    )
    framework_kind: Literal["behaviours", "standards"]
    depth: int = Field(description="0 at the top of the framework.")
    children: list[str] = Field(description="The codes of the elements directly under it.")
    url: str = Field(
        description="The element's page in this register, at the address that "
        "names the register (/m/<slug>/…), which stays its own whichever register "
        "is the site's default."
    )

    @classmethod
    def of(cls, element, children: list[str], absolute) -> ElementOut:
        """An element of a register (live or frozen), placed in its tree."""
        parent = getattr(element, "parent", None) if element.parent_id else None
        return cls(
            code=element.code, title=element.title, description=element.description,
            level_label=element.level_label, position=element.position,
            parent=parent.code if parent is not None else None,
            source_check=element.source_check, checked_on=element.checked_on,
            case_identifier=element_identifier(element.framework, element),
            side=getattr(element, "side", None),
            framework_kind=element.framework.kind, depth=element.depth,
            children=children, url=absolute(element.url),
        )  # fmt: skip


class LinkOut(LinkPayload):
    id: int = Field(description="The same in the live register and in every edition.")
    reference: str = Field(description="The link's short reference: “B1 → INT.2”.")
    relation_label: str
    source_title: str
    target_title: str
    behaviour: str = old_name("source")
    standard: str = old_name("target")
    behaviour_title: str = old_name("source_title")
    standard_title: str = old_name("target_title")
    status: Literal["draft", "proposed", "approved", "retired"]
    updated_at: datetime
    url: str = Field(
        description="The link's page in this register, at the address that names "
        "the register (/m/<slug>/…)."
    )

    @classmethod
    def of(cls, link, absolute) -> LinkOut:
        """A link of a register, live or frozen (an edition holds approved links only)."""
        return cls(
            **LinkPayload.of(link).model_dump(), id=link.link_id, reference=link.reference,
            relation_label=link.get_relation_display(), source_title=link.source.title,
            target_title=link.target.title, behaviour=link.source.code,
            standard=link.target.code, behaviour_title=link.source.title,
            standard_title=link.target.title, status=getattr(link, "status", "approved"),
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
    source_framework: FrameworkOut = Field(description="The framework its links go from.")
    target_framework: FrameworkOut = Field(description="The framework its links go to.")
    behaviours_framework: FrameworkOut = old_name("source_framework")
    standards_framework: FrameworkOut = old_name("target_framework")
    url: str
    api_url: str


class LevelOut(Payload):
    label: str
    total: int
    covered: int
    covered_directly: int
    covered_through_children: int = Field(
        description="Covered through what sits under them, whether or not also directly."
    )
    covered_only_through_children: int = Field(
        description="Covered, but not directly: only through what sits under them (the "
        "coverage page's figure). With covered_directly, it makes up covered."
    )
    reviewed_and_left_unlinked: int
    reached_only_by_inference: int = Field(
        description="Not covered and not reviewed, but reached by a link inferred through a "
        "crosswalk (never counted as coverage). covered, reviewed_and_left_unlinked, this and "
        "not_yet_reviewed make up total."
    )
    not_yet_reviewed: int
    percent: int = Field(description="Covered, rounded down.")

    @classmethod
    def of(cls, level) -> LevelOut:
        return cls(
            label=level.label, total=level.total, covered=level.covered,
            covered_directly=level.direct, covered_through_children=level.through,
            covered_only_through_children=level.only_through,
            reviewed_and_left_unlinked=level.reviewed, reached_only_by_inference=level.inferred,
            not_yet_reviewed=level.not_reviewed,
            percent=level.percent,
        )  # fmt: skip


class GapOut(Payload):
    side: Side
    code: str
    title: str
    status: Literal["reviewed and left unlinked", "covered only by inference", "not yet reviewed"]
    reason: str | None
    decided_by: str | None
    decided_on: date | None

    @classmethod
    def of(cls, entry) -> GapOut:
        review = entry.review
        return cls(
            side="source" if entry.is_source else "target", code=entry.element.code,
            title=entry.element.title, status=entry.status,
            reason=review.reason if review else None,
            decided_by=(review.decided_by_name or None) if review else None,
            decided_on=timezone.localdate(review.decided_at) if review else None,
        )  # fmt: skip


class CoverageOut(Payload):
    link_count: int
    sources: list[LevelOut] = Field(description="The source framework's levels.")
    targets: list[LevelOut] = Field(description="The target framework's levels.")
    uncovered_targets: list[GapOut]
    unlinked_sources: list[GapOut]
    targets_covered_only_through_children: list[str]
    behaviours: list[LevelOut] = old_name("sources")
    standards: list[LevelOut] = old_name("targets")
    uncovered_standards: list[GapOut] = old_name("uncovered_targets")
    unlinked_behaviours: list[GapOut] = old_name("unlinked_sources")
    standards_covered_only_through_children: list[str] = old_name(
        "targets_covered_only_through_children"
    )

    @classmethod
    def of(cls, coverage) -> CoverageOut:
        sources = [LevelOut.of(level) for level in coverage.source_levels]
        targets = [LevelOut.of(level) for level in coverage.target_levels]
        uncovered = [GapOut.of(e) for e in coverage.uncovered_targets]
        unlinked = [GapOut.of(e) for e in coverage.unlinked_sources]
        through = [e.element.code for e in coverage.targets_covered_only_through_children]
        return cls(
            link_count=coverage.link_count, sources=sources, targets=targets,
            uncovered_targets=uncovered, unlinked_sources=unlinked,
            targets_covered_only_through_children=through, behaviours=sources,
            standards=targets, uncovered_standards=uncovered, unlinked_behaviours=unlinked,
            standards_covered_only_through_children=through,
        )  # fmt: skip


class ComparedLink(Payload):
    source: str = Field(description="“B1 Be kind”: code and title.")
    target: str
    behaviour: str = old_name("source")
    standard: str = old_name("target")
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


class ComparedGap(Payload):
    """An element an edition says was reviewed and left unlinked on purpose."""

    side: Side
    code: str
    title: str
    reason: str


class ChangedGap(Payload):
    before: ComparedGap
    after: ComparedGap
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
    added_gaps: list[ComparedGap]
    removed_gaps: list[ComparedGap]
    changed_gaps: list[ChangedGap]

    @classmethod
    def of(cls, old: int, new: int, found) -> ComparisonOut:
        """mapping/comparison.py's EditionDiff: its rows are plain dataclasses."""

        def row(found) -> dict:
            shown = vars(found)
            if "source" in shown:  # a link: its ends under their old names too
                shown = {**shown, "behaviour": shown["source"], "standard": shown["target"]}
            return shown

        rows = {name: [row(found_row) for found_row in getattr(found, name)]
                for name in ("added_links", "removed_links", "added_elements",
                             "removed_elements", "added_gaps", "removed_gaps")}  # fmt: skip
        changed = {
            name: [{"before": row(c.before), "after": row(c.after), "fields": list(c.fields)}
                   for c in getattr(found, name)]
            for name in ("changed_links", "changed_elements", "changed_gaps")
        }  # fmt: skip
        return cls.model_validate({"old": old, "new": new, **rows, **changed})


class StepOut(Payload):
    """One step of an inferred link's path: a link of another register."""

    link_id: int
    mapping: str = Field(description="The slug of the register the link is in.")
    source: str
    target: str
    relation: Relation
    rationale: str


class PathOut(Payload):
    via: str = Field(description="The code of the element the path goes through.")
    via_title: str
    relation: Relation = Field(description="The two steps' relations composed.")
    first: StepOut
    second: StepOut


class SuggestionOut(Payload):
    kind: Literal["inferred", "lexical"]
    reference: str = Field(description="“B1 → CC4”.")
    source: str
    target: str
    source_title: str
    target_title: str
    relation: Relation | None = Field(
        description="Inferred: the strongest of its paths' composed relations. Lexical: none."
    )
    paths: list[PathOut] = Field(description="Inferred: every path, strongest first.")
    shared_words: list[str] = Field(description="Lexical: the words the two texts share.")
    score: float | None = Field(description="Lexical: how well they match (BM25).")
    accept_url: str = Field(description="The page where an editor accepts it.")

    @classmethod
    def of(cls, suggestion, register, absolute) -> SuggestionOut:
        def step(s) -> StepOut:
            return StepOut(
                link_id=s.link_id,
                mapping=s.register_slug,
                source=s.source_code,
                target=s.target_code,
                relation=s.relation,
                rationale=s.rationale,
            )

        source, target = suggestion.source, suggestion.target
        inferred = suggestion.is_inferred
        return cls(
            kind=suggestion.kind, reference=suggestion.reference, source=source.code,
            target=target.code, source_title=source.title, target_title=target.title,
            relation=suggestion.relation if inferred else None,
            paths=[PathOut(via=p.via_code, via_title=p.via_title, relation=p.relation,
                           first=step(p.first), second=step(p.second))
                   for p in getattr(suggestion, "path_list", [])],
            shared_words=[] if inferred else suggestion.shared,
            score=None if inferred else round(suggestion.score, 4),
            accept_url=absolute(f"{register.urls.suggestion_accept}?kind={suggestion.kind}&"
                                f"pair={source.code}:{target.code}"),
        )  # fmt: skip


class SuggestionPage(Payload):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[SuggestionOut]
