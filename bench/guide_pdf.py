"""Time the register's PDF (/guide.pdf): cold (rendered) and warm (cached).

    .venv/bin/python bench/guide_pdf.py [--runs 5] [--sizes 2000]

Uses a scratch SQLite database. For the demo register and for synthetic registers of the
given sizes it prints:
  first   the first request in a fresh process (WeasyPrint's import and font set-up included)
  cold    a request whose PDF is not cached, in a process that has rendered before (median)
  warm    a request for unchanged data, served from the cache (median)
with the page count and size of the PDF.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000])
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="weave-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from pypdf import PdfReader

    from mapping.models import Mapping
    from tests.synthetic import build_register

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    client = Client()

    def timed() -> tuple[float, bytes]:
        start = time.perf_counter()
        response = client.get("/guide.pdf")
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        return elapsed, response.content

    print(
        f"{'register':>14} {'links':>6} {'pages':>6} {'KiB':>6}"
        f" {'first s':>8} {'cold s':>7} {'warm ms':>8}"
    )
    registers = [("demo", None)] + [("synthetic", size) for size in args.sizes]
    first = None
    for label, size in registers:
        call_command("flush", interactive=False, verbosity=0)
        if size is None:
            call_command("seed_demo", password="bench-password", stdout=io.StringIO())
        else:
            build_register(size)
        links = Mapping.objects.default().links.count()
        cache.clear()
        first_time, content = timed()
        if first is None:
            first = first_time
        colds = []
        for _ in range(args.runs):
            cache.clear()
            colds.append(timed()[0])
        warms = [timed()[0] * 1000 for _ in range(max(args.runs, 20))]
        pages = len(PdfReader(io.BytesIO(content)).pages)
        shown_first = f"{first_time:8.2f}" if first_time is first else f"{'':>8}"
        print(
            f"{label:>14} {links:>6} {pages:>6} {len(content) // 1024:>6} {shown_first}"
            f" {statistics.median(colds):7.2f} {statistics.median(warms):8.1f}"
        )


if __name__ == "__main__":
    main()
