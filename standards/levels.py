"""What a framework's levels are called in the plural: "Behaviours", "Standard statements".

English adds an s (or -es, -ies) to a level's name. A framework that names its levels in
another language, or with a word English makes plural otherwise ("Criterion", "Ymddygiad"),
says each plural itself (Framework.level_plurals: a level name → its plural); the name as
a page writes it, capitalised or in a sentence, gets the plural written the same way.
"""

from __future__ import annotations

from collections.abc import Mapping


def english_plural(word: str) -> str:
    """ "behaviour" → "behaviours", "policy" → "policies", "box" → "boxes"."""
    if word.endswith("y") and word[-2:-1] not in set("aeiou"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def spaced(label: str) -> str:
    """A level name (or its plural) as kept: its spaces as one, none at either end."""
    return " ".join(label.split())


def key(label: str) -> str:
    """How a level name is looked up: in any case, its spaces as one."""
    return spaced(label).casefold()


def plural_in(plurals: Mapping[str, str] | None, label: str) -> str:
    """The plural of a level name as the framework says it, written as the name is ("ymddygiad"
    in a sentence → "ymddygiadau"), or by the English rule where it says none."""
    label = spaced(label)
    said = {key(name): plural for name, plural in (plurals or {}).items() if plural}.get(key(label))
    if not said:
        return english_plural(label)
    first, rest = label[:1], label[1:2]
    if first.islower() and not said[1:2].isupper():
        return said[:1].lower() + said[1:]
    if first.isupper() and not rest.isupper():
        return said[:1].upper() + said[1:]
    return said
