"""The JSON shape Weave reads frameworks from (fixtures/ and, later, uploads)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, model_validator

from standards.models import Element, Framework, SourceCheck

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ElementPayload(Payload):
    code: str = Field(pattern=CODE_PATTERN, max_length=32)
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    level_label: str = Field(min_length=1, max_length=60)
    parent: str | None = Field(default=None, description="The parent's code, listed earlier.")
    source_check: Literal["unchecked", "checked", "not_published"] = SourceCheck.UNCHECKED
    checked_on: date | None = None

    @model_validator(mode="after")
    def checked_has_a_date(self) -> ElementPayload:
        if self.source_check == SourceCheck.CHECKED and self.checked_on is None:
            raise ValueError(f"{self.code} is marked checked: say when, in checked_on.")
        return self


class WithdrawnPayload(Payload):
    """An element once shipped that is not part of the published framework: a copy that
    still has it keeps it, marked as such."""

    code: str = Field(pattern=CODE_PATTERN, max_length=32)
    reason: str = Field(min_length=1)


class FrameworkPayload(Payload):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=80)
    kind: Literal["behaviours", "standards"]
    publisher: str = Field(min_length=1, max_length=200)
    version_label: str = ""
    year: int | None = Field(default=None, ge=1800, le=2200)
    source_url: str = ""
    citation_note: str = ""
    description: str = ""
    withdrawn: list[WithdrawnPayload] = []
    elements: list[ElementPayload]

    @model_validator(mode="after")
    def parents_come_first(self) -> FrameworkPayload:
        seen: set[str] = set()
        for element in self.elements:
            if element.code in seen:
                raise ValueError(f"The code {element.code} is used twice.")
            if element.parent is not None and element.parent not in seen:
                raise ValueError(
                    f"{element.code}'s parent {element.parent} must be listed before it."
                )
            seen.add(element.code)
        if clash := seen & {w.code for w in self.withdrawn}:
            raise ValueError(f"{', '.join(sorted(clash))} cannot be both listed and withdrawn.")
        return self

    @transaction.atomic
    def save(self) -> tuple[Framework, int]:
        """Create the framework and whichever elements are missing; never overwrite edits.

        Returns the framework and how many rows were created.
        """
        fields = self.model_dump(exclude={"elements", "slug", "withdrawn"})
        framework, created = Framework.objects.get_or_create(slug=self.slug, defaults=fields)
        existing = {e.code: e for e in framework.elements.all()}
        created_count = int(created)
        positions: dict[str | None, int] = {}
        for payload in self.elements:
            positions[payload.parent] = positions.get(payload.parent, 0) + 1
            if payload.code in existing:
                continue
            element = Element(
                framework=framework,
                parent=existing.get(payload.parent) if payload.parent else None,
                position=positions[payload.parent],
                **payload.model_dump(exclude={"parent"}),
            )
            # Field checks only: uniqueness and the tree's rules are the database's to
            # enforce (constraints and triggers), without a query per rule per row.
            element.full_clean(
                exclude=["framework", "parent"], validate_unique=False, validate_constraints=False
            )
            element.save()
            existing[payload.code] = element
            created_count += 1
        return framework, created_count
