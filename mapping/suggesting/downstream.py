"""What changing a crosswalk's link would change elsewhere: the other registers whose
inferred links pass through it (mapping/models/inference.py), for the link's page to tell
its editors before they edit or retire it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from mapping.models.inference import ReviewedPair
from mapping.models.links import Link, LinkStatus
from mapping.models.mappings import Mapping


@dataclass(frozen=True)
class Downstream:
    """Another register whose inferred links pass through a link: how many it infers
    through it, and how many of its links were accepted from such an inference."""

    mapping: Mapping
    inferred: int
    accepted: int


def downstream_of(link: Link) -> list[Downstream]:
    """The other registers that infer links through this one, as a first step or as a
    second: what changing or retiring it would change elsewhere. Only an approved link is
    a step."""
    if link.status != LinkStatus.APPROVED:
        return []
    own = link.mapping
    pairs: dict[int, set[tuple[int, int]]] = {}
    # As a second step: first steps into its source, from registers onto its framework.
    firsts = Link.objects.filter(target_id=link.source_id, status=LinkStatus.APPROVED,
                                 mapping__target_framework_id=own.source_framework_id)  # fmt: skip
    by_framework: dict[int, set[int]] = {}
    for framework_id, source_id in firsts.values_list("mapping__source_framework_id", "source_id"):
        by_framework.setdefault(framework_id, set()).add(source_id)
    # As a first step: second steps onward from its target, in crosswalks from its target's
    # framework.
    seconds = Link.objects.filter(source_id=link.target_id, status=LinkStatus.APPROVED,
                                  mapping__source_framework_id=own.target_framework_id)  # fmt: skip
    onward: dict[int, set[int]] = {}
    for framework_id, target_id in seconds.values_list("mapping__target_framework_id", "target_id"):
        onward.setdefault(framework_id, set()).add(target_id)
    registers = (
        Mapping.objects.with_frameworks()
        .exclude(pk=own.pk)
        .filter(
            Q(source_framework_id__in=by_framework, target_framework_id=own.target_framework_id)
            | Q(source_framework_id=own.source_framework_id, target_framework_id__in=onward)
        )
    )
    for mapping in registers:
        reached = pairs.setdefault(mapping.pk, set())
        if mapping.target_framework_id == own.target_framework_id:
            sources = by_framework.get(mapping.source_framework_id, ())
            reached |= {(source, link.target_id) for source in sources}
        if mapping.source_framework_id == own.source_framework_id:
            targets = onward.get(mapping.target_framework_id, ())
            reached |= {(link.source_id, target) for target in targets}
    # Accepted from an inference through it: only a register that starts where it starts
    # (it was the first step) or ends where it ends (the second) can hold such a link.
    accepted: dict[int, int] = {}
    for mapping_id, origin in (Link.objects.current().exclude(mapping=own)
                               .filter(Q(mapping__source_framework_id=own.source_framework_id)
                                       | Q(mapping__target_framework_id=own.target_framework_id),
                                       accepted_from__kind="inferred")
                               .values_list("mapping_id", "accepted_from")):  # fmt: skip
        if any(link.pk in (path["first"], path["second"]) for path in origin.get("paths", [])):
            accepted[mapping_id] = accepted.get(mapping_id, 0) + 1
    decided = _decided(pairs)
    found = []
    also = Mapping.objects.with_frameworks().filter(pk__in=set(accepted) - set(pairs))
    for mapping in [*registers, *also]:
        inferred = len(pairs.get(mapping.pk, set()) - decided.get(mapping.pk, set()))
        if inferred or accepted.get(mapping.pk):
            found.append(Downstream(mapping, inferred, accepted.get(mapping.pk, 0)))
    return sorted(found, key=lambda entry: entry.mapping.name)


def _decided(pairs: dict[int, set[tuple[int, int]]]) -> dict[int, set[tuple[int, int]]]:
    """Of these (source, target) pairs by register, those each register has decided on (a
    link made, or the suggestion dismissed), in two queries however many registers."""
    wanted = {pair for reached in pairs.values() for pair in reached}
    near = {"mapping_id__in": list(pairs), "source_id__in": {source for source, _ in wanted},
            "target_id__in": {target for _, target in wanted}}  # fmt: skip
    decided: dict[int, set[tuple[int, int]]] = {}
    for model in (Link, ReviewedPair):
        for mapping_id, source, target in model.objects.filter(**near).values_list(
                "mapping_id", "source_id", "target_id"):  # fmt: skip
            decided.setdefault(mapping_id, set()).add((source, target))
    return decided
