"""Time publishing an edition and reading its pages, on registers of 1k and 10k links.

    .venv/bin/python bench/editions.py [--sizes 1000 10000] [--runs 10]
    DATABASE_URL=postgres://… .venv/bin/python bench/editions.py   # on PostgreSQL

An edition's pages are drawn from its frozen JSON snapshot, rebuilt in memory on each
request, so their cost grows with the register while their query count does not. Prints
the median and p95 time and the query count of each.
"""

from __future__ import annotations

import argparse
import time

from scratch import scratch_database, time_page

PAGES = {
    "live link table": "/links/",
    "edition guide": "/editions/1/",
    "edition link table": "/editions/1/links/",
    "edition links, filtered": "/editions/1/links/?behaviour=B1&sort=-relation",
    "edition element page": "/editions/1/behaviours/B1/",
    "edition matrix": "/editions/1/matrix/",
    "compare 1 and 2": "/editions/compare/?old=1&new=2",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    with scratch_database():
        from django.core.management import call_command
        from django.db import connection

        print(f"database: {connection.vendor}; {args.runs} runs per page; times in ms")
        print(f"{'links':>8}  {'page':<26} {'median':>8} {'p95':>8} {'queries':>8}")
        for size in args.sizes:
            call_command("flush", interactive=False, verbosity=0)
            measure(size, args.runs)


def measure(size: int, runs: int) -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from mapping.models import Change, Edition
    from mapping.synthetic import build_register

    mapping = build_register(size)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    publisher = User.objects.create_user(f"publisher-{size}")
    started = time.perf_counter()
    Edition.objects.publish(mapping, by=publisher, title="First")
    published = (time.perf_counter() - started) * 1000
    print(f"{size:>8}  {'publishing an edition':<26} {published:>8.1f}")
    # A second edition with some changes, for the comparison.
    for link in mapping.links.order_by("pk")[: max(1, size // 100)]:
        Change.objects.apply(link, {"rationale": link.rationale + " (revised)"}, by=publisher)
    Edition.objects.publish(mapping, by=publisher, title="Second")
    client = Client()
    for label, url in PAGES.items():
        median, p95, queries = time_page(client, url, runs)
        print(f"{size:>8}  {label:<26} {median:>8.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
