"""What a register calls the two ends of its links, in its pages' prose.

A register from a behaviours framework onto a standards framework says "standard" for the
standards, as the original register did, and the behaviours framework's own level name for
the other end ("behaviour", or "value" where an organisation has values). Any other register
says each framework's own level name (that of its top-level elements: "characteristic",
"outcome"), or "element" when a framework has none yet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from standards.levels import english_plural as plural
from standards.models import FrameworkKind


@dataclass(frozen=True)
class Words:
    source: str  # "behaviour"
    sources: str  # "behaviours"
    target: str  # "standard"
    targets: str  # "standards"
    meeting: str  # what doing the source is called: "Living" a behaviour, "Meeting" a standard
    ours: bool = False  # the source is the organisation's own: "Our behaviours"

    @property
    def our_sources(self) -> str:
        return f"{'Our' if self.ours else 'The'} {self.sources}"

    def one(self, side: str) -> str:
        return self.source if side == "source" else self.target

    def many(self, side: str) -> str:
        return self.sources if side == "source" else self.targets

    @classmethod
    def of(cls, source, target, tops: Callable[[str], Sequence]) -> Words:
        """The words of a register between these frameworks; tops(side) gives a side's
        top-level elements (each with its level_label), asked for only when needed."""
        if source.kind == FrameworkKind.BEHAVIOURS and target.kind == FrameworkKind.STANDARDS:
            one = _level(source, tops("source"))
            return cls(one, source.plural_of(one), "standard", "standards", "Living", ours=True)
        one, other = _level(source, tops("source")), _level(target, tops("target"))
        meeting = "Living" if source.kind == FrameworkKind.BEHAVIOURS else "Meeting"
        ours = source.kind == FrameworkKind.BEHAVIOURS
        return cls(one, source.plural_of(one), other, target.plural_of(other), meeting, ours=ours)


def _level(framework, tops: Sequence) -> str:
    if framework.kind == FrameworkKind.BEHAVIOURS and not tops:
        return "behaviour"
    labels = Counter(in_sentence(element.level_label) for element in tops if element.level_label)
    return labels.most_common(1)[0][0] if labels else "element"


def in_sentence(label: str) -> str:
    """ "Standard statement" → "standard statement"; an acronym ("KSB") stays as it is."""
    label = " ".join(label.split())
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def possessive(name: str) -> str:
    """A name owning something: "the register's", and "the Standards'" (a name ending in s
    takes the apostrophe alone)."""
    return f"{name}'" if name.lower().endswith("s") else f"{name}'s"


def counted(count: int, word: str) -> str:
    """A count said with its word: "1 element", "3 elements"."""
    return f"{count} {word if count == 1 else plural(word)}"
