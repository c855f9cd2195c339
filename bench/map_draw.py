"""How long the map takes to draw in a real browser (Debian's Chromium through Playwright),
on the demo and on a synthetic register of --links links, through `make serve`'s setup on a
scratch database. The page times itself (static/js/map.js, window.weaveMapTiming): "data"
is fetching and parsing map.json, "draw" from the data to the first frame painted (the
summary: top-level elements and one line per linked pair). Also how many elements and lines
the first view shows. Wanted: draw under 1 s at 10,000 links. The last row asks for every
group open at once (an address shared so): the map draws at most 1,500 lines across groups.

    .venv/bin/python bench/map_draw.py [--links 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import math
import statistics

from served import served
from throughput import build

CHROMIUM = "/usr/bin/chromium"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with served(workers=2, threads=4) as (base, env), sync_playwright() as playwright:
        build(env, args.links)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        print(f"Chromium headless, 1366×800; median of {args.runs} fresh pages")
        print(f"{'register':<28}{'links':>7}{'data ms':>9}{'draw ms':>9}{'elements':>10}"
              f"{'lines':>7}")  # fmt: skip
        tops = max(1, max(2, math.ceil(math.sqrt(args.links))) // 10)  # tests/synthetic.py
        ends = (("source", "B"), ("target", "S"))
        every = ",".join(f"{side}:{prefix}{n}" for side, prefix in ends for n in range(1, tops + 1))
        pages = (
            ("demo", "/map/", 86),
            ("synthetic", "/m/big/map/", args.links),
            ("synthetic, every group asked", f"/m/big/map/#open={every}", args.links),
        )
        for name, path, links in pages:
            runs = []
            for _ in range(args.runs):
                page = browser.new_page(viewport={"width": 1366, "height": 800})
                page.goto(base + path)
                page.wait_for_selector("#map[data-ready=true]", timeout=60_000)
                timing = page.evaluate("window.weaveMapTiming")
                assert timing, page.evaluate("document.title")
                shown = page.evaluate("[weaveMap.nodes().length, weaveMap.edges().length]")
                runs.append((timing["data"], timing["draw"], *shown))
                page.close()
            data = statistics.median(run[0] for run in runs)
            draw = statistics.median(run[1] for run in runs)
            print(f"{name:<28}{links:>7}{data:>9.0f}{draw:>9.0f}{runs[0][2]:>10}{runs[0][3]:>7}")
        browser.close()


if __name__ == "__main__":
    main()
