"""Time the pages that read the whole register, without the page cache, live and at an
edition, on registers of 100 and 10,000 links.

    .venv/bin/python bench/pages.py [--sizes 100 10000] [--runs 15]
    DATABASE_URL=postgres://… .venv/bin/python bench/pages.py   # on PostgreSQL

Each size gets a fresh scratch database (see bench/scratch.py) holding a synthetic register
and one published edition of it. The page cache is switched off, so every request builds
its page. Prints, for each page, the median and p95 time in ms, the query count and the
size of the response in bytes.
"""

from __future__ import annotations

import argparse
import os
import time

from scratch import scratch_database, time_page

# The page cache off before Django reads its settings: these figures are of building pages.
os.environ["WEAVE_PAGE_CACHE"] = "false"

# (label, path under the register's root); the busiest elements are the top-level ones,
# which gather the links of everything under them.
PAGES = [
    ("guide", ""),
    ("behaviour B1", "elements/synthetic-behaviours/B1/"),
    ("standard S1", "elements/synthetic-standards/S1/"),
    ("matrix", "matrix/"),
    ("gap report", "coverage/"),
    ("gap report CSV", "coverage.csv"),
    ("map.json", "map.json"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    with scratch_database():
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        assert not settings.WEAVE_PAGE_CACHE
        print(f"database: {connection.vendor}; {args.runs} runs per page; times in ms")
        print(
            f"{'links':>7}  {'register':<9} {'page':<16} "
            f"{'median':>8} {'p95':>8} {'queries':>8} {'bytes':>10}"
        )
        for size in args.sizes:
            call_command("flush", interactive=False, verbosity=0)
            measure(size, args.runs)


def measure(size: int, runs: int) -> None:
    from django.db import connection
    from django.test import Client

    from mapping.models import Edition
    from tests.synthetic import build_register

    started = time.perf_counter()
    mapping = build_register(size)
    edition = Edition.objects.publish(mapping, by=None, title="Bench")
    built = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have, after a bulk load
    client = Client()
    for register, root in (("live", "/"), ("edition", f"/editions/{edition.number}/")):
        for label, path in PAGES:
            url = root + path
            median, p95, queries = time_page(client, url, runs)
            size_bytes = len(client.get(url).content)
            print(
                f"{size:>7}  {register:<9} {label:<16} "
                f"{median:>8.1f} {p95:>8.1f} {queries:>8} {size_bytes:>10,}"
            )
    print(f"{size:>7}  (building the register and its edition took {built:.1f} s)")


if __name__ == "__main__":
    main()
