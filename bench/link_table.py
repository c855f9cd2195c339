"""Time the link table's htmx fragment on registers of 1k, 10k and 100k links.

    .venv/bin/python bench/link_table.py [--sizes 1000 10000 100000] [--runs 30]
    DATABASE_URL=postgres://… .venv/bin/python bench/link_table.py   # on PostgreSQL

The page cache is off: this measures the view itself. Each size gets a fresh scratch
database (a temporary SQLite file unless DATABASE_URL is set, in which case Django's test
database on that server is created and dropped). Prints, for each size and each kind of
request, the median and p95 time and the query count.
"""

from __future__ import annotations

import argparse
import os
import time

from scratch import scratch_database, time_page

# What the view itself costs: the page cache (mapping/pagecache.py) would answer repeats.
os.environ["WEAVE_PAGE_CACHE"] = "false"

REQUESTS = {
    "first page": {},
    "last page, by standard": {"sort": "target", "before": "last"},
    "page 3, by relation": {"sort": "relation", "page": "3"},
    "one behaviour + subtree": {"source": "B1"},
    "text search, common words": {"q": "part 3"},
    "text search, rare words": {"q": "rationale 917"},
    "text search, one rare word": {"q": "zebra"},
    "relation, newest first": {"relation": "supports", "sort": "-updated"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    with scratch_database():
        from django.core.management import call_command
        from django.db import connection

        print(f"database: {connection.vendor}; {args.runs} runs per request; times in ms")
        print(f"{'links':>8}  {'request':<26} {'median':>8} {'p95':>8} {'queries':>8}")
        for size in args.sizes:
            call_command("flush", interactive=False, verbosity=0)
            measure(size, args.runs)


def measure(size: int, runs: int) -> None:
    from django.db import connection
    from django.test import Client

    from tests.synthetic import build_register

    started = time.perf_counter()
    build_register(size)
    built = time.perf_counter() - started
    # Autovacuum would analyse a bulk load within a minute; without fresh statistics the
    # planner may pick nested loops over every link and the figures would measure that.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    for label, params in REQUESTS.items():
        median, p95, queries = time_page(
            client, "/links/", runs, data=params, headers={"HX-Request": "true"}
        )
        print(f"{size:>8}  {label:<26} {median:>8.1f} {p95:>8.1f} {queries:>8}")
    print(f"{size:>8}  (building the register took {built:.1f} s)")


if __name__ == "__main__":
    main()
