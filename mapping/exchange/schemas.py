"""The shape of a mapping and its links wherever Weave reads or writes one: the demo's
fixtures, the link importers and exporters, and the register's JSON."""

from __future__ import annotations

from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mapping.models import Link, LinkStatus, Mapping, Relation
from standards.models import Framework


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LinkPayload(Payload):
    behaviour: str = Field(min_length=1, max_length=32, description="The behaviour's code.")
    standard: str = Field(min_length=1, max_length=32, description="The standard's code.")
    relation: Relation = Field(description="How the behaviour relates to the standard.")
    rationale: str = Field(min_length=1, max_length=10_000, description="Why it relates.")
    example: str = Field(default="", max_length=10_000, description="An everyday example.")

    @field_validator("relation", mode="before")
    @classmethod
    def relation_in_any_words(cls, value):
        if isinstance(value, str) and (found := Relation.from_text(value)) is not None:
            return found
        return value

    @classmethod
    def of(cls, link) -> LinkPayload:
        """A link of any register (live, or frozen in an edition) as a payload."""
        return cls(
            behaviour=link.behaviour.code, standard=link.standard.code,
            relation=link.relation, rationale=link.rationale, example=link.example,
        )  # fmt: skip


class MappingPayload(Payload):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=80)
    organisation: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5_000)
    guide_intro: str = Field(default="", max_length=50_000)
    behaviours_framework: str = Field(description="The behaviours framework's slug.")
    standards_framework: str = Field(description="The standards framework's slug.")
    is_default: bool = False
    links: list[LinkPayload]

    @model_validator(mode="after")
    def pairs_are_unique(self) -> MappingPayload:
        seen: set[tuple[str, str]] = set()
        for link in self.links:
            pair = (link.behaviour, link.standard)
            if pair in seen:
                raise ValueError(f"{link.behaviour} → {link.standard} is linked twice.")
            seen.add(pair)
        return self

    @transaction.atomic
    def save(self) -> tuple[Mapping, int]:
        """Create the mapping and whichever links are missing; never overwrite edits."""
        frameworks = {
            f.slug: f
            for f in Framework.objects.filter(
                slug__in=[self.behaviours_framework, self.standards_framework]
            )
        }
        for slug in (self.behaviours_framework, self.standards_framework):
            if slug not in frameworks:
                raise ValueError(f"There is no framework with the slug {slug!r}.")
        behaviours_framework = frameworks[self.behaviours_framework]
        standards_framework = frameworks[self.standards_framework]
        mapping = Mapping.objects.filter(slug=self.slug).first()
        created_count = 0
        if mapping is None:
            mapping = Mapping(
                slug=self.slug,
                behaviours_framework=behaviours_framework,
                standards_framework=standards_framework,
                is_default=self.is_default and not Mapping.objects.filter(is_default=True).exists(),
                **self.model_dump(include={"name", "organisation", "description", "guide_intro"}),
            )
            mapping.full_clean()
            mapping.save()
            created_count += 1
        behaviours = {e.code: e for e in mapping.behaviours_framework.elements.all()}
        standards = {e.code: e for e in mapping.standards_framework.elements.all()}
        existing = set(mapping.links.values_list("behaviour__code", "standard__code"))
        new_links = []
        for payload in self.links:
            if (payload.behaviour, payload.standard) in existing:
                continue
            if payload.behaviour not in behaviours:
                raise ValueError(f"{payload.behaviour} is not in {mapping.behaviours_framework}.")
            if payload.standard not in standards:
                raise ValueError(f"{payload.standard} is not in {mapping.standards_framework}.")
            link = Link(
                mapping=mapping,
                behaviour=behaviours[payload.behaviour],
                standard=standards[payload.standard],
                relation=payload.relation,
                rationale=payload.rationale,
                example=payload.example,
                # Imported links are the organisation's published mapping.
                status=LinkStatus.APPROVED,
            )
            # The rules that need no query; the database's constraints and triggers check
            # the rest as the rows go in, all at once.
            link.clean()
            new_links.append(link)
        Link.objects.bulk_create(new_links)
        created_count += len(new_links)
        return mapping, created_count
