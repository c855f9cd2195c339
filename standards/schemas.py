"""The shape of a framework and its elements wherever Weave reads or writes one: the demo's
fixtures, every importer (CSV, XLSX, CASE) and every exporter. One set of schemas, so the
formats cannot drift apart."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from standards.levels import key, spaced
from standards.models import (
    CODE_PATTERN,
    POSITION_MAX,
    RESERVED_FRAMEWORK_SLUGS,
    YEAR_RANGE,
    Element,
    Framework,
    FrameworkKind,
    SourceCheck,
    renumbering_once,
)
from standards.text import unprintable

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
MOST_LEVELS = 100  # level names a framework says the plural of


# The context a file people upload is read in: no field of it may hold a character that
# cannot be printed (standards/text.py). What Weave writes from what it holds, and its own
# backups, are read without it: an older install may hold one, and must still export it.
FROM_PEOPLE = {"from_people": True}


def _tidy(text: str) -> str:
    """Composed (NFC), its spaces as one."""
    return spaced(unicodedata.normalize("NFC", text))


class Payload(BaseModel):
    """What every import and export reads or writes (frameworks here, links and registers
    in mapping/exchange)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _printable(cls, value: object, info: ValidationInfo) -> object:
        given = isinstance(value, str) and (info.context or {}).get("from_people")
        if given and (problem := unprintable(value)):
            raise ValueError(problem)
        # Composed (NFC), as the forms keep it (mapping/forms/text.py): searchable as typed.
        return unicodedata.normalize("NFC", value) if given else value


class ElementPayload(Payload):
    code: str = Field(pattern=CODE_PATTERN, max_length=32, description="Unique in its framework.")
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=20_000)
    level_label: str = Field(min_length=1, max_length=60, description="Its level: “Behaviour”.")
    parent: str | None = Field(default=None, description="The parent's code, listed earlier.")
    position: int | None = Field(
        default=None,
        ge=0,
        le=POSITION_MAX,
        description="Its place among its siblings (default: file order).",
    )
    source_check: Literal["unchecked", "checked", "not_published"] = Field(
        default=SourceCheck.UNCHECKED,
        description="Whether its wording was checked against the publisher's.",
    )
    checked_on: date | None = Field(default=None, description="When it was checked.")
    case_identifier: UUID | None = Field(default=None, description="Its CASE 1.0 identifier.")

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


class FrameworkDetails(Payload):
    """What a framework says about itself."""

    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=SLUG_PATTERN, max_length=80)
    kind: Literal["behaviours", "standards"]
    publisher: str = Field(min_length=1, max_length=200)
    version_label: str = Field(default="", max_length=60)
    year: int | None = Field(default=None, ge=YEAR_RANGE[0], le=YEAR_RANGE[1])
    source_url: str = Field(default="", max_length=200)
    citation_note: str = Field(default="", max_length=5_000)
    description: str = Field(default="", max_length=20_000)
    case_identifier: UUID | None = None
    level_plurals: dict[str, str] = Field(
        default_factory=dict,
        description="A level name → its plural, where adding an s is wrong: "
        "{“Ymddygiad”: “Ymddygiadau”}.",
    )

    @field_validator("level_plurals")
    @classmethod
    def plurals_are_level_names(cls, plurals: dict[str, str], info: ValidationInfo) -> dict:
        """Each a level name and its plural, as short as a level name, printable; composed
        and spaced as the forms keep them."""
        if len(plurals) > MOST_LEVELS:
            raise ValueError(f"Give the plurals of at most {MOST_LEVELS} level names.")
        kept, seen = {}, set()
        for name, plural in plurals.items():
            for text in (name, plural):
                if not text.strip() or len(text) > 60:
                    raise ValueError(f"“{text[:60]}”: a level name and its plural each take "
                                     "1 to 60 characters.")  # fmt: skip
                if (info.context or {}).get("from_people") and (problem := unprintable(text)):
                    raise ValueError(problem)
            if key(name) in seen:
                raise ValueError(f"“{name[:60]}” is given twice (in any case): give it once.")
            seen.add(key(name))
            kept[_tidy(name)] = _tidy(plural)
        return kept

    @field_validator("source_url")
    @classmethod
    def a_web_address(cls, url: str, info: ValidationInfo) -> str:
        """From people (an import), an address the framework's own form would take: never
        a javascript: one. What Weave holds is written and read back as it is."""
        if url and (info.context or {}).get("from_people"):
            try:
                URLValidator()(url)
            except DjangoValidationError:
                raise ValueError(
                    f"“{url[:60]}” is not a web address (http:// or https://)."
                ) from None
        return url

    @field_validator("slug")
    @classmethod
    def not_a_page_of_its_own(cls, slug: str) -> str:
        if slug in RESERVED_FRAMEWORK_SLUGS:
            raise ValueError(f"“{slug}” is the address of a page of its own: choose another.")
        return slug


class FrameworkPayload(FrameworkDetails):
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

    @property
    def details(self) -> dict:
        return self.model_dump(include=set(FrameworkDetails.model_fields) - {"slug"})

    def positions(self) -> dict[str, int]:
        """Each element's position: its own, or its place among its siblings in the file."""
        counts: dict[str | None, int] = {}
        found = {}
        for element in self.elements:
            counts[element.parent] = counts.get(element.parent, 0) + 1
            found[element.code] = (
                element.position if element.position is not None else counts[element.parent]
            )
        return found

    @classmethod
    def of(cls, framework: Framework, elements) -> FrameworkPayload:
        """A framework and its elements (in tree order, parents first) as a payload."""
        by_id = {element.pk: element for element in elements}
        return cls(
            slug=framework.slug,
            **{name: getattr(framework, name) for name in FrameworkDetails.model_fields
               if name != "slug"},
            elements=[
                ElementPayload(
                    code=e.code, title=e.title, description=e.description,
                    level_label=e.level_label, position=e.position,
                    parent=by_id[e.parent_id].code if e.parent_id in by_id else None,
                    source_check=e.source_check, checked_on=e.checked_on,
                    case_identifier=getattr(e, "case_identifier", None),
                )
                for e in elements
            ],
        )  # fmt: skip

    @transaction.atomic
    @renumbering_once()
    def save(self) -> tuple[Framework, int]:
        """Create the framework and whichever elements are missing; never overwrite edits.

        Returns the framework and how many rows were created.
        """
        framework, created = Framework.objects.get_or_create(slug=self.slug, defaults=self.details)
        existing = {e.code: e for e in framework.elements.all()}
        created_count = int(created)
        positions = self.positions()
        for payload in self.elements:
            if payload.code in existing:
                continue
            element = Element(
                framework=framework,
                parent=existing.get(payload.parent) if payload.parent else None,
                **payload.model_dump(exclude={"parent", "position"}),
                position=positions[payload.code],
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


KINDS = tuple(FrameworkKind.values)
