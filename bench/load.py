"""A minute of mixed reading by 32 connections while two editors save in a loop, against
`make serve`'s setup (gunicorn, 2 workers of 4 threads) on a scratch database with the demo.
Optionally restarts PostgreSQL partway, to see what readers get while it is down and how
soon the app recovers by itself.

    .venv/bin/python bench/load.py [--seconds 60] [--readers 32]
    DATABASE_URL=postgres://… .venv/bin/python bench/load.py
    DATABASE_URL=postgres://… .venv/bin/python bench/load.py \\
        --restart "su postgres -c 'pg_ctl -D /tmp/pg/data restart -m fast'" --restart-at 20
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import threading
import time
from collections import Counter

import requests
from served import logged_in, served

READS = ["/", "/links/", "/links/?source=B1&sort=-relation", "/matrix/", "/map.json",
         "/behaviours/B1/", "/standards/INT/", "/coverage/", "/links/?q=residents"]  # fmt: skip


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reads: list[tuple[float, float, int | str]] = []  # (when, seconds, status)
        self.saves: Counter = Counter()

    def read(self, when: float, took: float, status) -> None:
        with self.lock:
            self.reads.append((when, took, status))


def reader(base: str, stop: float, tally: Tally, start: float) -> None:
    session = requests.Session()
    while time.monotonic() < stop:
        path = random.choice(READS)
        began = time.monotonic()
        try:
            status = session.get(base + path, timeout=30).status_code
        except requests.RequestException as error:
            status = type(error).__name__
            session = requests.Session()
            time.sleep(0.05)
        tally.read(began - start, time.monotonic() - began, status)


def editor(base: str, stop: float, tally: Tally, ids: list[int]) -> None:
    session = logged_in(base, "editor")
    number = 0
    while time.monotonic() < stop:
        number += 1
        link_id = random.choice(ids)
        try:
            page = session.get(f"{base}/links/{link_id}/edit/", timeout=30).text
            revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
            response = session.post(f"{base}/links/{link_id}/edit/", timeout=30,
                                    allow_redirects=False,
                                    data={"relation": "supports", "example": "",
                                          "rationale": f"Saved in the load test, {number}.",
                                          "revision": revision})  # fmt: skip
            tally.saves[response.status_code] += 1
        except (requests.RequestException, AttributeError) as error:
            tally.saves[type(error).__name__] += 1
            time.sleep(0.2)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--readers", type=int, default=32)
    parser.add_argument("--restart", help="A shell command that restarts the database.")
    parser.add_argument("--restart-at", type=float, default=20.0)
    args = parser.parse_args()
    with served(workers=2, threads=4) as (base, env):
        engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
        ids = [i["id"] for i in requests.get(
            f"{base}/api/mappings/example-homes-cih/links?page_size=100", timeout=30
        ).json()["items"]]  # fmt: skip
        tally, start = Tally(), time.monotonic()
        stop = start + args.seconds
        threads = [threading.Thread(target=reader, args=(base, stop, tally, start))
                   for _ in range(args.readers)]  # fmt: skip
        threads += [threading.Thread(target=editor, args=(base, stop, tally, ids))
                    for _ in range(2)]  # fmt: skip
        for thread in threads:
            thread.start()
        restarted = None
        if args.restart:
            time.sleep(args.restart_at)
            began = time.monotonic()
            subprocess.run(args.restart, shell=True, check=True, capture_output=True)
            restarted = (began - start, time.monotonic() - start)
        for thread in threads:
            thread.join()
    report(engine, args, tally, restarted)


def report(engine: str, args, tally: Tally, restarted) -> None:
    ok = [took for _when, took, status in tally.reads if status == 200]
    failed = Counter(status for _w, _t, status in tally.reads if status != 200)
    print(f"{engine}: {args.seconds} s, {args.readers} readers and 2 editors, "
          f"gunicorn 2 workers × 4 threads")  # fmt: skip
    print(f"  reads: {len(tally.reads):,} ({len(tally.reads) / args.seconds:.0f}/s), "
          f"failed: {sum(failed.values())} {dict(failed) or ''}")  # fmt: skip
    print(f"  read latency ms: p50 {1000 * statistics.median(ok):.0f}, "
          f"p95 {1000 * percentile(ok, 0.95):.0f}, p99 {1000 * percentile(ok, 0.99):.0f}, "
          f"max {1000 * max(ok):.0f}")  # fmt: skip
    print(f"  saves: {dict(tally.saves)}")
    if restarted:
        bad = [when for when, _t, status in tally.reads if status != 200]
        print(f"  database restarted from {restarted[0]:.1f} s to {restarted[1]:.1f} s")
        if bad:
            back = max(bad) - restarted[1]
            print(f"  failed reads from {min(bad):.1f} s to {max(bad):.1f} s; all reads "
                  f"succeed again {max(back, 0):.1f} s after the restart ended")  # fmt: skip


if __name__ == "__main__":
    main()
