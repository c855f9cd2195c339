"""The columns Weave's exports add for reading (a link's reference, its elements' titles, its
status; an element's wording). An import does not read them, so the dry run says where a
row's value there differs from what Weave holds: an edit made there is not lost unnoticed."""

from __future__ import annotations

from mapping.exchange.problems import Problem

WHY = {
    "reference": "a link is found by its two codes",
    "source": "an element's title is edited on its page, or by importing its framework",
    "target": "an element's title is edited on its page, or by importing its framework",
    "status": "a link's status changes on its page (approve, send back, retire), or by "
    "choosing the status of new links and “Retire … not in the file” on the upload form",
    "wording": "tick “This file is the publisher's own wording” on the upload form to mark "
    "its elements as checked",
}


def rows_shown(rows) -> dict[int, dict[str, str]]:
    """Each row's values in the columns for reading, by row number (read_rows keeps them)."""
    return {number: {name: row[name] for name in WHY if name in row} for number, row in rows}


def unread(origin, shown: dict[str, str], now: dict[str, str]) -> list[Problem]:
    """A warning for each column of shown whose value is not what Weave holds (now) and
    would stay: the rest of the row is read as usual."""
    said = "“{value}” in “{column}” is not read ({why}): Weave's is “{now}”."
    return [
        Problem(
            said.format(value=value[:60], column=column, why=WHY[column], now=now[column]),
            row=origin,
            column=column,
            blocking=False,
        )
        for column, value in shown.items()
        if column in now and value and _folded(value) != _folded(now[column])
    ]


def _folded(text: str) -> str:
    return " ".join(str(text).split()).casefold()
