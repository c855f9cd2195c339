"""Time the pages of a behaviours → B register whose links are inferred through a large
crosswalk, and its suggestions page, without the page cache.

    .venv/bin/python bench/crosswalks.py [--runs 15]
    DATABASE_URL=postgres://… .venv/bin/python bench/crosswalks.py   # on PostgreSQL

The scratch database (see bench/scratch.py) holds three frameworks: 100 behaviours (10
top-level, 9 under each), a detailed standards framework A of 5,050 elements (50 top-level,
100 under each) and a standards framework B of 100 elements like the behaviours; and three
registers: behaviours → A with 10,000 links (each behaviour to 100 elements of A), the
crosswalk A → B with 10,000 links (5,000 elements of A to two elements of B each), and
behaviours → B with 500 links of its own. Every behaviour → B pair is then inferred, most
through several paths: the most the crosswalk can infer onto a framework of that size.

The page cache is off: every request builds its page. Each page is timed "cold", with
everything kept per register version forgotten before every request (as after a change to
a register the inferred links pass through), "edited", after this register's own version
is renewed before every request (as after accepting a suggestion: the paths are kept), and
"warm", built again from what is kept; then again, side by side in the same run, after the
crosswalk's links are deleted, so that nothing is inferred, and the ratios of the two.
Prints medians and p95 in ms, the query count (warm) and the response's size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from scratch import scratch_database

os.environ["WEAVE_PAGE_CACHE"] = "false"

PAGES = [
    ("guide", ""),
    ("behaviour B1", "elements/bench-behaviours/B1/"),
    ("behaviour B1.1", "elements/bench-behaviours/B1.1/"),
    ("standard S1", "elements/bench-b/S1/"),
    ("standard S1.1", "elements/bench-b/S1.1/"),
    ("link table", "links/"),
    ("matrix", "matrix/"),
    ("matrix, B1 open", "matrix/?expand=B1"),
    ("map", "map/"),
    ("map.json", "map.json"),
    ("gap report", "coverage/"),
    ("gap report CSV", "coverage.csv"),
    ("suggestions", "suggestions/"),
    ("suggestions p.20", "suggestions/?page=20"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with scratch_database():
        from django.db import connection

        print(f"database: {connection.vendor}; {args.runs} runs per page; times in ms")
        started = time.perf_counter()
        editor = build()
        print(f"(building the three registers took {time.perf_counter() - started:.1f} s)")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        measure(editor, args.runs)


def build():
    from django.contrib.auth.models import User
    from django.db import transaction

    from mapping.models import Link, LinkStatus, Mapping, Membership, Relation, Role
    from tests.synthetic import synthetic_framework

    relations = Relation.values

    def links(mapping, pairs):
        Link.objects.bulk_create(
            (
                Link(
                    mapping=mapping,
                    source=source,
                    target=target,
                    relation=relations[index % len(relations)],
                    status=LinkStatus.APPROVED,
                    rationale=f"Bench rationale {index}: {source.title} and {target.title}.",
                )
                for index, (source, target) in enumerate(pairs)
            ),
            batch_size=2000,
        )

    with transaction.atomic():
        behaviours = synthetic_framework("bench-behaviours", "behaviours", 10, 9)
        a = synthetic_framework("bench-a", "standards", 50, 100)
        b = synthetic_framework("bench-b", "standards", 10, 9)

        def register(slug, source, target, default=False):
            return Mapping.objects.create(
                name=f"Bench {slug}",
                slug=slug,
                organisation="Weave benchmarks",
                source_framework=source[0].framework,
                target_framework=target[0].framework,
                is_default=default,
            )

        onto_a = register("onto-a", behaviours, a)
        crosswalk = register("a-to-b", a, b)
        onto_b = register("onto-b", behaviours, b, default=True)
        step = len(a) // 100
        links(onto_a, ((behaviour, a[(i * 37 + j * step) % len(a)])
                       for i, behaviour in enumerate(behaviours) for j in range(100)))  # fmt: skip
        links(crosswalk, ((element, b[(i * 7 + i // 50 + k * 31) % len(b)])
                          for i, element in enumerate(a[:5000]) for k in range(2)))  # fmt: skip
        links(onto_b, ((behaviour, b[(i * 53 + j * 101) % len(b)])
                       for i, behaviour in enumerate(behaviours) for j in range(5)))  # fmt: skip
        editor = User.objects.create_user("bench-editor")
        Membership.objects.create(user=editor, mapping=None, role=Role.EDITOR)
    counts = {m.slug: m.links.count() for m in (onto_a, crosswalk, onto_b)}
    print(f"links: {counts}")
    return editor


def measure(editor, runs: int) -> None:
    from django.test import Client

    from mapping.caching.versioning import forget_kept
    from mapping.models import Link, Mapping
    from mapping.models.events import announce
    from mapping.register import LiveRegister

    client = Client()
    client.force_login(editor)
    onto_b = Mapping.objects.get(slug="onto-b")
    print(f"inferred behaviour → B links: {len(LiveRegister(onto_b).inferred)}")

    def edited() -> None:  # as after an edit to this register's own links
        announce(action="changed", subject_type="site", mapping_ids=[onto_b.pk])

    modes = {"cold": forget_kept, "edited": edited, "warm": lambda: None}
    rows = {label: _modes(client, path, runs, modes) for label, path in PAGES}
    Link.objects.filter(mapping__slug="a-to-b").delete()  # announced: every page renews
    print(f"after deleting the crosswalk's links, inferred: {len(LiveRegister(onto_b).inferred)}")
    nothing = {label: _modes(client, path, runs, modes) for label, path in PAGES
               if "page=" not in path}  # fmt: skip
    print("medians in ms (p95 in brackets); 'none': the same with nothing inferred")
    print(f"{'page':<17} {'cold':>13} {'edited':>13} {'warm':>13} | {'none cold':>9} "
          f"{'none warm':>9} | {'cold/none':>9} {'warm/none':>9} "
          f"{'queries':>7} {'bytes':>9}")  # fmt: skip
    for label, _path in PAGES:
        found = rows[label]
        line = f"{label:<17} " + " ".join(
            f"{found[mode][0]:>6.0f} ({found[mode][1]:>4.0f})" for mode in modes
        )
        if label in nothing:
            none = nothing[label]
            line += f" | {none['cold'][0]:>9.0f} {none['warm'][0]:>9.0f} | "
            line += f"{found['cold'][0] / none['cold'][0]:>9.2f} "
            line += f"{found['warm'][0] / none['warm'][0]:>9.2f} "
        else:
            line += f" | {'':>9} {'':>9} | {'':>9} {'':>9} "
        print(line + f"{found['warm'][2]:>7} {found['warm'][3]:>9,}")


def _modes(client, path: str, runs: int, modes: dict) -> dict:
    """The page's timings, with each mode's preparation before every request."""
    return {mode: _time(client, "/m/onto-b/" + path, runs, before=before)
            for mode, before in modes.items()}  # fmt: skip


def _time(client, url: str, runs: int, before=lambda: None) -> tuple[float, float, int, int]:
    """The median and p95 in ms of getting url, after one warm-up; its queries and size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    timings = []
    for _ in range(runs):
        before()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, len(queries), len(response.content)


if __name__ == "__main__":
    main()
