"""A register's suggestions, as its suggestions page lists them: links inferred through
crosswalks first (strongest first, each with its paths), then lexical ones for the pairs
nobody has linked, dismissed or reached by inference, best first; and the links accepted
from an inference whose path has changed since, to review."""

from __future__ import annotations

from mapping.models import Side
from mapping.models.inference import InferredLink
from mapping.models.link_rows import RELATION_RANK
from mapping.models.suggestions import INFERRED, LEXICAL, Flag, flags
from mapping.register import LiveRegister
from mapping.suggesting.lexical import LexicalSuggestion, rank

KINDS = (INFERRED, LEXICAL)


def inferred_in_order(register: LiveRegister) -> list[InferredLink]:
    """The register's inferred links, strongest first, then in its frameworks' order."""
    return sorted(register.inferred, key=lambda link: (
        RELATION_RANK[link.relation], link.source.tree_index, link.target.tree_index,
    ))  # fmt: skip


def lexical(register: LiveRegister) -> list[LexicalSuggestion]:
    """The lexical suggestions: worked out once per version of the register, and kept."""

    def build() -> list[LexicalSuggestion]:
        leave_out = set(register.mapping.links.values_list("source_id", "target_id"))
        leave_out |= set(register.mapping.reviewed_pairs.values_list("source_id", "target_id"))
        leave_out |= {(link.source_id, link.target_id) for link in register.inferred}
        return rank(register.elements(Side.SOURCE), register.elements(Side.TARGET),
                    leave_out=leave_out)  # fmt: skip

    return register.kept("lexical", build)


def to_review(register: LiveRegister) -> list[Flag]:
    """Links accepted from an inference whose path has changed since."""
    accepted = register.mapping.links.current().exclude(accepted_from={})
    accepted = list(accepted.select_related("source", "target"))
    for link in accepted:
        link.mapping = register.mapping
    return flags(accepted)


def find(register: LiveRegister, kind: str, pair: str):
    """The suggestion a form names ("B1.2:CC4", of a kind), if it is still suggested."""
    source_code, _, target_code = pair.partition(":")
    source = register.element(Side.SOURCE, source_code)
    target = register.element(Side.TARGET, target_code)
    if source is None or target is None:
        return None
    found = register.inferred if kind == INFERRED else lexical(register)
    for suggestion in found:
        if (suggestion.source_id, suggestion.target_id) == (source.pk, target.pk):
            return register.with_paths([suggestion])[0] if kind == INFERRED else suggestion
    return None
