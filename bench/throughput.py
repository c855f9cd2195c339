"""Requests per second of each read page, beside a raw WSGI endpoint (/raw: no Django,
bench/rawwsgi.py) and a trivial view (/healthz: Django's whole middleware stack and
nothing else) in the same server, in one run: gunicorn, 2 sync workers (--threads 4 for
`make serve`'s threads) on a scratch database with the demo and, with --links N, a
synthetic register of N links too. Kept pages should reach at least half the raw rate
(mapping/caching/early.py). Then mixed reads at 32 connections, with their latency
percentiles. Uses wrk, asking for gzip as browsers do.

    .venv/bin/python bench/throughput.py [--links 10000] [--seconds 3] [--runs 3] [--threads 1]
    DATABASE_URL=postgres://… .venv/bin/python bench/throughput.py
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from served import ROOT, served

B1 = "/elements/example-homes-behaviours/B1/"
INT = "/elements/cih-professional-standards-2021/INT/"
PAGES = ["/links/", "/", "/matrix/", "/map.json", B1, INT,
         "/coverage/", "/editions/1/", "/editions/1/links/", "/links/?source=B1",
         "/links/?q=residents", "/links/1/"]  # fmt: skip
MIXED = ["/", "/links/", "/links/?source=B1&sort=-relation", "/matrix/", "/map.json",
         B1, INT, "/coverage/", "/links/?q=residents"]  # fmt: skip


def wrk(url: str, seconds: int, connections: int = 16, script: str | None = None) -> dict:
    # As a browser asks: pages are sent gzipped to whoever accepts it.
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
               "-H", "Accept-Encoding: gzip"]  # fmt: skip
    if script:
        command += ["-s", script]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    found = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for share in ("50", "90", "99"):
        match = re.search(rf"\s{share}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(match.group(1)), match.group(2)
        found[f"p{share}"] = value / 1000 if unit == "us" else value * 1000 if unit == "s" \
            else value  # fmt: skip
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    found["errors"] = int(errors.group(1)) if errors else 0
    return found


def build(env: dict, links: int) -> None:
    code = (f"from tests.synthetic import build_register; "
            f"build_register({links}, slug='big', default=False)")  # fmt: skip
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                   check=True, capture_output=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=0, help="Also a register of N links.")
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", nargs="*", help="Only these pages (and the mixed reads).")
    parser.add_argument("--threads", type=int, default=1, help="Threads a worker.")
    args = parser.parse_args()
    with served(workers=2, threads=args.threads, app="rawwsgi:application") as (base, env):
        engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
        pages = list(PAGES)
        if args.links:
            build(env, args.links)
            big = ("/", "/links/", "/matrix/", "/map.json", "/elements/big-behaviours/B1/",
                   "/coverage/")  # fmt: skip
            pages += [f"/m/big{page}" for page in big]
        if args.pages:
            pages = args.pages
        print(f"{engine}; gunicorn 2 workers of {args.threads} thread(s); wrk -t2 -c16 "
              f"-d{args.seconds}s; each page beside the raw endpoint and the trivial view, "
              f"median of {args.runs} runs")  # fmt: skip
        print(f"{'page':<34}{'req/s':>9}{'raw':>9}{'of raw':>8}{'healthz':>9}{'of hz':>7}"
              f"{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}")  # fmt: skip
        for page in pages:
            runs = []
            for _ in range(args.runs):
                raw = wrk(base + "/raw", args.seconds)["rps"]
                trivial = wrk(base + "/healthz", args.seconds)["rps"]
                found = wrk(base + page, args.seconds)
                runs.append((found["rps"] / raw, raw, trivial, found))
            share, raw, trivial, found = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
            print(f"{page:<34}{found['rps']:>9.0f}{raw:>9.0f}{share:>8.2f}{trivial:>9.0f}"
                  f"{found['rps'] / trivial:>7.2f}{found['p50']:>8.1f}{found['p99']:>8.1f}"
                  f"{found['errors']:>7}")  # fmt: skip
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            paths = ", ".join(f'"{p}"' for p in MIXED)
            script.write(f"paths = {{{paths}}}\nrequest = function()\n"
                         "  return wrk.format(nil, paths[math.random(#paths)])\nend\n")  # fmt: skip
        mixed = wrk(base + "/", max(args.seconds, 10), connections=32, script=script.name)
        Path(script.name).unlink()
        print(f"mixed reads at 32 connections: {mixed['rps']:.0f} req/s, p50 {mixed['p50']:.1f} "
              f"ms, p90 {mixed['p90']:.1f} ms, p99 {mixed['p99']:.1f} ms, "
              f"{mixed['errors']} errors")  # fmt: skip


if __name__ == "__main__":
    main()
