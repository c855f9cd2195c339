"""Importing a register's links: each row names its source and target elements by code (a
behaviour and a standard, say).

New pairs are added (as drafts, proposed, or approved when a publisher imports them),
changed relations and wording are updated (an editor's change to an approved link goes back
for approval, as it would in place), and the links the file does not mention are listed and
left alone unless the editor asks to retire them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from pydantic import ValidationError

from mapping.exchange.problems import Problem
from mapping.exchange.schemas import LinkPayload
from mapping.exchange.tabular import LINK_FIELDS
from mapping.importing import Difference, Progress, Summary, no_progress, problems_of
from mapping.importing.shown import unread
from mapping.models import Change, Link, LinkStatus, Mapping, Relation, Role, Side
from mapping.models.memberships import roles_of
from mapping.register.words import Words
from standards.schemas import FROM_PEOPLE

WORDS = ("relation", "rationale", "example")


def codes_in(rows) -> set[tuple[str, str]]:
    """Every row's (source code, target code), casefolded, whatever else is wrong with it."""
    return {(row["source code"].casefold(), row["target code"].casefold()) for _, row in rows}


def links_from_rows(rows) -> tuple[list[tuple[int, LinkPayload]], list[Problem]]:
    """A table's rows as link payloads, with the problems of each row."""
    found, problems = [], []
    for number, row in rows:
        data = {field: row[column] for column, field in LINK_FIELDS.items() if column in row}
        try:
            found.append((number, LinkPayload.model_validate(data, context=FROM_PEOPLE)))
        except ValidationError as error:
            problems += problems_of(error, row=number)
    return found, problems


@dataclass
class LinksImport:
    mapping: Mapping
    links: list[tuple[int | str, LinkPayload]]
    source: str
    status: str = LinkStatus.DRAFT  # of new links
    retire_missing: bool = False
    # Each row's columns for reading, by row number (mapping/importing/shown.py).
    shown: dict[int, dict[str, str]] = field(default_factory=dict)
    # Every row's (source code, target code), casefolded, those with problems too: a link
    # whose row has a problem is in the file, not missing from it.
    in_file: set[tuple[str, str]] = field(default_factory=set)


class LinkPlan:
    def __init__(self, wanted: LinksImport, problems: list[Problem], progress=no_progress):
        self.wanted = wanted
        self.problems = list(problems)
        mapping = wanted.mapping
        frameworks = {Side.SOURCE: mapping.source_framework, Side.TARGET: mapping.target_framework}
        elements = {side: {e.code: e for e in f.elements.all()} for side, f in frameworks.items()}
        # A code as typed in another case ("b1.2") is the element's: a framework never holds
        # two codes that differ only in case (mapping/importing/frameworks.py).
        folded = {side: {code.casefold(): e for code, e in found.items()}
                  for side, found in elements.items()}  # fmt: skip
        words = Words.of(*frameworks.values(), lambda side: [
            e for e in elements[side].values() if e.parent_id is None
        ])  # fmt: skip
        existing = {
            (link.source_id, link.target_id): link
            for link in mapping.links.select_related("source", "target")
        }
        self.creates: list[Link] = []
        self.changes: list[tuple[Link, dict]] = []
        self.unchanged = 0
        seen: dict[tuple[int, int], int | str] = {}
        total = len(wanted.links)
        for done, (origin, payload) in enumerate(wanted.links, start=1):
            if done % 1000 == 0:
                progress(done, total)
            where = {"row": origin} if isinstance(origin, int) else {"item": str(origin)}
            pair = []
            for side, code in ((Side.SOURCE, payload.source), (Side.TARGET, payload.target)):
                element = elements[side].get(code) or folded[side].get(code.casefold())
                framework = frameworks[side]
                if element is None:
                    self.problems.append(Problem(
                        f"“{code}” is not a {words.one(side)} in {framework.name}.",
                        column=f"{side} code", **where,
                    ))  # fmt: skip
                elif element.retired:
                    self.problems.append(Problem(
                        f"{code} is retired in {framework.name}: restore it first, or leave "
                        "this row out.", column=f"{side} code", **where,
                    ))  # fmt: skip
                else:
                    pair.append(element)
            if len(pair) < 2:
                continue
            key = (pair[0].pk, pair[1].pk)
            if key in seen:
                self.problems.append(Problem(
                    f"{payload.source} → {payload.target} is linked twice in the file "
                    f"(also {_where(seen[key])}).", column="target code", **where,
                ))  # fmt: skip
                continue
            seen[key] = origin
            link = self._compare(existing.get(key), payload, pair)
            if origin in wanted.shown:
                self.problems += unread(origin, wanted.shown[origin], {
                    "reference": link.reference, "source": link.source.title,
                    "target": link.target.title, "status": link.get_status_display(),
                })  # fmt: skip
        progress(total, total)
        self.missing = [
            link for key, link in existing.items()
            if key not in seen and not link.is_retired
            and (link.source.code.casefold(), link.target.code.casefold()) not in wanted.in_file
        ]  # fmt: skip

    def _compare(self, link: Link | None, payload: LinkPayload, pair) -> Link:
        """Plan the row's link (a new one, or changes to the one there is), and return it."""
        wanted = {"relation": payload.relation.value, "rationale": payload.rationale,
                  "example": payload.example}  # fmt: skip
        if link is None:
            link = Link(mapping=self.wanted.mapping, source=pair[0], target=pair[1],
                        status=self.wanted.status, **wanted)  # fmt: skip
            self.creates.append(link)
            return link
        if "example" not in payload.model_fields_set:  # no such column: left as it is
            del wanted["example"]
        changed = {name: value for name, value in wanted.items() if getattr(link, name) != value}
        if link.is_retired:
            changed["status"] = LinkStatus.DRAFT  # restored: it is in the file
        if changed:
            self.changes.append((link, changed))
        else:
            self.unchanged += 1
        return link

    @property
    def summary(self) -> Summary:
        wanted = self.wanted
        summary = Summary(
            kind="links",
            target=wanted.mapping.name,
            creates=[f"{link.reference}: {link.get_relation_display()}" for link in self.creates],
            changes=[
                Difference(
                    link.reference,
                    [
                        (name, _said(name, getattr(link, name)), _said(name, value))
                        for name, value in changed.items()
                    ],
                )
                for link, changed in self.changes
            ],
            unchanged=self.unchanged,
            missing=[link.reference for link in self.missing],
            retire_missing=wanted.retire_missing,
            problems=self.problems,
        )
        summary.notes.append(f"New links: {LinkStatus(wanted.status).label.lower()}.")
        return summary

    @transaction.atomic
    def apply(self, *, by, progress: Progress = no_progress) -> None:
        """Everything at once, recorded in the history; any error and nothing is written."""
        reason = f"Imported from {self.wanted.source}."
        for link in self.creates:
            link.created_by = link.updated_by = by if by and by.is_authenticated else None
        Link.objects.bulk_create(self.creates, batch_size=1000)
        Change.objects.record_created(self.creates, by=by, reason=reason)
        progress(len(self.creates), len(self.creates) + len(self.changes))
        mapping_id = self.wanted.mapping.pk
        publisher = by is None or roles_of(by).holds(Role.PUBLISHER, mapping_id)
        edits = []
        for link, changed in self.changes:
            changed = dict(changed)
            if changed.pop("status", None) is not None:
                link.restore(by=by)  # a retired link that is in the file again
            if changed and link.is_approved and not publisher:
                changed["status"] = LinkStatus.PROPOSED  # back for approval, as in place
            if changed:
                edits.append((link, changed))
        Change.objects.apply_many(edits, by=by, reason=reason)
        progress(len(self.creates) + len(self.changes), len(self.creates) + len(self.changes))
        if self.wanted.retire_missing:
            gone = f"Not in {self.wanted.source}."
            Change.objects.apply_many(
                [(link, {"status": LinkStatus.RETIRED, "retired_reason": gone})
                 for link in self.missing], by=by, reason=gone,
            )  # fmt: skip


def _said(name: str, value) -> str:
    """A field's value as the dry run shows it: relations and statuses in words."""
    if name == "relation":
        return Relation(value).label
    if name == "status":
        return LinkStatus(value).label
    return str(value) or "—"


def _where(origin) -> str:
    return f"row {origin}" if isinstance(origin, int) else f"item {origin}"
