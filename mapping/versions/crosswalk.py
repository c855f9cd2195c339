"""The crosswalk between two versions of a framework, made when the new one is imported as
replacing the old: an element with the same code and the same wording "is the same as" its
old self (approved); the same code with changed wording "closely matches" it, proposed for
review with what changed; elements only in one version are listed, new or removed."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from mapping.models import Change, Link, LinkStatus, Mapping, Relation
from standards.models import Element, Framework

WORDING = ("title", "description")


@dataclass
class VersionDifference:
    """How two versions of a framework differ, element by element (matched by code)."""

    same: list[tuple[Element, Element]] = field(default_factory=list)
    changed: list[tuple[Element, Element]] = field(default_factory=list)
    new: list[Element] = field(default_factory=list)
    removed: list[Element] = field(default_factory=list)

    @classmethod
    def between(cls, old: Framework, new: Framework) -> VersionDifference:
        before = {e.code: e for e in old.elements.current().order_by("tree_rank", "code")}
        after = {e.code: e for e in new.elements.current().order_by("tree_rank", "code")}
        found = cls()
        for code, element in after.items():
            earlier = before.get(code)
            if earlier is None:
                found.new.append(element)
            elif all(getattr(earlier, f).strip() == getattr(element, f).strip() for f in WORDING):
                found.same.append((earlier, element))
            else:
                found.changed.append((earlier, element))
        found.removed = [element for code, element in before.items() if code not in after]
        return found


def _said(old: Element, new: Element) -> str:
    def said(element: Element, name: str) -> str:
        return getattr(element, name).strip() or "(none)"

    parts = [f"the {name} was “{said(old, name)}”, now “{said(new, name)}”"
             for name in WORDING if said(old, name) != said(new, name)]  # fmt: skip
    return f"Same code, changed wording, to review: {'; '.join(parts)}."


def _whose(old: Framework) -> str:
    """The organisation the crosswalk is for: the one whose registers map the old version
    (the site's default register's, else), never the framework's publisher, who made none
    of it."""
    registers = Mapping.objects.using_framework(old).exclude(organisation="")
    found = registers.order_by("-is_default", "pk").values_list("organisation", flat=True).first()
    default = Mapping.objects.default()
    return found or (default.organisation if default is not None else "")


def _listed(elements: list[Element], most: int = 20) -> str:
    if not elements:
        return "none"
    named = ", ".join(f"{e.code} {e.title}" for e in elements[:most])
    return named + (f" and {len(elements) - most} more" if len(elements) > most else "")


def version_slug(old: Framework, new: Framework) -> str:
    base = slugify(f"{old.slug}-to-{new.slug}")[:72] or "versions"
    slug, n = base, 1
    while Mapping.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def build_version_crosswalk(old: Framework, new: Framework, *, by) -> Mapping:
    """The crosswalk from the old version onto the new, every link recorded in the history."""
    difference = VersionDifference.between(old, new)
    before, after = old.name_with_version, new.name_with_version
    if before == after:  # nothing tells them apart but being new
        after = f"{after} (new version)"
    crosswalk = Mapping(
        name=f"{before} onto {after}"[:200], slug=version_slug(old, new),
        organisation=_whose(old), source_framework=old, target_framework=new,
        description=(
            f"Made by Weave when {after} was imported as the new version of {before}: each "
            "element beside its counterpart, matched by code. The same code and wording “is "
            "the same as”; the same code with changed wording “closely matches”, proposed for "
            f"review. New in {after}: {_listed(difference.new)}. Removed: "
            f"{_listed(difference.removed)}."
        ),
    )  # fmt: skip
    crosswalk.full_clean()
    crosswalk.save()
    made = by if by is not None and by.is_authenticated else None
    links = [
        Link(mapping=crosswalk, source=a, target=b, relation=Relation.SAME_AS,
             rationale="Same code and the same wording in both versions.",
             status=LinkStatus.APPROVED, created_by=made, updated_by=made)
        for a, b in difference.same
    ] + [
        Link(mapping=crosswalk, source=a, target=b, relation=Relation.CLOSELY_MATCHES,
             rationale=_said(a, b), status=LinkStatus.PROPOSED, created_by=made, updated_by=made)
        for a, b in difference.changed
    ]  # fmt: skip
    Link.objects.bulk_create(links, batch_size=1000)
    Change.objects.record_created(links, by=by, reason=f"{new.name} replaces {old.name}.")
    return crosswalk


def version_crosswalk(old: Framework, new: Framework) -> Mapping | None:
    """The crosswalk made between the two versions, if there is one (the first made)."""
    return (Mapping.objects.with_frameworks()
            .filter(source_framework=old, target_framework=new).order_by("pk").first())  # fmt: skip
