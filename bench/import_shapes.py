"""How long reading an upload takes (mapping/exchange/tabular.py's read_rows), by the shape
of the file rather than its size: a 10,000-link workbook as Weave exports it, the same with
empty cells (which look for formulas saved without values), a 106 KB workbook whose every
row has a cell in its far column (XFD), and a CSV of more rows than Weave reads.

    .venv/bin/python bench/import_shapes.py [--runs 3]

Run it in two checkouts side by side (a git worktree of an older commit) to compare.
Seconds, the median of the runs; "refused" where the file is refused, with how fast.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mapping.settings")
os.environ.setdefault("DEBUG", "true")

COLUMNS = ["source code", "target code", "relation", "rationale", "example"]


def _workbook(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _far_column(rows: int) -> bytes:
    parts = {}
    with zipfile.ZipFile(io.BytesIO(_workbook([COLUMNS, ["B2", "S2", "supports", "Why", "x"]]))) \
            as archive:  # fmt: skip
        parts = {item.filename: archive.read(item.filename) for item in archive.infolist()}
    name = next(name for name in parts if name.startswith("xl/worksheets/"))
    far = "".join(f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'
                  for n in range(3, rows + 3))  # fmt: skip
    sheet = parts[name].decode().replace("</sheetData>", f"{far}</sheetData>")
    sheet = re.sub(r'<dimension ref="[^"]*"/>', "", sheet)
    sheet = sheet.replace("<sheetData>", f'<dimension ref="A1:XFD{rows + 2}"/><sheetData>', 1) \
        if "<dimension" not in sheet else sheet  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, sheet.encode() if part == name else data)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import django

    django.setup()
    from mapping.exchange.problems import UnreadableFile
    from mapping.exchange.tabular import read_rows

    links = [[f"B{n}", f"S{n}", "supports", f"Because of reason number {n}.", f"Example {n}."]
             for n in range(10_000)]  # fmt: skip
    files = {
        "10,000 links, every cell filled (xlsx)": (_workbook([COLUMNS, *links]), "xlsx"),
        "10,000 links, examples empty (xlsx)": (
            _workbook([COLUMNS, *[[*row[:4], None] for row in links]]),
            "xlsx",
        ),
        "20,000 rows with a cell at XFD (xlsx, 106 KB)": (_far_column(20_000), "xlsx"),
        "1,000,000 rows of two cells (csv)": (("a,b\n" * 1_000_000).encode(), "csv"),
    }
    for label, (content, file_format) in files.items():
        times, said = [], "read"
        for _run in range(args.runs):
            started = time.perf_counter()
            try:
                read_rows(content, file_format, columns=COLUMNS, required=COLUMNS[:2])
            except UnreadableFile as error:
                said = f"refused: {str(error)[:60]}…"
            times.append(time.perf_counter() - started)
        print(f"{label:48} {len(content) / 1024:8,.0f} KB  {statistics.median(times):7.2f} s  "
              f"{said}")  # fmt: skip


if __name__ == "__main__":
    main()
