"""Time importing 10,000 links: the dry run and the apply, from CSV and from Excel, into an
empty register, again unchanged, and again with every rationale changed.

    .venv/bin/python bench/imports.py [--links 10000] [--runs 3]
    DATABASE_URL=postgres://… .venv/bin/python bench/imports.py   # on PostgreSQL

The file is the link table Weave exports for a synthetic register, so it is what an
organisation would round-trip. Each import goes into a second register between the same
frameworks; each run starts from an empty one. Times in seconds; the median of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import time

from scratch import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with scratch_database():
        from django.db import connection

        print(f"database: {connection.vendor}; {args.links:,} links; median of {args.runs} "
              "runs; seconds")  # fmt: skip
        measure(args.links, args.runs)


def measure(size: int, runs: int) -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from mapping.importing.batches import run_apply, run_dry_run
    from mapping.models import ImportBatch, Link, Mapping
    from tests.synthetic import build_register

    source = build_register(size)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    files = {ext: Client().get(f"/links.{ext}").content for ext in ("csv", "xlsx")}
    changed = files["csv"].replace(b"Synthetic rationale", b"Revised rationale")
    editor = User.objects.create_user("bench-editor", is_superuser=True)

    made = iter(range(1, 1000))

    def target() -> Mapping:
        """A new, empty register between the same frameworks."""
        number = next(made)
        return Mapping.objects.create(
            name=f"Target {number}", slug=f"target-{number}", organisation="Bench",
            is_default=False,
            source_framework=source.source_framework,
            target_framework=source.target_framework,
        )  # fmt: skip

    def one(content: bytes, ext: str, mapping: Mapping) -> tuple[float, float, dict]:
        batch = ImportBatch.objects.create(
            kind="links", file_format=ext, filename=f"links.{ext}", content=content,
            mapping=mapping,
        )  # fmt: skip
        start = time.perf_counter()
        run_dry_run(batch)
        checked = time.perf_counter()
        assert batch.can_be_applied, batch.error or batch.summary[0]["problems"][:3]
        run_apply(batch, by=editor)
        applied = time.perf_counter()
        assert batch.is_applied, batch.error
        return checked - start, applied - checked, batch.summary[0]["counts"]

    print(f"{'import':<40}{'dry run':>9}{'apply':>8}{'total':>8}")
    for label, ext, content, prepare in (
        ("CSV into an empty register", "csv", files["csv"], "empty"),
        ("Excel into an empty register", "xlsx", files["xlsx"], "empty"),
        ("CSV, every rationale changed", "csv", changed, "full"),
    ):
        timings = []
        for _ in range(runs):
            mapping = target()
            if prepare == "full":
                one(files["csv"], "csv", mapping)
            timings.append(one(content, ext, mapping))
        counts = timings[-1][2]
        check = statistics.median(t[0] for t in timings)
        apply = statistics.median(t[1] for t in timings)
        print(f"{label:<40}{check:>9.2f}{apply:>8.2f}{check + apply:>8.2f}   "
              f"({counts['creates']:,} added, {counts['changes']:,} changed)")  # fmt: skip
    # Applying the same file again finds nothing to do: the dry run alone.
    mapping = target()
    one(files["csv"], "csv", mapping)
    batch = ImportBatch.objects.create(kind="links", file_format="csv", filename="links.csv",
                                       content=files["csv"], mapping=mapping)  # fmt: skip
    start = time.perf_counter()
    run_dry_run(batch)
    print(f"{'CSV again, unchanged (dry run only)':<40}{time.perf_counter() - start:>9.2f}"
          f"{'':>8}{'':>8}   ({batch.summary[0]['counts']['unchanged']:,} unchanged)")  # fmt: skip
    assert Link.objects.filter(mapping=mapping).count() == size


if __name__ == "__main__":
    main()
