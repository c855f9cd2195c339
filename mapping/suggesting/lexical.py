"""Lexical suggestions: pairs of a source element and a target element whose words overlap,
ranked by BM25 (rank-bm25) over each element's title and description and those of what sits
under it, with English stemming (Snowball) and without the commonest words. Only pairs
nobody has linked, dismissed or reached by inference are suggested, and each comes with the
words the two share. docs/suggestions.md measures how often the ranking finds the links
people made."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import snowballstemmer
from rank_bm25 import BM25Okapi

from mapping.models.inference import Pair

# Words that say nothing about what an element asks for.
STOP_WORDS = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each every few for
from further had has have having he her here hers him his how i if in into is it its itself
just me more most my no nor not of off on once only or other our ours out over own same she
should so some such than that the their theirs them then there these they this those through
to too under until up us very was we were what when where which while who whom why will with
would you your yours one ones way ways make makes making people person part parts sure
"""
STOP = frozenset(STOP_WORDS.split())
WORD = re.compile(r"[a-z][a-z'-]+")
_stemmer = snowballstemmer.stemmer("english")
# How many targets each source element is offered, at most.
PER_SOURCE = 5


def stems(text: str) -> list[tuple[str, str]]:
    """(stem, word) for each word of the text worth matching on."""
    found = []
    for word in WORD.findall(text.lower()):
        word = word.strip("'-")
        if len(word) > 2 and word not in STOP:
            found.append((_stemmer.stemWord(word), word))
    return found


def document(element, below: Iterable) -> list[tuple[str, str]]:
    """What an element says, and what sits under it says."""
    text = [element.title, element.description]
    text += [f"{child.title} {child.description}" for child in below]
    return stems(" ".join(text))


@dataclass(eq=False)
class LexicalSuggestion(Pair):
    source_id: int
    target_id: int
    score: float
    shared: list[str] = field(default_factory=list)  # the words, as the texts say them
    source: object = None
    target: object = None

    is_inferred = False
    kind = "lexical"


def _below(elements: Sequence) -> dict[int, list]:
    """Each element's descendants, from elements in tree order (each with depth)."""
    found: dict[int, list] = {element.pk: [] for element in elements}
    open_: list = []
    for element in elements:
        while open_ and open_[-1].depth >= element.depth:
            open_.pop()
        for ancestor in open_:
            found[ancestor.pk].append(element)
        open_.append(element)
    return found


def rank(sources: Sequence, targets: Sequence, *, leave_out: set[tuple[int, int]],
         per_source: int = PER_SOURCE) -> list[LexicalSuggestion]:  # fmt: skip
    """The best targets for each source element, best first overall: sources and targets
    in tree order (each with its depth); leave_out: pairs not to suggest."""
    if not sources or not targets:
        return []
    below = {**_below(sources), **_below(targets)}
    target_words = [document(target, below[target.pk]) for target in targets]
    scorer = BM25Okapi([[stem for stem, _word in words] or ["∅"] for words in target_words])
    found = []
    for source in sources:
        words = document(source, below[source.pk])
        query = list(dict.fromkeys(stem for stem, _word in words))
        if not query:
            continue
        scores = scorer.get_scores(query)
        ranked = sorted(range(len(targets)), key=lambda i: -scores[i])
        offered = 0
        for index in ranked:
            target = targets[index]
            if scores[index] <= 0 or offered >= per_source:
                break
            if (source.pk, target.pk) in leave_out:
                continue
            spoken = dict(words)
            shared = sorted({spoken[stem] for stem, _word in target_words[index]
                             if stem in spoken})  # fmt: skip
            found.append(LexicalSuggestion(source.pk, target.pk, float(scores[index]), shared,
                                           source, target))  # fmt: skip
            offered += 1
    return sorted(found, key=lambda s: -s.score)


def ranking_for(source, sources: Sequence, targets: Sequence) -> list[int]:
    """Every target's id, best first, for one source element: what docs/suggestions.md
    measures."""
    below = {**_below(sources), **_below(targets)}
    corpus = [[stem for stem, _ in document(t, below[t.pk])] or ["∅"] for t in targets]
    scores = BM25Okapi(corpus).get_scores(
        list(dict.fromkeys(stem for stem, _ in document(source, below[source.pk])))
    )
    return [targets[i].pk for i in sorted(range(len(targets)), key=lambda i: -scores[i])]
