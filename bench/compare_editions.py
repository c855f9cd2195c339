"""Comparing two editions far apart: the first published with every link a draft, the second
with every link approved, so that every link differs. Prints the compare page's size and
time (median of --runs, without the page cache) and the rows it lists.

    .venv/bin/python bench/compare_editions.py [--links 10000] [--runs 5]

Run it in an older checkout too (copy this file into its bench/) to compare.
"""

from __future__ import annotations

import argparse
import statistics
import time

from scratch import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with scratch_database():
        from django.contrib.auth.models import User
        from django.test import Client, override_settings

        from mapping.models import Edition, LinkStatus
        from tests.synthetic import build_register

        mapping = build_register(args.links)
        publisher = User.objects.create_user("publisher")
        mapping.links.update(status=LinkStatus.DRAFT)
        Edition.objects.publish(mapping, by=publisher, title="Empty")
        mapping.links.update(status=LinkStatus.APPROVED)
        Edition.objects.publish(mapping, by=publisher, title="Full")
        client = Client()
        with override_settings(WEAVE_PAGE_CACHE=False):
            timings, size, rows = [], 0, 0
            for _ in range(args.runs + 1):
                started = time.perf_counter()
                response = client.get("/editions/compare/?old=1&new=2")
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
                size, rows = len(response.content), response.content.count(b'<tr class="added">')
        print(f"{args.links} links differ: the compare page {size / 1024:,.0f} KiB, "
              f"{rows} rows listed, {statistics.median(timings[1:]):,.0f} ms "
              f"(median of {args.runs})")  # fmt: skip


if __name__ == "__main__":
    main()
