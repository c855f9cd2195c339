"""How often the lexical suggestions find the links people made: recall@5 on the demo.

    .venv/bin/python bench/suggestions_recall.py [--k 5]

Loads the demo (our behaviours onto the CIH Professional Standards, 86 links made by
people) into a scratch database. Each human link is hidden in turn: its behaviour's other
links stay made, so their standards are not offered, and every other element of the CIH
standards is a candidate. Weave ranks the candidates by BM25 over the texts
(mapping/suggesting/lexical.py); the link is found if its standard is among the first k.
A random ranking finds it with probability k / candidates, averaged over the same links.
Prints both, their ratio, and the result per relation.
"""

from __future__ import annotations

import argparse
import io
from collections import defaultdict

from scratch import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    with scratch_database():
        from django.core.management import call_command

        call_command("seed_demo", stdout=io.StringIO())
        measure(args.k)


def measure(k: int) -> None:
    from mapping.models import LinkStatus, Mapping
    from mapping.register import LiveRegister
    from mapping.suggesting.lexical import ranking_for

    register = LiveRegister(Mapping.objects.get(is_default=True))
    sources, targets = register.elements("source"), register.elements("target")
    made = defaultdict(set)
    current = register.mapping.links.exclude(status=LinkStatus.RETIRED)
    links = [link for link in current if not link.accepted_from]  # made by people
    for link in links:
        made[link.source_id].add(link.target_id)
    found, expected = 0, 0.0
    per_relation = defaultdict(lambda: [0, 0])
    for link in links:
        source = next(element for element in sources if element.pk == link.source_id)
        others = made[link.source_id] - {link.target_id}
        ranked = [pk for pk in ranking_for(source, sources, targets) if pk not in others]
        hit = link.target_id in ranked[:k]
        found += hit
        expected += min(k, len(ranked)) / len(ranked)
        per_relation[link.get_relation_display()][0] += hit
        per_relation[link.get_relation_display()][1] += 1
    print(f"register: {register.mapping.name}; {len(links)} links made by people; "
          f"{len(targets)} standards elements")  # fmt: skip
    print(f"recall@{k}, lexical: {found}/{len(links)} = {found / len(links):.1%}")
    print(f"recall@{k}, random:  {expected:.1f}/{len(links)} = {expected / len(links):.1%}")
    print(f"lexical / random: {found / expected:.2f}x")
    for relation, (hits, total) in sorted(per_relation.items()):
        print(f"  {relation:<18} {hits}/{total}")


if __name__ == "__main__":
    main()
