"""Writing the register as one JSON document (mapping/exchange/register_schema.py), and
restoring such a document into an empty database as the very same rows: ids, dates,
revisions, editions and history included, so that every permalink and citation survives
a move from one database to another."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from mapping.exchange.register_json.schema import (
    ChangeRecord,
    DismissedRecord,
    EditionRecord,
    ElementRecord,
    FrameworkRecord,
    FrozenElement,
    FrozenFramework,
    FrozenLink,
    GapRecord,
    InferredRecord,
    LinkRecord,
    MappingRecord,
    RegisterDocument,
)
from mapping.models import (
    Change,
    Edition,
    Mapping,
)
from standards.models import Framework
from standards.schemas import FrameworkDetails

DETAILS = [name for name in FrameworkDetails.model_fields if name != "slug"]
TEXT = ["code", "title", "description", "level_label", "source_check", "checked_on",
        "case_identifier"]  # fmt: skip


def _name(user) -> str | None:
    return user.get_username() if user is not None else None


def _framework(framework: Framework) -> FrameworkRecord:
    elements = list(framework.elements.order_by("pk"))
    codes = {element.pk: element.code for element in elements}
    return FrameworkRecord(
        id=framework.pk, slug=framework.slug, retired=framework.retired,
        retired_reason=framework.retired_reason, revision=framework.revision,
        replaces=framework.replaces.slug if framework.replaces_id else None,
        created_at=framework.created_at, updated_at=framework.updated_at,
        **{name: getattr(framework, name) for name in DETAILS},
        elements=[
            ElementRecord(
                id=e.pk, parent=codes.get(e.parent_id), position=e.position, retired=e.retired,
                retired_reason=e.retired_reason, revision=e.revision, created_at=e.created_at,
                updated_at=e.updated_at, **{name: getattr(e, name) for name in TEXT},
            )
            for e in elements
        ],
    )  # fmt: skip


def _gap(side: str, code: str, gap, decided_by: str | None) -> GapRecord:
    return GapRecord(side=side, element=code, reason=gap.reason, decided_by=decided_by or None,
                     decided_at=gap.decided_at)  # fmt: skip


def _edition(edition: Edition) -> EditionRecord:
    elements = list(edition.elements.select_related("framework").order_by("pk"))
    codes = {element.pk: element.code for element in elements}
    return EditionRecord(
        number=edition.number, title=edition.title, notes=edition.notes,
        published_at=edition.published_at, published_by=_name(edition.published_by),
        register_name=edition.register_name, organisation=edition.organisation,
        register_description=edition.register_description, guide_intro=edition.guide_intro,
        digest=edition.digest,
        frameworks=[
            FrozenFramework(
                framework_id=f.framework_id, slug=f.slug, side=f.side,
                **{name: getattr(f, name) for name in DETAILS},
                elements=[
                    FrozenElement(element_id=e.element_id, parent=codes.get(e.parent_id),
                                  position=e.position, **{n: getattr(e, n) for n in TEXT})
                    for e in elements if e.framework_id == f.pk
                ],
            )
            for f in edition.frameworks.order_by("pk")
        ],
        links=[
            FrozenLink(link_id=link.link_id, source=link.source.code,
                       target=link.target.code, relation=link.relation,
                       rationale=link.rationale, example=link.example,
                       updated_at=link.updated_at)
            for link in edition.links.select_related("source", "target").order_by("pk")
        ],
        gaps=[
            _gap(gap.element.framework.side, gap.element.code, gap, gap.decided_by_name)
            for gap in edition.reviewed_gaps.select_related("element__framework").order_by("pk")
        ],
        inferred=[
            InferredRecord(source=i.source.code, target=i.target.code, relation=i.relation,
                           paths=i.paths, via_code=i.via_code, via_title=i.via_title,
                           first=i.first, second=i.second)
            for i in edition.inferred.select_related("source", "target").order_by("pk")
        ],
    )  # fmt: skip


def _mapping(mapping: Mapping, *, dismissed: bool = True) -> MappingRecord:
    links = mapping.links.select_related("source", "target", "created_by", "updated_by")
    gaps = mapping.reviewed_gaps.select_related("element__framework", "decided_by")
    editions = mapping.editions.select_related("published_by").order_by("number")
    return MappingRecord(
        id=mapping.pk, name=mapping.name, slug=mapping.slug, organisation=mapping.organisation,
        description=mapping.description, guide_intro=mapping.guide_intro,
        licence_url=mapping.licence_url, is_default=mapping.is_default,
        moved_to=mapping.moved_to.slug if mapping.moved_to_id else None,
        source_framework=mapping.source_framework.slug,
        target_framework=mapping.target_framework.slug,
        created_at=mapping.created_at, updated_at=mapping.updated_at,
        links=[
            LinkRecord(
                id=link.pk, source=link.source.code, target=link.target.code,
                relation=link.relation, rationale=link.rationale, example=link.example,
                status=link.status, retired_reason=link.retired_reason,
                revision=link.revision, created_at=link.created_at,
                updated_at=link.updated_at, created_by=_name(link.created_by),
                updated_by=_name(link.updated_by), accepted_from=link.accepted_from,
            )
            for link in links.order_by("pk")
        ],
        dismissed=[
            DismissedRecord(source=d.source.code, target=d.target.code, reason=d.reason,
                            decided_by=_name(d.decided_by), decided_at=d.decided_at)
            for d in mapping.reviewed_pairs.select_related("source", "target", "decided_by")
            .order_by("pk") if dismissed
        ],
        gaps=[
            _gap("source" if g.element.framework_id == mapping.source_framework_id else "target",
                 g.element.code, g, _name(g.decided_by))
            for g in gaps.order_by("pk")
        ],
        editions=[_edition(edition) for edition in editions],
    )  # fmt: skip


def live_document(mappings, *, whole_site: bool = False, dismissed: bool = True
                  ) -> RegisterDocument:  # fmt: skip
    """Every row of these mappings' registers: a complete backup of them. The whole site's
    document also keeps frameworks no register uses yet, and all the history. Without
    dismissed, the suggestions dismissed (the editors' business) are left out."""
    mappings = list(mappings.select_related("source_framework", "target_framework"))
    framework_ids = {m.source_framework_id for m in mappings} | {
        m.target_framework_id for m in mappings
    }
    frameworks = Framework.objects.select_related("replaces").order_by("pk")
    changes = Change.objects.select_related("mapping", "framework", "user")
    if not whole_site:
        frameworks = frameworks.filter(pk__in=framework_ids)
        changes = changes.filter(
            models.Q(mapping__in=mappings) | models.Q(framework__in=framework_ids)
        )
    return RegisterDocument(
        exported_at=timezone.now(),
        source="whole site" if whole_site else "live",
        frameworks=[_framework(framework) for framework in frameworks],
        mappings=[_mapping(mapping, dismissed=dismissed) for mapping in mappings],
        changes=[
            ChangeRecord(
                id=c.pk, mapping=c.mapping.slug if c.mapping else None,
                framework=c.framework.slug if c.framework else None,
                subject_type=c.subject_type, subject_id=c.subject_id,
                subject_label=c.subject_label, action=c.action, before=c.before,
                after=c.after, reason=c.reason, user=_name(c.user), at=c.at,
                reverts=c.reverts_id,
            )
            for c in changes.order_by("pk")
        ],
    )  # fmt: skip


def edition_document(edition: Edition) -> RegisterDocument:
    """The register as one edition published it, in the same shape: restored into an
    empty database, it is that register (its links approved, its rows' ids the live ones
    they were copied from)."""
    frozen = _edition(edition)
    frameworks = [
        FrameworkRecord(
            id=f.framework_id, slug=f.slug, **f.model_dump(include=set(DETAILS)),
            created_at=edition.published_at, updated_at=edition.published_at,
            elements=[
                ElementRecord(id=e.element_id, parent=e.parent, position=e.position or 0,
                              created_at=edition.published_at, updated_at=edition.published_at,
                              **e.model_dump(include=set(TEXT)))
                for e in f.elements
            ],
        )
        for f in frozen.frameworks
    ]  # fmt: skip
    sides = {f.end: f.slug for f in frozen.frameworks}
    mapping = edition.mapping
    return RegisterDocument(
        exported_at=timezone.now(),
        source=f"edition {edition.number} of {mapping.slug}",
        frameworks=frameworks,
        mappings=[
            MappingRecord(
                id=mapping.pk, name=edition.register_name, slug=mapping.slug,
                organisation=edition.organisation, description=edition.register_description,
                guide_intro=edition.guide_intro, licence_url=mapping.licence_url,
                source_framework=sides["source"],
                target_framework=sides["target"],
                created_at=edition.published_at, updated_at=edition.published_at,
                links=[
                    LinkRecord(id=r.link_id, source=r.source, target=r.target,
                               relation=r.relation, rationale=r.rationale, example=r.example,
                               created_at=r.updated_at, updated_at=r.updated_at)
                    for r in frozen.links
                ],
                gaps=frozen.gaps,
            )
        ],
    )  # fmt: skip
