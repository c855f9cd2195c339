"""Restoring a register document (mapping/exchange/register_schema.py) into an empty
database as the very same rows: ids, dates, revisions, editions and history included, so
that every permalink and citation survives a move from one database to another."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction

from mapping.exchange.register_json.schema import (
    EditionRecord,
    FrameworkRecord,
    MappingRecord,
    RegisterDocument,
)
from mapping.exchange.register_json.writer import DETAILS, TEXT
from mapping.models import (
    Change,
    Edition,
    EditionElement,
    EditionFramework,
    EditionGap,
    EditionLink,
    Link,
    Mapping,
    ReviewedGap,
)
from mapping.models.events import announce
from mapping.models.frozen import EditionInferred
from mapping.models.inference import ReviewedPair
from standards.models import Element, Framework, tree_ranks


class NotEmpty(Exception):
    """Restoring goes into an empty database only: it keeps every id."""


@contextmanager
def _dates_as_given() -> Iterator[None]:
    """Let rows keep the dates they were saved with, rather than now."""
    fields = [
        field
        for model in (Framework, Element, Mapping, Link)
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


@transaction.atomic
def restore(document: RegisterDocument) -> dict[str, int]:
    """Write the document's rows into an empty register, as they were. Returns counts."""
    if Framework.objects.exists() or Mapping.objects.exists():
        raise NotEmpty("The database already holds a register: restore into an empty one.")
    users = _users(document)
    with _dates_as_given():
        elements = _restore_frameworks(document.frameworks)
        frameworks = {f.slug: f for f in Framework.objects.all()}
        Element.objects.renumber(f.pk for f in frameworks.values())
        for record in document.mappings:
            _restore_mapping(record, frameworks, elements, users)
        mappings = {m.slug: m for m in Mapping.objects.all()}
        for record in document.mappings:  # moved onto a register restored with it
            if record.moved_to in mappings:
                Mapping.objects.filter(slug=record.slug).update(moved_to=mappings[record.moved_to])
        changes = (
            Change(
                pk=c.id, mapping=mappings.get(c.mapping), framework=frameworks.get(c.framework),
                subject_type=c.subject_type, subject_id=c.subject_id,
                subject_label=c.subject_label, action=c.action, before=c.before, after=c.after,
                reason=c.reason, user=users.get(c.user), at=c.at, reverts_id=c.reverts,
            )
            for c in sorted(document.changes, key=lambda c: c.id)
        )  # fmt: skip
        Change.objects.bulk_create(changes, batch_size=1000)
    _reset_sequences()
    announce(action="restored", subject_type="site", mapping_ids=[m.pk for m in mappings.values()])
    return {
        "frameworks": len(document.frameworks),
        "elements": sum(len(f.elements) for f in document.frameworks),
        "mappings": len(document.mappings),
        "links": sum(len(m.links) for m in document.mappings),
        "editions": sum(len(m.editions) for m in document.mappings),
        "changes": len(document.changes),
    }


def _users(document: RegisterDocument) -> dict:
    """The people the document names, found by name; those missing are added as accounts
    that cannot log in, so that who did what survives."""
    names = {c.user for c in document.changes}
    for mapping in document.mappings:
        names |= {link.created_by for link in mapping.links}
        names |= {link.updated_by for link in mapping.links}
        names |= {gap.decided_by for gap in mapping.gaps}
        names |= {pair.decided_by for pair in mapping.dismissed}
        names |= {edition.published_by for edition in mapping.editions}
    User = get_user_model()
    found = {}
    for name in sorted(n for n in names if n):
        user = User.objects.filter(**{User.USERNAME_FIELD: name}).first()
        if user is None:
            user = User.objects.create_user(name, is_active=False)
            user.set_unusable_password()
            user.save(update_fields=["password"])
        found[name] = user
    return found


def _restore_frameworks(records: list[FrameworkRecord]) -> dict[tuple[str, str], Element]:
    made: dict[tuple[str, str], Element] = {}
    for record in records:
        framework = Framework.objects.create(
            pk=record.id, slug=record.slug, retired=record.retired,
            retired_reason=record.retired_reason, revision=record.revision,
            created_at=record.created_at, updated_at=record.updated_at,
            **record.model_dump(include=set(DETAILS)),
        )  # fmt: skip
        waiting = list(record.elements)
        while waiting:  # parents before children, whatever their ids
            ready = [e for e in waiting if e.parent is None or (record.slug, e.parent) in made]
            if not ready:
                raise ValueError(f"{waiting[0].code}'s parent {waiting[0].parent} is missing.")
            created = Element.objects.bulk_create(
                Element(
                    pk=e.id, framework=framework, parent=made.get((record.slug, e.parent)),
                    position=e.position, retired=e.retired, retired_reason=e.retired_reason,
                    revision=e.revision, created_at=e.created_at, updated_at=e.updated_at,
                    **e.model_dump(include=set(TEXT)),
                )
                for e in ready
            )  # fmt: skip
            made |= {(record.slug, e.code): e for e in created}
            waiting = [e for e in waiting if (record.slug, e.code) not in made]
    by_slug = {record.slug: record for record in records}
    for record in records:
        if record.replaces is not None:
            if record.replaces not in by_slug:
                raise ValueError(f"{record.slug} replaces {record.replaces}, which is missing.")
            Framework.objects.filter(pk=record.id).update(replaces_id=by_slug[record.replaces].id)
    return made


def _restore_mapping(record: MappingRecord, frameworks, elements, users) -> None:
    sides = {"source": record.source_framework, "target": record.target_framework}
    mapping = Mapping.objects.create(
        pk=record.id, name=record.name, slug=record.slug, organisation=record.organisation,
        description=record.description, guide_intro=record.guide_intro,
        licence_url=record.licence_url, is_default=record.is_default,
        source_framework=frameworks[sides["source"]],
        target_framework=frameworks[sides["target"]],
        created_at=record.created_at, updated_at=record.updated_at,
    )  # fmt: skip
    Link.objects.bulk_create(
        (
            Link(
                pk=r.id, mapping=mapping, source=elements[(sides["source"], r.source)],
                target=elements[(sides["target"], r.target)], relation=r.relation.value,
                rationale=r.rationale, example=r.example, status=r.status,
                retired_reason=r.retired_reason, revision=r.revision,
                created_at=r.created_at, updated_at=r.updated_at,
                created_by=users.get(r.created_by), updated_by=users.get(r.updated_by),
                accepted_from=r.accepted_from,
            )
            for r in record.links
        ),
        batch_size=1000,
    )  # fmt: skip
    ReviewedGap.objects.bulk_create(
        ReviewedGap(mapping=mapping, element=elements[(sides[g.side], g.element)],
                    reason=g.reason, decided_by=users.get(g.decided_by),
                    decided_at=g.decided_at)
        for g in record.gaps
    )  # fmt: skip
    ReviewedPair.objects.bulk_create(
        ReviewedPair(mapping=mapping, source=elements[(sides["source"], d.source)],
                     target=elements[(sides["target"], d.target)], reason=d.reason,
                     decided_by=users.get(d.decided_by), decided_at=d.decided_at)
        for d in record.dismissed
    )  # fmt: skip
    for edition in record.editions:
        _restore_edition(mapping, edition, users)


def _restore_edition(mapping: Mapping, record: EditionRecord, users) -> None:
    edition = Edition.objects.create(
        mapping=mapping,
        published_by=users.get(record.published_by),
        **record.model_dump(exclude={"frameworks", "links", "gaps", "inferred", "published_by"}),
    )
    frozen: dict[tuple[str, str], EditionElement] = {}
    for framework_record in record.frameworks:
        framework = EditionFramework.objects.create(
            edition=edition, framework_id=framework_record.framework_id,
            slug=framework_record.slug, side=framework_record.end,
            **framework_record.model_dump(include=set(DETAILS)),
        )  # fmt: skip
        kind, waiting = framework.side, list(framework_record.elements)
        ranks = tree_ranks((e.code, e.parent, e.position or 0, e.code) for e in waiting)
        while waiting:
            ready = [e for e in waiting if e.parent is None or (kind, e.parent) in frozen]
            if not ready:
                raise ValueError(f"{waiting[0].code}'s parent {waiting[0].parent} is missing.")
            created = EditionElement.objects.bulk_create(
                EditionElement(edition=edition, framework=framework, element_id=e.element_id,
                               parent=frozen.get((kind, e.parent)), position=e.position or 0,
                               tree_rank=ranks[e.code],
                               **e.model_dump(include=set(TEXT)))
                for e in ready
            )  # fmt: skip
            frozen |= {(kind, e.code): e for e in created}
            waiting = [e for e in waiting if (kind, e.code) not in frozen]
    EditionLink.objects.bulk_create(
        (
            EditionLink(edition=edition, link_id=r.link_id,
                        source=frozen[("source", r.source)],
                        target=frozen[("target", r.target)], relation=r.relation.value,
                        rationale=r.rationale, example=r.example, updated_at=r.updated_at)
            for r in record.links
        ),
        batch_size=1000,
    )  # fmt: skip
    EditionGap.objects.bulk_create(
        EditionGap(edition=edition, element=frozen[(g.side, g.element)], reason=g.reason,
                   decided_by_name=g.decided_by or "", decided_at=g.decided_at)
        for g in record.gaps
    )  # fmt: skip
    EditionInferred.objects.bulk_create(
        EditionInferred(edition=edition, source=frozen[("source", i.source)],
                        target=frozen[("target", i.target)], relation=i.relation,
                        paths=i.paths, via_code=i.via_code, via_title=i.via_title,
                        first=i.first, second=i.second)
        for i in record.inferred
    )  # fmt: skip


def _reset_sequences() -> None:
    """After rows went in with their own ids, new rows must not reuse them."""
    statements = connection.ops.sequence_reset_sql(
        no_style(), [Framework, Element, Mapping, Link, Change]
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
