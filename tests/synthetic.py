"""Synthetic registers of any size, for query-count tests and benchmarks."""

from __future__ import annotations

import math

from django.db import transaction

from mapping.models import Link, LinkStatus, Mapping, Relation
from standards.models import Element, Framework


def synthetic_framework(slug: str, kind: str, tops: int, children_each: int) -> list[Element]:
    """A two-level framework: tops elements, each with children_each under it; the top
    ones first."""
    framework = Framework.objects.create(
        name=f"Synthetic {kind} {slug}", slug=slug, kind=kind, publisher="Weave benchmarks"
    )
    prefix = "B" if kind == Framework.Kind.BEHAVIOURS else "S"
    parents = Element.objects.bulk_create(
        Element(
            framework=framework,
            code=f"{prefix}{top}",
            title=f"{kind.title()} {top}",
            level_label="Behaviour" if kind == Framework.Kind.BEHAVIOURS else "Top",
            position=top,
        )
        for top in range(1, tops + 1)
    )
    children = Element.objects.bulk_create(
        Element(
            framework=framework,
            parent=parent,
            code=f"{parent.code}.{child}",
            title=f"{parent.title}, part {child}",
            level_label="Part",
            position=child,
        )
        for parent in parents
        for child in range(1, children_each + 1)
    )
    Element.objects.renumber([framework.pk])
    return parents + children


@transaction.atomic
def build_register(links: int, *, slug: str = "synthetic", default: bool = True) -> Mapping:
    """A mapping with exactly `links` links between two two-level frameworks."""
    side = max(2, math.ceil(math.sqrt(links)))
    tops = max(1, side // 10)
    children_each = max(1, math.ceil(side / tops) - 1)
    shape = (tops, children_each)
    behaviours = synthetic_framework(f"{slug}-behaviours", Framework.Kind.BEHAVIOURS, *shape)
    standards = synthetic_framework(f"{slug}-standards", Framework.Kind.STANDARDS, *shape)
    mapping = Mapping.objects.create(
        name=f"Synthetic register of {links} links",
        slug=slug,
        organisation="Weave benchmarks",
        source_framework=behaviours[0].framework,
        target_framework=standards[0].framework,
        is_default=default,
    )
    relations = Relation.values
    pairs = ((b, s) for b in behaviours for s in standards)
    Link.objects.bulk_create(
        (
            Link(
                mapping=mapping,
                source=behaviour,
                target=standard,
                relation=relations[index % len(relations)],
                rationale=f"Synthetic rationale {index}: {behaviour.title} and {standard.title}.",
                status=LinkStatus.APPROVED,
            )
            for index, (behaviour, standard) in zip(range(links), pairs, strict=False)
        ),
        batch_size=2000,
    )
    return mapping


def crosswalk_suggestion(small) -> None:
    """A suggestion for the default register: B2 → S2, inferred through A1 of an older set
    of standards (our ways → older standards, and a crosswalk onward to the standards)."""
    older = Framework.objects.create(name="Older standards", slug="older", kind="standards",
                                     publisher="Body")  # fmt: skip
    a1 = Element.objects.create(framework=older, code="A1", title="Courage", level_label="Top")
    before = Mapping.objects.create(name="Our ways to the older standards", slug="before",
                                    organisation="Org", source_framework=small["behaviours"],
                                    target_framework=older)  # fmt: skip
    crosswalk = Mapping.objects.create(name="Older onto newer", slug="crosswalk",
                                       organisation="Org", source_framework=older,
                                       target_framework=small["standards"])  # fmt: skip
    Link.objects.create(mapping=before, source=small["b2"], target=a1, relation="fully_covers",
                        rationale="Bravery is courage.", status=LinkStatus.APPROVED)  # fmt: skip
    Link.objects.create(mapping=crosswalk, source=a1, target=small["s2"], relation="supports",
                        rationale="Courage serves.", status=LinkStatus.APPROVED)  # fmt: skip


def new_version(small) -> Framework:
    """A new version of the small register's standards (S2 reworded, S1.2 removed), with
    the crosswalk between the versions, so that the register can move onto it."""
    from mapping.versions.crosswalk import build_version_crosswalk

    old = small["standards"]
    new = Framework.objects.create(name="The standards", slug="the-standards-2",
                                   kind="standards", publisher="Body", version_label="2",
                                   replaces=old)  # fmt: skip
    made = {}
    for element in old.elements.order_by("tree_rank", "code"):
        if element.code == "S1.2":
            continue
        title = "Good service" if element.code == "S2" else element.title
        made[element.code] = Element.objects.create(
            framework=new, code=element.code, title=title, level_label=element.level_label,
            parent=made.get(element.parent.code) if element.parent_id else None,
            position=element.position,
        )  # fmt: skip
    build_version_crosswalk(old, new, by=None)
    return new
