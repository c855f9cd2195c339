"""The register's PDF laid out by Weave (WeasyPrint in parts, joined with pikepdf) against
Chromium's print of the same HTML, side by side in one run.

    .venv/bin/python bench/pdf_vs_chromium.py [--links 2000] [--runs 5] [--chromium chromium]
                                              [--edit]

Uses a scratch database with a synthetic register. Each run times, one after the other:
  weave     mapping.pdf.document.render_register_pdf() on the register's context, in this process,
            its pool of layout workers started (as in a server or task worker that has
            rendered before), with no part of it kept from an earlier render (the cache
            emptied first): every part laid out
  chromium  `chromium --headless --print-to-pdf` of the same document as one HTML file
            (every part of the PDF, in order, with the same stylesheet), browser start-up
            and exit included
and prints each run, the medians, and their ratio (weave / chromium: at most 1.0 wanted).
With --edit, each run first changes one link's rationale (a different link each time, as an
editor would) and Weave renders with the parts of the render before it kept: what a render
after a write costs.
With --profile, one more Weave render is profiled in a single process (WEAVE_PDF_WORKERS=1)
and the top functions by cumulative time are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from scratch import scratch_database


def chromium_print(binary: str, html: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         "--no-first-run", "--disable-extensions", f"--print-to-pdf={out}", html.as_uri()],
        check=True, capture_output=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    assert out.stat().st_size > 0, "Chromium wrote no PDF"
    return elapsed


def pages(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chromium", default="chromium")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--edit", action="store_true", help="change one link before each run")
    args = parser.parse_args()

    with scratch_database():
        from django.core.cache import cache
        from django.utils import timezone

        from mapping.models import Change
        from mapping.pdf import document as pdf
        from mapping.pdf import pool as pdf_pool
        from mapping.register import LiveRegister
        from tests.synthetic import build_register

        mapping = build_register(args.links)
        work = Path(tempfile.mkdtemp(prefix="weave-pdf-bench-"))
        html = work / "register.html"

        def prepare() -> dict:
            """The register's context as it is now, and the same document for Chromium."""
            context = pdf.document_context(
                LiveRegister(mapping), permalink="http://testserver/", today=timezone.localdate()
            )
            html.write_text(pdf.whole_document_html(context), encoding="utf-8")
            return context

        context = prepare()
        edited = list(mapping.links.order_by("?")[: args.runs])

        # Warm up both: the worker pool and fonts for Weave, the disk cache for Chromium.
        content = pdf.render_register_pdf(context)
        chromium_print(args.chromium, html, work / "warm.pdf")
        print(
            f"{args.links} links; {pdf_pool.worker_count()} layout workers; {os.cpu_count()} cores"
        )
        print(f"{'run':>4} {'weave s':>8} {'chromium s':>11}")
        weave, chromium = [], []
        for run in range(1, args.runs + 1):
            if args.edit:
                link = edited[run - 1]  # through the write path, as the editing form does
                Change.objects.apply(link, {"rationale": f"{link.rationale} Edited."}, by=None)
                context = prepare()
            else:
                cache.clear()  # nothing kept from the render before
            start = time.perf_counter()
            content = pdf.render_register_pdf(context)
            weave.append(time.perf_counter() - start)
            chromium.append(chromium_print(args.chromium, html, work / f"chromium-{run}.pdf"))
            print(f"{run:>4} {weave[-1]:8.2f} {chromium[-1]:11.2f}")
        ratio = statistics.median(weave) / statistics.median(chromium)
        chromium_pdf = (work / "chromium-1.pdf").read_bytes()
        print(f"median weave {statistics.median(weave):.2f} s ({pages(content)} pages, "
              f"{len(content) // 1024} KiB); chromium {statistics.median(chromium):.2f} s "
              f"({pages(chromium_pdf)} pages, {len(chromium_pdf) // 1024} KiB)")  # fmt: skip
        print(f"ratio weave/chromium {ratio:.2f}")

        if args.profile:
            os.environ["WEAVE_PDF_WORKERS"] = "1"
            cache.clear()
            profiler = cProfile.Profile()
            profiler.runcall(pdf.render_register_pdf, context)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
