"""Importing frameworks and links: every import is first a dry run (a plan of what it will
create, change, leave alone and, if asked, retire, with every problem where it is), and only
then applied, all at once or not at all, recorded in the history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from mapping.exchange.problems import Problem
from standards.models import POSITION_MAX

# What the dry run keeps of each list to show; the counts are always whole.
SHOWN = 300
Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    pass


@dataclass
class Difference:
    """One thing an import would change: (field, before, after) for each field."""

    label: str
    fields: list[tuple[str, str, str]]


@dataclass
class Summary:
    """A plan as the dry run page shows it, and as it is kept between dry run and apply."""

    kind: str  # "framework" or "links"
    target: str  # the framework's or the register's name
    creates: list[str] = field(default_factory=list)
    changes: list[Difference] = field(default_factory=list)
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)
    retire_missing: bool = False
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return any(problem.blocking for problem in self.problems)

    def in_file_order(self) -> list[Problem]:
        """The problems as a reader meets them: the file's own first, then row by row (the
        checks run in passes, each finding some rows' problems)."""
        return sorted(self.problems, key=lambda p: (p.row is not None, p.row or 0))

    @property
    def has_work(self) -> bool:
        return bool(self.creates or self.changes or (self.retire_missing and self.missing))

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "target": self.target,
            "counts": {
                "creates": len(self.creates),
                "changes": len(self.changes),
                "unchanged": self.unchanged,
                "missing": len(self.missing),
                "errors": sum(p.blocking for p in self.problems),
                "warnings": sum(not p.blocking for p in self.problems),
            },
            "creates": self.creates[:SHOWN],
            "changes": [
                {"label": c.label, "fields": [list(f) for f in c.fields]}
                for c in self.changes[:SHOWN]
            ],
            "missing": self.missing[:SHOWN],
            "retire_missing": self.retire_missing,
            "problems": [p.as_dict() for p in self.in_file_order()[:SHOWN]],
            "notes": self.notes,
            "blocked": self.blocked,
            "has_work": self.has_work,
        }


# The columns a payload's fields come from, to say where a problem is.
FIELD_COLUMNS = {
    "code": "code", "title": "title", "description": "description", "level_label": "level label",
    "parent": "parent code", "position": "position", "source": "source code",
    "target": "target code", "relation": "relation", "rationale": "rationale",
    "example": "example",
}  # fmt: skip
FIELD_WORDS = {
    "code": "a code", "title": "a title", "level_label": "a level label (such as “Behaviour”)",
    "source": "the source element's code", "target": "the target element's code",
    "relation": "a relation", "name": "the new framework's name",
    "publisher": "the new framework's publisher", "kind": "the new framework's kind",
    "slug": "the new framework's short name (its slug)",
    "rationale": "a rationale: say why the one relates to the other",
}  # fmt: skip


def problems_of(error: ValidationError, *, row: int | None = None, item: str = "") -> list:
    """A pydantic error as problems in words, each naming its column."""
    found = []
    for detail in error.errors():
        name = str(detail["loc"][0]) if detail["loc"] else ""
        kind, value = detail["type"], detail.get("input")
        column = FIELD_COLUMNS.get(name, name)
        if kind in ("missing", "string_too_short"):
            message = f"Give {FIELD_WORDS.get(name, column)}."
        elif kind == "string_too_long":
            message = f"Keep the {column} under {detail['ctx']['max_length']:,} characters."
        elif kind == "string_pattern_mismatch":
            message = (
                f"“{value}” is not a code: use letters, digits, dots, hyphens and "
                "underscores, starting with a letter or digit (at most 32)."
            )
        elif kind == "enum":
            message = (
                f"“{value}” is not a relation Weave knows: use is the same as, fully covers, "
                "partly covers, closely matches or supports."
            )
        elif kind.startswith("int") or kind in ("greater_than_equal", "less_than_equal"):
            message = (
                f"“{value}” is not a position: give a whole number from 0 to {POSITION_MAX:,}."
            )
        else:
            message = detail["msg"].removeprefix("Value error, ")
        found.append(Problem(message, row=row, column=column, item=item))
    return found
