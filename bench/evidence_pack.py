"""How long an evidence pack takes to make, for a characteristic of a synthetic register of
--links links (each characteristic has its statements under it; at 10,000 links the pack of
S1 lists 1,000 links), as PDF (WeasyPrint, tagged), Word (python-docx) and Markdown, in this
process, each the median of --runs. Reading the register (two queries) is timed apart.

    .venv/bin/python bench/evidence_pack.py [--links 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from scratch import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with scratch_database():
        from django.utils import timezone

        from mapping.citing import evidence
        from mapping.citing.evidence_docx import docx
        from mapping.register import LiveRegister
        from mapping.views.evidence import pdf
        from tests.synthetic import build_register

        mapping = build_register(args.links)
        today = timezone.localdate()

        def absolute(path: str) -> str:
            return "http://testserver" + path

        def pack():
            register = LiveRegister(mapping)
            element = register.element("target", "S1")
            return evidence.build(register, element, absolute=absolute, today=today)

        made = pack()
        print(f"{args.links} links; the pack of S1 lists {len(made.links)} links "
              f"({len(made.under)} statements under it); median of {args.runs}")  # fmt: skip
        for name, make in (
            ("read and build", pack),
            ("Markdown", lambda: evidence.markdown(made)),
            ("Word (.docx)", lambda: docx(made)),
            ("PDF", lambda: pdf(made, address=absolute("/"))),
        ):
            times, size = [], 0
            for _ in range(args.runs):
                start = time.perf_counter()
                out = make()
                times.append(time.perf_counter() - start)
                size = len(out) if isinstance(out, (bytes, str)) else 0
            print(f"{name:<16}{statistics.median(times):>8.2f} s"
                  + (f"{size // 1024:>8} KiB" if size else ""))  # fmt: skip


if __name__ == "__main__":
    main()
