"""Comparing two editions: links matched by their pair of codes, elements and gaps left
unlinked on purpose by their side and code (so a renumbered id is not a change), each added,
removed or changed, field by field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mapping.models import (
    Edition,
    EditionElement,
    EditionGap,
    EditionLink,
    Link,
    LinkStatus,
    Relation,
)

LINK_TEXT_FIELDS = ("relation", "rationale", "example")
CODE_PARTS = re.compile(r"(\d+)")
ELEMENT_TEXT_FIELDS = ("title", "description", "level_label")
# What the page calls each field that can change.
FIELD_WORDS = {"example": "practice example", "level_label": "level name"}


@dataclass(frozen=True)
class LinkRow:
    source: str  # "B1 Be kind"
    target: str
    relation: str
    rationale: str
    example: str
    link_id: int = field(default=0, compare=False)  # the live link it was frozen from
    gone: str = field(default="", compare=False)  # not in the newer edition: why (explained)

    @property
    def relation_label(self) -> str:
        """The relation in words ("Partly covers"); relation itself is its code."""
        return Relation(self.relation).label


@dataclass(frozen=True)
class ElementRow:
    side: str  # "source" or "target"
    code: str
    title: str
    description: str
    level_label: str


@dataclass(frozen=True)
class GapRow:
    """An element the edition says was reviewed and left unlinked on purpose."""

    side: str
    code: str
    title: str
    reason: str


@dataclass(frozen=True)
class EditionContent:
    """What an edition says, keyed the way two editions are matched."""

    links: dict[tuple[str, str], LinkRow]
    elements: dict[tuple[str, str], ElementRow]
    gaps: dict[tuple[str, str], GapRow] = field(default_factory=dict)

    @classmethod
    def of(cls, edition: Edition) -> EditionContent:
        """Three queries, whatever the edition's size."""
        links = EditionLink.objects.filter(edition=edition).values_list(
            "source__code", "source__title", "target__code", "target__title",
            *LINK_TEXT_FIELDS, "link_id",
        )  # fmt: skip
        elements = EditionElement.objects.filter(edition=edition).values_list(
            "framework__side", "code", *ELEMENT_TEXT_FIELDS
        )
        gaps = EditionGap.objects.filter(edition=edition).values_list(
            "element__framework__side", "element__code", "element__title", "reason"
        )
        return cls(
            links={
                (b_code, s_code): LinkRow(f"{b_code} {b_title}", f"{s_code} {s_title}", *text)
                for b_code, b_title, s_code, s_title, *text in links
            },
            elements={
                (side, code): ElementRow(side, code, *text) for side, code, *text in elements
            },
            gaps={(side, code): GapRow(side, code, *text) for side, code, *text in gaps},
        )


@dataclass(frozen=True)
class Changed:
    before: LinkRow | ElementRow
    after: LinkRow | ElementRow
    fields: tuple[str, ...]

    @property
    def fields_in_words(self) -> str:
        """What changed, as the page names it: "relation, practice example"."""
        return ", ".join(FIELD_WORDS.get(name, name) for name in self.fields)


@dataclass
class EditionDiff:
    added_links: list[LinkRow]
    removed_links: list[LinkRow]
    changed_links: list[Changed]
    added_elements: list[ElementRow]
    removed_elements: list[ElementRow]
    changed_elements: list[Changed]
    added_gaps: list[GapRow] = field(default_factory=list)
    removed_gaps: list[GapRow] = field(default_factory=list)
    changed_gaps: list[Changed] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())

    @property
    def link_rows(self) -> list[tuple[str, LinkRow | Changed]]:
        """Every link that differs as (what, row): added, then not in the new edition, then
        changed, each in code order; what a page of the comparison lists."""
        return [*(("added", row) for row in self.added_links),
                *(("removed", row) for row in self.removed_links),
                *(("changed", item) for item in self.changed_links)]  # fmt: skip


def explained(rows: list[tuple[str, object]], old: Edition, new: Edition) -> list:
    """A page of the links that differ, each link the newer edition left out saying why,
    from what has become of it in the live register (one query). Compared the other way
    round (new before old), nothing is said: what the live register holds now explains
    nothing of an older edition."""
    if new.number < old.number:
        return rows
    ids = [row.link_id for what, row in rows if what == "removed"]
    live = Link.objects.filter(pk__in=ids).only("status", "retired_reason").in_bulk()
    return [(what, replace(row, gone=_why_gone(live.get(row.link_id), new))
             if what == "removed" else row) for what, row in rows]  # fmt: skip


def _why_gone(link: Link | None, new: Edition) -> str:
    if link is None:
        return "no longer in the register"
    if link.status == LinkStatus.RETIRED:
        return f"retired: {link.retired_reason}" if link.retired_reason else "retired"
    if link.status == LinkStatus.APPROVED:
        return f"approved again after edition {new.number} was published"
    if link.status == LinkStatus.DRAFT:
        return "now a draft, not approved again"
    return f"now {link.get_status_display().lower()}, not approved again"


def in_code_order(key: tuple[str, ...]) -> tuple:
    """A key's codes as people order them: B2 before B10, S1.2 before S1.10."""
    return tuple(tuple(int(part) if part.isdigit() else part for part in CODE_PARTS.split(code))
                 for code in key)  # fmt: skip


def diff(old: EditionContent, new: EditionContent) -> EditionDiff:
    """What changed from old to new, in code order (in_code_order)."""

    def changed(before: dict, after: dict, fields: tuple[str, ...]) -> list[Changed]:
        found = []
        for key in sorted(before.keys() & after.keys(), key=in_code_order):
            differing = tuple(
                name for name in fields if getattr(before[key], name) != getattr(after[key], name)
            )
            if differing:
                found.append(Changed(before[key], after[key], differing))
        return found

    def only_in(one: dict, other: dict) -> list:
        return [one[key] for key in sorted(one.keys() - other.keys(), key=in_code_order)]

    return EditionDiff(
        added_links=only_in(new.links, old.links),
        removed_links=only_in(old.links, new.links),
        changed_links=changed(old.links, new.links, LINK_TEXT_FIELDS),
        added_elements=only_in(new.elements, old.elements),
        removed_elements=only_in(old.elements, new.elements),
        changed_elements=changed(old.elements, new.elements, ELEMENT_TEXT_FIELDS),
        added_gaps=only_in(new.gaps, old.gaps),
        removed_gaps=only_in(old.gaps, new.gaps),
        changed_gaps=changed(old.gaps, new.gaps, ("reason",)),
    )
