"""A register's framework as a CASE 1.0 CFPackage: its elements as CFItems, its tree as
isChildOf associations, and the register's links as associations between the two
frameworks' items, grouped by relation, with the rationale as the association's notes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from mapping.exchange.case.reader import (
    derived_identifier,
    element_identifier,
    framework_identifier,
)
from mapping.models.link_rows import LinkStatus, Relation, Side
from standards.models import FrameworkKind

LINK_TYPE = {Relation.SAME_AS: "exactMatchOf"}  # every other relation: isRelatedTo


def _stamp(moment: datetime | None) -> str:
    moment = moment or datetime(2000, 1, 1, tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def case_package(register, side: str, *, absolute: Callable[[str], str]) -> dict:
    """The package of one of a register's two frameworks (live, or as an edition froze it):
    side is "source" or "target"."""
    framework = register.framework(side)
    elements = register.elements(side)
    links = register.all_links()
    changed = _stamp(register.last_changed)
    words = register.words
    document_id = str(framework_identifier(framework))
    page = absolute(register.urls.home)
    document_uri = {"title": framework.name, "identifier": document_id,
                    "uri": f"{page}#case-{document_id}"}  # fmt: skip

    def node(owner, element) -> dict:
        identifier = str(element_identifier(owner, element))
        return {"title": element.code, "identifier": identifier, "uri": absolute(element.url)}

    types = {}
    for element in elements:
        types.setdefault(element.level_label, element.depth + 1)
    document = {
        "identifier": document_id,
        "uri": document_uri["uri"],
        "creator": framework.publisher,
        "title": framework.name,
        "lastChangeDateTime": changed,
        "publisher": framework.publisher,
        "description": framework.description,
        "language": "en",
        "version": framework.version_label,
        "notes": framework.citation_note,
        "extensions": {
            "weave": {"slug": framework.slug, "kind": framework.kind, "year": framework.year}
        },
    }
    if framework.level_plurals:  # its level names in the plural, where English's -s is wrong
        document["extensions"]["weave"]["level_plurals"] = framework.level_plurals
    if framework.source_url:
        document["officialSourceURL"] = framework.source_url
    licence = _licence(register, changed)
    if licence and framework.kind == FrameworkKind.BEHAVIOURS:
        # The organisation's own framework is the register's to license; a publisher's
        # standards are not: there the licence covers the links (the associations) alone.
        document["licenseURI"] = {key: licence[key] for key in ("title", "identifier", "uri")}
    items, associations = [], []
    for element in elements:
        item = {
            "identifier": node(framework, element)["identifier"],
            "uri": absolute(element.url),
            "fullStatement": element.title,
            "humanCodingScheme": element.code,
            "CFItemType": element.level_label,
            "CFItemTypeURI": _type_uri(element.level_label, absolute, page),
            "language": "en",
            "lastChangeDateTime": changed,
            "CFDocumentURI": document_uri,
        }
        if element.description:
            item["notes"] = element.description
        items.append(item)
        parent = node(framework, element.parent) if element.parent_id else document_uri
        associations.append(_association(
            ("tree", framework.slug, element.code), "isChildOf", node(framework, element),
            parent, changed, document_uri, page, sequenceNumber=element.position,
        ))  # fmt: skip
    for link in links:
        source = node(register.framework(Side.SOURCE), link.source)
        target = node(register.framework(Side.TARGET), link.target)
        association = _association(
            ("link", register.slug, str(link.link_id)), LINK_TYPE.get(link.relation,
            "isRelatedTo"), source, target, changed, document_uri, page,
            CFAssociationGroupingURI=_grouping_uri(Relation(link.relation), page),
            notes=link.rationale,
        )  # fmt: skip
        # Its status as Weave keeps it (a live link may be a draft, not yet approved).
        weave = {"status": getattr(link, "status", LinkStatus.APPROVED)}
        association["extensions"] = {"weave": weave | ({"example": link.example}
                                                       if link.example else {})}  # fmt: skip
        associations.append(association)
    return {
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": {
            "CFConcepts": [],
            "CFSubjects": [],
            "CFLicenses": [licence] if licence else [],
            "CFItemTypes": [
                {
                    **_type_uri(label, absolute, page),
                    "hierarchyCode": str(level),
                    "typeCode": label,
                    "description": f"A level of {framework.name}.",
                    "lastChangeDateTime": changed,
                }
                for label, level in types.items()
            ],
            "CFAssociationGroupings": [
                {
                    **_grouping_uri(relation, page),
                    "lastChangeDateTime": changed,
                    "description": f"Weave: the {words.source} {relation.label.lower()} the "
                    f"{words.target}. {relation.explained(words)} (SKOS {relation.skos})",
                }
                for relation in Relation
            ],
        },
    }


def _licence(register, changed: str) -> dict | None:
    """The register's licence (its links, and its organisation's own framework), as a CASE
    licence definition."""
    url = register.mapping.licence_url
    if not url:
        return None
    return {
        "identifier": str(derived_identifier("licence", url)),
        "uri": url,
        "title": f"The licence of {register.name}",
        "description": "Covers the register's links (the associations) and the "
        "organisation's own framework; a publisher's standards keep their publisher's terms.",
        "licenseText": f"{register.organisation} publishes this register's links under {url}.",
        "lastChangeDateTime": changed,
    }


def _association(key, kind, origin, destination, changed, document, page, **extra) -> dict:
    identifier = str(derived_identifier("association", *key))
    return {
        "identifier": identifier,
        "uri": f"{page}#case-{identifier}",
        "associationType": kind,
        "originNodeURI": origin,
        "destinationNodeURI": destination,
        "lastChangeDateTime": changed,
        "CFDocumentURI": document,
        **extra,
    }


def _type_uri(label: str, absolute, page: str) -> dict:
    identifier = str(derived_identifier("item-type", label))
    return {"title": label, "identifier": identifier, "uri": f"{page}#case-{identifier}"}


def _grouping_uri(relation: Relation, page: str) -> dict:
    identifier = str(derived_identifier("relation", relation.value))
    return {"title": relation.label, "identifier": identifier, "uri": f"{page}#case-{identifier}"}
