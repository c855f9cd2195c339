"""Editions: the register frozen as JSON when published, and rebuilt from it to be read.

A snapshot holds everything an edition's pages show (the mapping and its guide text, both
frameworks with every element, the approved links and the reviewed gaps) and nothing that
points at live rows, so later edits and deletions cannot reach it. Its pages are drawn by
rebuilding unsaved model instances from it and handing them to the same coverage code and
templates as the live register.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from django.contrib.auth import get_user_model
from django.urls import reverse
from pydantic import BaseModel, ConfigDict

from mapping.models import Link, Mapping, ReviewedGap
from standards.models import Element, Framework, tree_order

if TYPE_CHECKING:
    from mapping.coverage import Coverage
    from mapping.models import Edition


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SnapshotElement(Frozen):
    id: int
    code: str
    title: str
    description: str
    level_label: str
    parent_id: int | None
    position: int


class SnapshotFramework(Frozen):
    id: int
    name: str
    slug: str
    kind: Literal["behaviours", "standards"]
    publisher: str
    version_label: str
    year: int | None
    source_url: str
    citation_note: str
    description: str
    elements: list[SnapshotElement]


class SnapshotLink(Frozen):
    id: int
    behaviour_id: int
    standard_id: int
    relation: str
    rationale: str
    example: str
    updated_at: datetime


class SnapshotGap(Frozen):
    element_id: int
    reason: str
    decided_by: str
    decided_at: datetime


class SnapshotMapping(Frozen):
    id: int
    name: str
    slug: str
    organisation: str
    description: str
    guide_intro: str


class EditionSnapshot(Frozen):
    mapping: SnapshotMapping
    behaviours: SnapshotFramework
    standards: SnapshotFramework
    links: list[SnapshotLink]
    reviewed_gaps: list[SnapshotGap]

    def materialise(self, edition: Edition) -> EditionRegister:
        """Unsaved model instances for this snapshot, wired together as the live ones are."""
        frameworks = {}
        elements: dict[str, list[Element]] = {}
        for side in ("behaviours", "standards"):
            data: SnapshotFramework = getattr(self, side)
            framework = Framework(**data.model_dump(exclude={"elements"}))
            frameworks[side] = framework
            elements[side] = [Element(framework=framework, **e.model_dump()) for e in data.elements]
            for element in elements[side]:
                element.edition_number = edition.number
        by_id = {e.pk: e for e in [*elements["behaviours"], *elements["standards"]]}
        for element in by_id.values():
            element.parent = by_id.get(element.parent_id) if element.parent_id else None
        mapping = Mapping(
            **self.mapping.model_dump(),
            behaviours_framework=frameworks["behaviours"],
            standards_framework=frameworks["standards"],
        )
        links = []
        for data in self.links:
            link = Link(mapping=mapping, status="approved", **data.model_dump())
            link.behaviour, link.standard = by_id[data.behaviour_id], by_id[data.standard_id]
            links.append(link)
        User = get_user_model()
        reviews = [
            ReviewedGap(
                mapping=mapping,
                element_id=gap.element_id,
                reason=gap.reason,
                decided_by=User(username=gap.decided_by) if gap.decided_by else None,
                decided_at=gap.decided_at,
            )
            for gap in self.reviewed_gaps
        ]
        return EditionRegister(
            edition=edition,
            mapping=mapping,
            behaviours=elements["behaviours"],
            standards=elements["standards"],
            links=links,
            reviews=reviews,
        )


def _framework(framework: Framework) -> SnapshotFramework:
    return SnapshotFramework(
        id=framework.pk,
        name=framework.name,
        slug=framework.slug,
        kind=framework.kind,
        publisher=framework.publisher,
        version_label=framework.version_label,
        year=framework.year,
        source_url=framework.source_url,
        citation_note=framework.citation_note,
        description=framework.description,
        elements=[
            SnapshotElement.model_validate(row)
            for row in framework.elements.current()
            .order_by("position", "code", "pk")
            .values(*SnapshotElement.model_fields)
        ],
    )


def take_snapshot(mapping: Mapping) -> EditionSnapshot:
    """The register as it stands: its approved links only."""
    mapping = Mapping.objects.with_frameworks().get(pk=mapping.pk)
    links = (
        mapping.links.approved()
        .filter(behaviour__retired=False, standard__retired=False)
        .order_by("pk")
        .values(*SnapshotLink.model_fields)
    )
    gaps = mapping.reviewed_gaps.select_related("decided_by").order_by("pk")
    return EditionSnapshot(
        mapping=SnapshotMapping.model_validate(mapping, from_attributes=True),
        behaviours=_framework(mapping.behaviours_framework),
        standards=_framework(mapping.standards_framework),
        links=[SnapshotLink.model_validate(row) for row in links],
        reviewed_gaps=[
            SnapshotGap(
                element_id=gap.element_id,
                reason=gap.reason,
                decided_by=(gap.decided_by.get_full_name() or gap.decided_by.get_username())
                if gap.decided_by
                else "",
                decided_at=gap.decided_at,
            )
            for gap in gaps
        ],
    )


@dataclass(frozen=True)
class RegisterUrls:
    """The addresses of a register's pages: the live ones, or those under an edition."""

    number: int | None = None

    def _url(self, name: str) -> str:
        if self.number is None:
            return reverse(name)
        return reverse("edition_guide" if name == "home" else f"edition_{name}", args=[self.number])

    @property
    def home(self) -> str:
        return self._url("home")

    @property
    def links(self) -> str:
        return self._url("link_table")

    @property
    def matrix(self) -> str:
        return self._url("matrix")

    @property
    def pdf(self) -> str:
        return self._url("guide_pdf")


@dataclass
class LiveRegister:
    """The register as it stands in the database."""

    mapping: Mapping
    edition = None
    urls = RegisterUrls()

    def coverage(self) -> Coverage:
        from mapping.coverage import compute_coverage

        return compute_coverage(self.mapping)


@dataclass
class EditionRegister:
    """An edition's register in memory: what its pages are drawn from."""

    edition: Edition
    mapping: Mapping
    behaviours: list[Element]
    standards: list[Element]
    links: list[Link]
    reviews: list[ReviewedGap] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Depth and tree_index on every element, as the live queries give them.
        self.behaviours = tree_order(sorted(self.behaviours, key=lambda e: (e.position, e.code)))
        self.standards = tree_order(sorted(self.standards, key=lambda e: (e.position, e.code)))

    @property
    def urls(self) -> RegisterUrls:
        return RegisterUrls(self.edition.number)

    def coverage(self) -> Coverage:
        from mapping.coverage import build_coverage

        return build_coverage(
            self.mapping,
            behaviours=self.behaviours,
            standards=self.standards,
            links=self.links,
            reviews=self.reviews,
        )


# Comparing two editions ---------------------------------------------------------------

LINK_TEXT_FIELDS = ("relation", "rationale", "example")
ELEMENT_TEXT_FIELDS = ("title", "description", "level_label")


@dataclass(frozen=True)
class LinkRow:
    behaviour: str  # "B1 Be kind"
    standard: str
    relation: str
    rationale: str
    example: str


@dataclass(frozen=True)
class ElementRow:
    side: str  # "behaviours" or "standards"
    code: str
    title: str
    description: str
    level_label: str


@dataclass(frozen=True)
class Changed:
    before: LinkRow | ElementRow
    after: LinkRow | ElementRow
    fields: tuple[str, ...]


@dataclass
class SnapshotDiff:
    added_links: list[LinkRow]
    removed_links: list[LinkRow]
    changed_links: list[Changed]
    added_elements: list[ElementRow]
    removed_elements: list[ElementRow]
    changed_elements: list[Changed]

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())


def _link_rows(snapshot: EditionSnapshot) -> dict[tuple[str, str], LinkRow]:
    names = {
        e.id: (e.code, f"{e.code} {e.title}")
        for side in (snapshot.behaviours, snapshot.standards)
        for e in side.elements
    }
    rows = {}
    for link in snapshot.links:
        (b_code, b_name), (s_code, s_name) = names[link.behaviour_id], names[link.standard_id]
        rows[(b_code, s_code)] = LinkRow(
            b_name, s_name, link.relation, link.rationale, link.example
        )
    return rows


def _element_rows(snapshot: EditionSnapshot) -> dict[tuple[str, str], ElementRow]:
    return {
        (side, e.code): ElementRow(side, e.code, e.title, e.description, e.level_label)
        for side in ("behaviours", "standards")
        for e in getattr(snapshot, side).elements
    }


def diff_snapshots(old: EditionSnapshot, new: EditionSnapshot) -> SnapshotDiff:
    """What changed from old to new: links matched by their pair of codes, elements by
    their framework side and code, so a renumbered id is not a change."""
    old_links, new_links = _link_rows(old), _link_rows(new)
    old_elements, new_elements = _element_rows(old), _element_rows(new)

    def changed(before: dict, after: dict, fields: tuple[str, ...]) -> list:
        found = []
        for key in before.keys() & after.keys():
            differing = tuple(
                name for name in fields if getattr(before[key], name) != getattr(after[key], name)
            )
            if differing:
                found.append((key, Changed(before[key], after[key], differing)))
        return [item for _key, item in sorted(found, key=lambda pair: pair[0])]

    return SnapshotDiff(
        added_links=[new_links[k] for k in sorted(new_links.keys() - old_links.keys())],
        removed_links=[old_links[k] for k in sorted(old_links.keys() - new_links.keys())],
        changed_links=changed(old_links, new_links, LINK_TEXT_FIELDS),
        added_elements=[new_elements[k] for k in sorted(new_elements.keys() - old_elements.keys())],
        removed_elements=[
            old_elements[k] for k in sorted(old_elements.keys() - new_elements.keys())
        ],
        changed_elements=changed(old_elements, new_elements, ELEMENT_TEXT_FIELDS),
    )
