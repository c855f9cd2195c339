"""The shape of a mapping and its links wherever Weave reads or writes one: the demo's
fixtures, the link importers and exporters, and the register's JSON."""

from __future__ import annotations

from django.db import transaction
from pydantic import AliasChoices, Field, field_validator, model_validator

from mapping.models import Link, LinkStatus, Mapping, Relation
from mapping.models.events import announce
from standards.models import Framework
from standards.schemas import Payload


class LinkPayload(Payload):
    # "behaviour" and "standard" are what source and target were called when every
    # register was behaviours → standards: still read, for one release.
    source: str = Field(
        min_length=1, max_length=32, validation_alias=AliasChoices("source", "behaviour"),
        description="The source element's code (a behaviour's, say).",
    )  # fmt: skip
    target: str = Field(
        min_length=1, max_length=32, validation_alias=AliasChoices("target", "standard"),
        description="The target element's code (a standard's, say).",
    )  # fmt: skip
    relation: Relation = Field(description="How the source relates to the target.")
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
            source=link.source.code, target=link.target.code,
            relation=link.relation, rationale=link.rationale, example=link.example,
        )  # fmt: skip


class MappingPayload(Payload):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=80)
    organisation: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5_000)
    guide_intro: str = Field(default="", max_length=50_000)
    source_framework: str = Field(
        validation_alias=AliasChoices("source_framework", "behaviours_framework"),
        description="The slug of the framework its links go from (a behaviours framework).",
    )
    target_framework: str = Field(
        validation_alias=AliasChoices("target_framework", "standards_framework"),
        description="The slug of the framework its links go to (a standards framework).",
    )
    is_default: bool = False
    links: list[LinkPayload]

    @model_validator(mode="after")
    def pairs_are_unique(self) -> MappingPayload:
        seen: set[tuple[str, str]] = set()
        for link in self.links:
            pair = (link.source, link.target)
            if pair in seen:
                raise ValueError(f"{link.source} → {link.target} is linked twice.")
            seen.add(pair)
        return self

    @transaction.atomic
    def save(self) -> tuple[Mapping, int]:
        """Create the mapping and whichever links are missing; never overwrite edits."""
        frameworks = {
            f.slug: f
            for f in Framework.objects.filter(
                slug__in=[self.source_framework, self.target_framework]
            )
        }
        for slug in (self.source_framework, self.target_framework):
            if slug not in frameworks:
                raise ValueError(f"There is no framework with the slug {slug!r}.")
        source_framework = frameworks[self.source_framework]
        target_framework = frameworks[self.target_framework]
        mapping = Mapping.objects.filter(slug=self.slug).first()
        created_count = 0
        if mapping is None:
            mapping = Mapping(
                slug=self.slug,
                source_framework=source_framework,
                target_framework=target_framework,
                is_default=self.is_default and not Mapping.objects.filter(is_default=True).exists(),
                **self.model_dump(include={"name", "organisation", "description", "guide_intro"}),
            )
            mapping.full_clean()
            mapping.save()
            created_count += 1
        sources = {e.code: e for e in mapping.source_framework.elements.all()}
        targets = {e.code: e for e in mapping.target_framework.elements.all()}
        existing = set(mapping.links.values_list("source__code", "target__code"))
        new_links = []
        for payload in self.links:
            if (payload.source, payload.target) in existing:
                continue
            if payload.source not in sources:
                raise ValueError(f"{payload.source} is not in {mapping.source_framework}.")
            if payload.target not in targets:
                raise ValueError(f"{payload.target} is not in {mapping.target_framework}.")
            link = Link(
                mapping=mapping,
                source=sources[payload.source],
                target=targets[payload.target],
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
        if new_links:
            announce(action="imported", subject_type="link", mapping_ids=[mapping.pk])
        created_count += len(new_links)
        return mapping, created_count
