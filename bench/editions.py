"""Time publishing an edition and reading its pages beside the live ones, at 1k and 10k links.

    .venv/bin/python bench/editions.py [--sizes 1000 10000] [--runs 10]
    DATABASE_URL=postgres://… .venv/bin/python bench/editions.py   # on PostgreSQL

An edition is frozen rows that the live register's queries read, so each edition page is
timed side by side with its live twin, in one run. "first" is the very first request for
the edition in this process, before anything of it can have been kept in memory; the
median and p95 are over the runs after one warm-up. Times in ms.
"""

from __future__ import annotations

import argparse
import time

from scratch import scratch_database, time_page

PAGES = {
    "guide": "",
    "link table": "links/",
    "links, filtered and sorted": "links/?source=B1&sort=-relation",
    "one link": "links/{link}/",
    "element page": "elements/synthetic-behaviours/B1/",
    "matrix": "matrix/",
    "map.json": "map.json",
    "gap report": "coverage/",
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
        header = f"{'links':>7}  {'page':<27}{'live':>8}{'edition':>9}{'ratio':>7}{'queries':>10}"
        for size in args.sizes:
            call_command("flush", interactive=False, verbosity=0)
            print(header)
            measure(size, args.runs)


def measure(size: int, runs: int) -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from mapping.models import Change, Edition
    from tests.synthetic import build_register

    mapping = build_register(size)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    publisher = User.objects.create_user(f"publisher-{size}")
    started = time.perf_counter()
    Edition.objects.publish(mapping, by=publisher, title="First")
    published = (time.perf_counter() - started) * 1000
    print(f"{size:>7}  {'publishing an edition':<27}{published:>17.1f}")
    # A second edition with some changes, for the comparison.
    for link in mapping.links.order_by("pk")[: max(1, size // 100)]:
        Change.objects.apply(link, {"rationale": link.rationale + " (revised)"}, by=publisher)
    Edition.objects.publish(mapping, by=publisher, title="Second")
    link = mapping.links.order_by("pk").first().pk
    client = Client()
    started = time.perf_counter()
    assert client.get("/editions/2/links/").status_code == 200
    first = (time.perf_counter() - started) * 1000
    print(f"{size:>7}  {'edition link table, first':<27}{'':>8}{first:>9.1f}")
    for label, page in PAGES.items():
        page = page.format(link=link)
        live, _p95, live_queries = time_page(client, f"/{page}", runs)
        frozen, _p95, queries = time_page(client, f"/editions/2/{page}", runs)
        print(
            f"{size:>7}  {label:<27}{live:>8.1f}{frozen:>9.1f}{frozen / live:>7.2f}"
            f"{live_queries:>5} {queries:>4}"
        )
    compare, _p95, queries = time_page(client, "/editions/compare/?old=1&new=2", runs)
    print(f"{size:>7}  {'comparing two editions':<27}{'':>8}{compare:>9.1f}{'':>7}{queries:>10}")


if __name__ == "__main__":
    main()
