"""The organisation's view, across its registers: where it stands against each standard
(every register and crosswalk with its coverage figures, for the site's home and the list
of registers), and where one element stands in every standards framework on the site (for
a behaviour's page). Each register's figures are worked out once per version of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from mapping.models import Mapping, Side
from mapping.models.inference import inferred_rows
from mapping.register import LiveRegister
from standards.models import Framework, FrameworkKind


@dataclass(frozen=True)
class Figures:
    """A register's coverage in a few numbers, per level of its target framework."""

    links: int
    inferred: int
    levels: list[tuple[str, int, int, int]]  # (level, covered, total, only by inference)
    # Each source element's (links to it or under it, inferred to it or under it).
    reach: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def covered(self) -> int:
        return sum(covered for _level, covered, _total, _only in self.levels)

    @property
    def total(self) -> int:
        return sum(total for _level, _covered, total, _only in self.levels)

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.total) if self.total else 0


def figures(register: LiveRegister) -> Figures:
    """The register's figures: kept per version of it."""

    def build() -> Figures:
        coverage = register.coverage
        levels = [(level.label, level.covered, level.total, level.inferred)
                  for level in coverage.target_levels]  # fmt: skip
        reach = {
            entry.element.pk: (len(entry.direct) + len(entry.through), len(entry.inferred_within))
            for entry in coverage.sources
        }
        return Figures(coverage.link_count, len(coverage.inferred), levels, reach)

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
    registers = {
        mapping.target_framework_id: LiveRegister(mapping)
        for mapping in Mapping.objects.with_frameworks()
        .filter(source_framework_id=element.framework.pk)
        .order_by("-is_default", "name")
        .reverse()  # the default register's wins where two map onto one framework
    }  # fmt: skip
    frameworks = Framework.objects.filter(kind=FrameworkKind.STANDARDS, retired=False)
    found = []
    for framework in frameworks.order_by("name"):
        other = registers.get(framework.pk)
        if other is not None:
            links, inferred = figures(other).reach.get(element.pk, (0, 0))
            found.append(Standing(framework, other, links, inferred))
            continue
        below = _subtree_ids(register, element)
        rows = inferred_rows(element.framework.pk, framework.pk)
        inferred = sum(1 for source, *_rest in rows if source in below)
        if inferred:
            found.append(Standing(framework, None, 0, inferred))
    return found


def _subtree_ids(register, element) -> set[int]:
    low, high = register.rank_range(element.side, element.code)
    return {e.pk for e in register.elements(element.side) if low <= (e.tree_rank or 0) <= high}
