"""Importing a framework's elements: into a new framework, or over one already in use.

Elements are matched by code. New ones are added, changed words, levels, parents and
positions are updated, and what the file does not mention is listed and left alone, unless
the editor asks to retire it. A file of the publisher's own wording marks every element in
it as checked against the source.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from mapping.exchange.problems import Problem
from mapping.exchange.tabular import FRAMEWORK_FIELDS
from mapping.importing import Difference, Progress, Summary, no_progress, problems_of
from mapping.importing.shown import unread
from mapping.models import Change
from mapping.models.retiring import retire_element
from mapping.register.words import counted
from mapping.versions.crosswalk import build_version_crosswalk
from standards.models import Element, Framework, SourceCheck, renumbering_once
from standards.schemas import FROM_PEOPLE, ElementPayload, FrameworkDetails

COMPARED = ("title", "description", "level_label", "parent", "position")
# How the dry run names the fields it compares.
FIELD_NAMES = {"level_label": "level", "parent": "part of", "source_check": "wording",
               "checked_on": "checked on"}  # fmt: skip


def elements_from_rows(rows) -> tuple[list[tuple[int, ElementPayload]], list[Problem]]:
    """A table's rows as element payloads, with the problems of each row."""
    found, problems, first_row = [], [], {}
    for number, row in rows:
        data = {field: row[column] for column, field in FRAMEWORK_FIELDS.items() if column in row}
        data["parent"], data["position"] = data.get("parent") or None, data.get("position") or None
        try:
            payload = ElementPayload.model_validate(data, context=FROM_PEOPLE)
        except ValidationError as error:
            problems += problems_of(error, row=number)
            # A row with a problem still holds its code: another row with it is said too.
            if code := str(data.get("code") or "").strip():
                first_row.setdefault(code, number)
            continue
        if payload.code in first_row:
            problems.append(Problem(
                f"The code {payload.code} is also on row {first_row[payload.code]}: each code "
                "may appear once.", row=number, column="code",
            ))  # fmt: skip
            continue
        first_row[payload.code] = number
        found.append((number, payload))
    return found, problems


@dataclass
class FrameworkImport:
    """What to import: the framework (or, for a new one, its details), the elements with
    the row or item each came from, and the editor's choices."""

    framework: Framework | None
    details: FrameworkDetails | None
    elements: list[tuple[int | str, ElementPayload]]
    source: str  # the file's name, for the history
    retire_missing: bool = False
    official_wording: bool = False
    replaces: Framework | None = None  # a new framework, as the new version of this one
    # Each row's columns for reading, by row number (mapping/importing/shown.py).
    shown: dict[int, dict[str, str]] = dataclasses.field(default_factory=dict)


class FrameworkPlan:
    def __init__(self, wanted: FrameworkImport, problems: list[Problem], progress=no_progress):
        self.wanted = wanted
        self.problems = list(problems)
        framework = wanted.framework
        self.existing = {e.code: e for e in framework.elements.all()} if framework else {}
        self.by_id = {e.pk: e for e in self.existing.values()}
        self.creates: list[ElementPayload] = []
        self.changes: list[tuple[Element, dict]] = []
        self.unchanged: list[str] = []
        self._plan(progress)
        self._check_version()

    def _check_version(self) -> None:
        """A new version must be new, and of the same kind as the framework it replaces."""
        old, wanted = self.wanted.replaces, self.wanted
        if old is None:
            return
        if wanted.framework is not None:
            self.problems.append(Problem(f"Only a new framework can be a new version of "
                                         f"{old.name}: import into a new one."))  # fmt: skip
        elif wanted.details.kind != old.kind:
            self.problems.append(Problem(
                f"{old.name} is a {old.get_kind_display().lower()}: its new version must be one "
                f"too, not a {wanted.details.kind} framework."
            ))  # fmt: skip

    def _where(self, origin) -> dict:
        return {"row": origin} if isinstance(origin, int) else {"item": str(origin)}

    def _plan(self, progress: Progress) -> None:
        wanted, today = self.wanted, timezone.localdate()
        codes = {payload.code for _origin, payload in wanted.elements}
        parents = {payload.code: payload.parent for _origin, payload in wanted.elements}
        for element in self.existing.values():
            if element.code not in codes:
                parents[element.code] = self.by_id[element.parent_id].code if element.parent_id \
                    else None  # fmt: skip
        positions = _positions(wanted.elements)
        folded: dict[str, str] = {}  # each code as nobody reading tells apart, first kept
        for code in [*self.existing, *(payload.code for _origin, payload in wanted.elements)]:
            folded.setdefault(code.casefold(), code)
        total = len(wanted.elements)
        for done, (origin, payload) in enumerate(wanted.elements, start=1):
            if done % 500 == 0:
                progress(done, total)
            if payload.parent is not None and payload.parent not in parents:
                self.problems.append(Problem(
                    f"The parent code {payload.parent} is not in the file or the framework.",
                    column="parent code", **self._where(origin),
                ))  # fmt: skip
                continue
            above = self.existing.get(payload.parent) if payload.parent is not None else None
            if above is not None and above.retired and payload.parent not in codes:
                self.problems.append(Problem(
                    f"The parent code {payload.parent} is retired: restore it first, or put "
                    f"{payload.code} under another.", column="parent code", **self._where(origin),
                ))  # fmt: skip
                continue
            if _in_a_cycle(payload.code, parents):
                self.problems.append(Problem(
                    f"{payload.code} would sit under itself: its parents go round in a circle "
                    f"({' → '.join(_chain(payload.code, parents))}).", column="parent code",
                    **self._where(origin),
                ))  # fmt: skip
                continue
            element = self.existing.get(payload.code)
            if origin in wanted.shown:
                self._say_unread(origin, element)
            if element is None:
                same = folded.get(payload.code.casefold())
                if same is not None and same != payload.code:
                    self.problems.append(Problem(
                        f"{payload.code} differs from {same} only in case: nobody reading "
                        f"could tell them apart. Use {same}, or another code.",
                        column="code", **self._where(origin),
                    ))  # fmt: skip
                    continue
                self.creates.append(payload)
                continue
            now = {
                "title": payload.title, "description": payload.description,
                "level_label": payload.level_label, "parent": payload.parent,
                "position": positions[payload.code],
            }  # fmt: skip
            before = {
                "title": element.title, "description": element.description,
                "level_label": element.level_label, "position": element.position,
                "parent": self.by_id[element.parent_id].code if element.parent_id else None,
            }  # fmt: skip
            # A description the file does not give (no such column) is left as it is.
            said = [name for name in COMPARED
                    if name != "description" or name in payload.model_fields_set]  # fmt: skip
            changed = {name: now[name] for name in said if now[name] != before[name]}
            wording = bool({"title", "description"} & set(changed))
            if wanted.official_wording and (wording or not element.is_checked):
                # Checked today; said only where it was not already marked checked.
                changed["checked_on"] = today
                if not element.is_checked:
                    changed["source_check"] = SourceCheck.CHECKED
            elif wording and element.is_checked:
                # New words nobody said are the publisher's: no longer checked.
                changed["source_check"] = SourceCheck.UNCHECKED
                changed["checked_on"] = None
            if changed:
                self.changes.append((element, changed))
            else:
                self.unchanged.append(payload.code)
        progress(total, total)
        self.missing = [
            e for code, e in self.existing.items() if code not in codes and not e.retired
        ]
        if wanted.retire_missing:
            self._keep_what_the_file_holds(parents, codes)

    def _say_unread(self, origin, element: Element | None) -> None:
        """Warn where the row's wording column says other than the element will."""
        check = element.source_check if element is not None else SourceCheck.UNCHECKED
        if self.wanted.official_wording:
            check = SourceCheck.CHECKED
        self.problems += unread(origin, self.wanted.shown[origin],
                                {"wording": SourceCheck(check).label})  # fmt: skip

    def _keep_what_the_file_holds(self, parents: dict, codes: set) -> None:
        """Retiring an element retires what sits under it: one missing from the file with
        something under it that the file holds would retire that too."""
        missing = {e.code for e in self.missing}
        for code in sorted(codes):
            node, seen = parents.get(code), {code}
            while node is not None and node not in missing and node not in seen:  # cycles
                seen.add(node)
                node = parents.get(node)
            if node in missing:
                self.problems.append(Problem(
                    f"{node} is not in the file, but {code}, which is, sits under it: retiring "
                    f"{node} would retire {code} too. Put {node} in the file, or {code} under "
                    "another parent."
                ))  # fmt: skip

    @property
    def summary(self) -> Summary:
        wanted = self.wanted
        name = (
            wanted.framework.name
            if wanted.framework
            else " ".join(filter(None, [wanted.details.name, wanted.details.version_label or None]))
        )  # a new version is told from the old by its version
        summary = Summary(
            kind="framework",
            target=name,
            creates=[f"{p.code} {p.title}" for p in self.creates],
            changes=[self._difference(element, changed) for element, changed in self.changes],
            unchanged=len(self.unchanged),
            missing=[f"{e.code} {e.title}" for e in self.missing],
            retire_missing=wanted.retire_missing,
            problems=self.problems,
        )
        if wanted.framework is None:
            summary.notes.append(f"A new {wanted.details.kind} framework, {name}, made by this "
                                 "import.")  # fmt: skip
        if wanted.official_wording:
            summary.notes.append(
                "The file is the publisher's own wording: every element in it is marked as "
                "checked against the source."
            )
        if wanted.replaces is not None:
            summary.notes.append(self._version_note(wanted.replaces))
        return summary

    def _version_note(self, old: Framework) -> str:
        """What the crosswalk between the versions will say, counted before it is made."""
        before = {e.code: e for e in old.elements.current()}
        codes = {p.code: p for p in self.creates}
        same = sum(1 for code, p in codes.items() if code in before
                   and (p.title.strip(), p.description.strip())
                   == (before[code].title.strip(), before[code].description.strip()))  # fmt: skip
        changed = sum(1 for code in codes if code in before) - same
        new = sum(1 for code in codes if code not in before)
        removed = sum(1 for code in before if code not in codes)
        called = old.name_with_version
        kept = "" if self.wanted.official_wording else (
            f" Of those the same, {len(self._kept_checks(old))} keep their mark “checked "
            f"against the source” from {called}."
        )  # fmt: skip
        return (
            f"It is the new version of {called}: a crosswalk between the two versions "
            f"is made, {counted(same, 'element')} the same, {changed} with changed wording "
            f"(to review), {new} new and {removed} removed.{kept} Registers on {called} can "
            "then be moved onto the new version, from its page."
        )

    def _kept_checks(self, old: Framework) -> dict[str, Element]:
        """The old version's elements checked against the source whose code and wording
        the new version keeps as they were: each new element keeps that mark."""
        before = {e.code: e for e in old.elements.current() if e.is_checked}
        return {
            p.code: before[p.code] for p in self.creates if p.code in before
            and (p.title.strip(), p.description.strip())
            == (before[p.code].title.strip(), before[p.code].description.strip())
        }  # fmt: skip

    def _difference(self, element: Element, changed: dict) -> Difference:
        fields = []
        for field, value in changed.items():
            before = _before(element, field, self.by_id)
            fields.append(
                (FIELD_NAMES.get(field, field), _shown(field, before), _shown(field, value))
            )
        return Difference(f"{element.code} {element.title}", fields)

    @transaction.atomic
    @renumbering_once()
    def apply(self, *, by, progress: Progress = no_progress) -> Framework:
        """Everything at once, recorded in the history; any error and nothing is written."""
        wanted, reason = self.wanted, f"Imported from {self.wanted.source}."
        framework = wanted.framework
        if framework is None:
            framework = Framework(slug=wanted.details.slug, replaces=wanted.replaces,
                                  **_details(wanted.details))  # fmt: skip
            Change.objects.save_new(framework, by=by, reason=reason)
        made = dict(self.existing)
        positions = _positions(wanted.elements)
        folded: dict[str, str] = {}  # each code as nobody reading tells apart, first kept
        for code in [*self.existing, *(payload.code for _origin, payload in wanted.elements)]:
            folded.setdefault(code.casefold(), code)
        checked = {"source_check": SourceCheck.CHECKED, "checked_on": timezone.localdate()}
        kept = self._kept_checks(wanted.replaces) if wanted.replaces is not None else {}
        for payload in _parents_first(self.creates, made):
            element = Element(
                framework=framework, parent=made.get(payload.parent),
                position=positions[payload.code],
                **payload.model_dump(exclude={"parent", "position"}),
            )  # fmt: skip
            if wanted.official_wording:
                element.source_check, element.checked_on = checked.values()
            elif (earlier := kept.get(payload.code)) is not None:  # unchanged since checked
                element.source_check, element.checked_on = earlier.source_check, earlier.checked_on
            Change.objects.save_new(element, by=by, reason=reason)
            made[payload.code] = element
        edits = []
        for element, changed in self.changes:
            values = {k: v for k, v in changed.items() if k != "parent"}
            if "parent" in changed:
                values["parent_id"] = made[changed["parent"]].pk if changed["parent"] else None
            edits.append((element, values))
        Change.objects.apply_many(edits, by=by, reason=reason)
        progress(len(self.changes), len(self.changes))
        if wanted.retire_missing:
            for element in self.missing:
                element.refresh_from_db()
                if not element.retired:
                    retire_element(element, by=by, reason=f"Not in {wanted.source}.")
        if wanted.replaces is not None:
            build_version_crosswalk(wanted.replaces, framework, by=by)
        return framework


def _details(details: FrameworkDetails) -> dict:
    return details.model_dump(exclude={"slug"})


def _positions(elements) -> dict[str, int]:
    counts: dict[str | None, int] = {}
    found = {}
    for _origin, payload in elements:
        counts[payload.parent] = counts.get(payload.parent, 0) + 1
        found[payload.code] = payload.position if payload.position is not None else \
            counts[payload.parent]  # fmt: skip
    return found


def _chain(code: str, parents: dict[str, str | None]) -> list[str]:
    chain = [code]
    node = parents.get(code)
    while node is not None and node not in chain:
        chain.append(node)
        node = parents.get(node)
    return [*chain, node] if node is not None else chain


def _in_a_cycle(code: str, parents: dict[str, str | None]) -> bool:
    seen = {code}
    node = parents.get(code)
    while node is not None:
        if node in seen:
            return True
        seen.add(node)
        node = parents.get(node)
    return False


def _parents_first(creates: list[ElementPayload], existing: dict) -> list[ElementPayload]:
    waiting, ordered, placed = list(creates), [], set(existing)
    while waiting:
        ready = [p for p in waiting if p.parent is None or p.parent in placed]
        if not ready:  # only where the dry run found a problem, which stops the apply
            raise ValueError(f"{waiting[0].code}'s parent {waiting[0].parent} is not there.")
        ordered += ready
        placed |= {p.code for p in ready}
        waiting = [p for p in waiting if p.code not in placed]
    return ordered


def _before(element: Element, field: str, by_id: dict) -> object:
    if field == "parent":
        return by_id[element.parent_id].code if element.parent_id else None
    return getattr(element, field)


def _shown(field: str, value) -> str:
    if field == "source_check":
        return SourceCheck(value).label
    return "—" if value in (None, "") else str(value)
