"""SSSOM, the Simple Standard for Sharing Ontological Mappings: any register (live, or as an
edition froze it) as a TSV of mappings with its metadata as a YAML block."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date

from django.utils import timezone

from mapping.models import Relation, Side
from mapping.models.link_rows import not_yet_approved

SSSOM_COLUMNS = (
    "subject_id", "subject_label", "predicate_id", "object_id", "object_label",
    "mapping_justification", "author_label", "mapping_date", "comment",
)  # fmt: skip


def sssom_tsv(register, *, absolute: Callable[[str], str], today: date,
              inferred=(), lexical=()) -> str:  # fmt: skip
    """Each link as a mapping: its source (subject), SKOS predicate, target (object), the
    rationale as comment, all under the mapping set's metadata. inferred: links inferred
    through a crosswalk, to add as chained mappings (semapv:MappingChaining); lexical:
    lexical suggestions, added as semapv:LexicalMatching. Neither was reviewed, and each
    comment says so."""
    edition = register.edition
    prefixes = {
        "source": absolute(register.urls.element_prefix(Side.SOURCE)),
        "target": absolute(register.urls.element_prefix(Side.TARGET)),
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "semapv": "https://w3id.org/semapv/vocab/",
    }
    made = (timezone.localdate(edition.published_at) if edition else today).isoformat()
    metadata = [
        ("curie_map", None),
        *((f"  {prefix}", url) for prefix, url in prefixes.items()),
        ("mapping_set_id", absolute(register.urls.home) + "sssom.tsv"),
        ("mapping_set_title", register.name),
        (
            "mapping_set_description",
            f"How {register.source_framework.name} maps onto {register.target_framework.name}.",
        ),
        ("mapping_set_version", f"edition {edition.number}" if edition else today.isoformat()),
        ("license", register.mapping.licence_url or "https://creativecommons.org/licenses/by/4.0/"),
        ("creator_label", None),
        ("  -", register.organisation),  # a list of one
        ("publication_date", made),
    ]
    lines = [
        f"#{key}:" if value is None
        else f"#{key} {json.dumps(value)}" if key.endswith("-")
        else f"#{key}: {json.dumps(value)}"
        for key, value in metadata
    ]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(SSSOM_COLUMNS)
    for link in register.all_links():
        writer.writerow([
            f"source:{link.source.code}", _one_line(link.source.title),
            f"skos:{Relation(link.relation).skos}",
            f"target:{link.target.code}", _one_line(link.target.title),
            "semapv:ManualMappingCuration", register.organisation,
            timezone.localdate(link.updated_at).isoformat(), _comment(link),
        ])  # fmt: skip
    for link in inferred:
        path = link.path_list[0] if link.path_list else None
        steps = (f": {path.first.source_code} {path.first.get_relation_display().lower()} "
                 f"{path.via_code}, which {path.second.get_relation_display().lower()} "
                 f"{path.second.target_code}") if path else ""  # fmt: skip
        if (others := link.paths - 1) > 0:  # counted, as an edition keeps one path
            steps += f" (and {others} other path{'s' if others > 1 else ''})"
        writer.writerow([
            f"source:{link.source.code}", _one_line(link.source.title),
            f"skos:{Relation(link.relation).skos}",
            f"target:{link.target.code}", _one_line(link.target.title),
            "semapv:MappingChaining", "", made,
            f"Inferred through {link.via_code}{steps}; not reviewed.",
        ])  # fmt: skip
    for suggestion in lexical:
        writer.writerow([
            f"source:{suggestion.source.code}", _one_line(suggestion.source.title),
            f"skos:{Relation.SUPPORTS.skos}",
            f"target:{suggestion.target.code}", _one_line(suggestion.target.title),
            "semapv:LexicalMatching", "", made,
            f"Lexical suggestion, not reviewed: they share the words "
            f"{', '.join(suggestion.shared)}.",
        ])  # fmt: skip
    return "\n".join(lines) + "\n" + buffer.getvalue()


def _comment(link) -> str:
    """The rationale; for a live link not yet approved, saying so first, as its page does."""
    marked = not_yet_approved(link)
    return _one_line(f"{marked[:1].upper()}{marked[1:]}: {link.rationale}" if marked
                     else link.rationale)  # fmt: skip


def _one_line(text: str) -> str:
    return " ".join(text.split())
