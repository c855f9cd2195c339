"""The organisation's view, across its registers: where it stands against each standard
(every register and crosswalk with its coverage figures, for the site's home and the list
of registers), and where one element stands in every standards framework on the site (for
a behaviour's page). Each register's figures are worked out once per version of it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q

from mapping.models import Link, LinkStatus, Mapping, Side
from mapping.models.inference import path_links
from mapping.register import LiveRegister
from standards.models import Framework, FrameworkKind


@dataclass(frozen=True)
class Figures:
    """A register's coverage in a few numbers, per level of its target framework."""

    links: int
    inferred: int
    levels: list[tuple[str, int, int, int]]  # (level, covered, total, only by inference)
    unapproved: int = 0  # of links: drafts and proposals, counted in the figures

    @property
    def covered(self) -> int:
        return sum(covered for _level, covered, _total, _only in self.levels)

    @property
    def total(self) -> int:
        return sum(total for _level, _covered, total, _only in self.levels)

    @property
    def by_level(self) -> list[tuple[str, int, int, int, int]]:
        """(level, covered, total, only by inference, percent covered) for each level, the
        level named for its total ("1 standard", "7 standards"): the percentages the
        register's own coverage page gives, never one pooled over levels."""
        return [(level, covered, total, only, round(100 * covered / total) if total else 0)
                for level, covered, total, only in self.levels]  # fmt: skip


def figures(register: LiveRegister) -> Figures:
    """The register's figures: kept per version of it."""

    def build() -> Figures:
        coverage = register.coverage
        levels = [(level.named, level.covered, level.total, level.inferred)
                  for level in coverage.target_levels]  # fmt: skip
        return Figures(coverage.link_count, len(coverage.inferred), levels, coverage.unapproved)

    return register.kept("figures", build)


@dataclass
class Row:
    """One register on the site, with its figures."""

    register: LiveRegister
    figures: Figures

    @property
    def is_crosswalk(self) -> bool:
        return self.register.source_framework.kind == FrameworkKind.STANDARDS and (
            self.register.target_framework.kind == FrameworkKind.STANDARDS
        )


def every_register() -> list[Row]:
    """Every register and crosswalk on the site, the default first, with its figures."""
    mappings = Mapping.objects.with_frameworks().order_by("-is_default", "name")
    return [Row(register, figures(register)) for register in map(LiveRegister, mappings)]


@dataclass
class Standing:
    """Where one element stands in one standards framework: through the register that
    maps its framework onto that one, if there is one; else what a crosswalk infers."""

    framework: Framework
    register: LiveRegister | None
    links: int = 0
    inferred: int = 0


def across_frameworks(element, register) -> list[Standing]:
    """Where a source element (a behaviour, say) stands in every standards framework on
    the site other than its own: links made to it or under it, and links inferred."""
    if element.side != Side.SOURCE or element.framework.kind != FrameworkKind.BEHAVIOURS:
        return []
    # Where two registers map onto one framework, the default register wins, else the one
    # with the most links (not an empty trial beside the real one), else the first by name.
    registers = {
        mapping.target_framework_id: LiveRegister(mapping)
        for mapping in Mapping.objects.with_frameworks()
        .filter(source_framework_id=element.framework.pk)
        .annotate(made=Count("links", filter=~Q(links__status=LinkStatus.RETIRED)))
        .order_by("-is_default", "-made", "name")
        .reverse()  # the last written wins
    }  # fmt: skip
    if register.is_live:  # this register's own figures come from what the page has read
        registers[register.target_framework.pk] = register
    frameworks = Framework.objects.filter(kind=FrameworkKind.STANDARDS, retired=False)
    below = _subtree_ids(register, element)
    made = dict(
        Link.objects.current()
        .filter(mapping_id__in=[other.mapping.pk for other in registers.values()],
                source_id__in=below, source__retired=False, target__retired=False)
        .values("mapping_id")
        .annotate(count=Count("*"))
        .order_by()
        .values_list("mapping_id", "count")
    )  # fmt: skip
    elsewhere = _inferred_elsewhere(element.framework.pk, below)
    found = []
    for framework in frameworks.order_by("name"):
        other = registers.get(framework.pk)
        if other is not None:
            inferred = sum(1 for link in other.inferred_as_kept() if link.source_id in below)
            found.append(Standing(framework, other, made.get(other.mapping.pk, 0), inferred))
        elif elsewhere.get(framework.pk):
            found.append(Standing(framework, None, 0, elsewhere[framework.pk]))
    return found


def _inferred_elsewhere(framework_id: int, below: set[int]) -> Counter:
    """How many (source, target) pairs crosswalks infer from these elements, per target
    framework: one query, however many frameworks there are."""
    pairs = (
        path_links(framework_id, None, source__links_as_target__source_id__in=below)
        .values_list("source__links_as_target__source_id", "target_id", "target__framework_id")
        .order_by()
        .distinct()
    )
    return Counter(framework for _source, _target, framework in pairs)


def _subtree_ids(register, element) -> set[int]:
    low, high = register.rank_range(element.side, element.code)
    return {e.pk for e in register.elements(element.side) if low <= (e.tree_rank or 0) <= high}
