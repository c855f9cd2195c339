"""Pages of the link table at any size.

While the links chosen are few enough to count quickly (COUNT_LIMIT), pages are numbered
as usual. Beyond that the table says "more than 2,000" instead of counting every row,
and moves by position: Next is "the 50 links after this one", Previous "the 50 before that
one", read from the sort's index (mapping/models/link_rows.py), so the last page costs no
more than the first. A position is a marker made of the sort keys of a row: plain numbers
joined by dots, so that a page's address can be bookmarked and shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.paginator import Paginator
from django.db import models

# Counting stops here: a count over this many rows would cost more than the page itself.
COUNT_LIMIT = 2_000
# "before=last": the last page, read backwards from the end.
LAST = "last"
MARKER = re.compile(r"^\d{1,20}(\.\d{1,20}){0,5}$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class BadMarker(ValueError):
    """A marker this table did not make (or made for another sort)."""


def _encode(value) -> str:
    if isinstance(value, datetime):
        return str((value - EPOCH) // timedelta(microseconds=1))
    return str(value)


def marker(values: tuple) -> str:
    return ".".join(_encode(value) for value in values)


def read_marker(text: str, keys: list[str], model: type[models.Model]) -> tuple:
    """The sort-key values a marker holds, checked against the sort's keys."""
    if not MARKER.fullmatch(text):
        raise BadMarker(text)
    parts = [int(part) for part in text.split(".")]
    if len(parts) != len(keys):
        raise BadMarker(text)
    values = []
    for key, part in zip(keys, parts, strict=True):
        if isinstance(model._meta.get_field(key.removeprefix("-")), models.DateTimeField):
            try:
                values.append(EPOCH + timedelta(microseconds=part))
            except OverflowError as error:
                raise BadMarker(text) from error
        else:
            values.append(part)
    return tuple(values)


@dataclass
class LinkPage:
    """One page of a selection of links, and how to reach its neighbours."""

    object_list: list
    count: int  # exact when counted, else COUNT_LIMIT
    counted: bool
    number: int | None = None  # numbered pages only
    num_pages: int | None = None
    start_index: int = 0
    end_index: int = 0
    page_numbers: list = field(default_factory=list)
    next_marker: str | None = None
    previous_marker: str | None = None
    is_first: bool = True
    is_last: bool = True

    @property
    def has_other_pages(self) -> bool:
        return not (self.is_first and self.is_last)

    @property
    def ELLIPSIS(self) -> str:
        return Paginator.ELLIPSIS


def count_up_to(links: models.QuerySet) -> tuple[int, bool]:
    """How many links there are, and whether that is exact: counting stops at COUNT_LIMIT."""
    limit = COUNT_LIMIT
    found = links.order_by()[: limit + 1].count()
    return (found, True) if found <= limit else (limit, False)


def page_of_links(
    links: models.QuerySet,
    keys: list[str],
    *,
    number: int = 1,
    after: str = "",
    before: str = "",
    per_page: int,
) -> tuple[LinkPage | None, str]:
    """The page asked for, its links read in order straight from the sort's index; or
    None and a message when there is no such page or the marker is not one of ours."""
    count, counted = count_up_to(links)
    if after or before:
        return _by_position(links, keys, after, before, per_page, count, counted)
    return _numbered(links, keys, number, per_page, count, counted)


def _keys_of(row, keys: list[str]) -> tuple:
    return tuple(getattr(row, key.removeprefix("-")) for key in keys)


def _numbered(links, keys, number, per_page, count, counted):
    pages = max(1, -(-count // per_page))
    if counted and number > pages:
        plural = "" if pages == 1 else "s"
        return None, f"There is no page {number}: these results have {pages} page{plural}."
    start = (number - 1) * per_page
    rows = list(links[start : start + per_page + 1])
    if not rows and number > 1:
        return None, f"There is no page {number}: go back to the first page."
    more = len(rows) > per_page
    rows = rows[:per_page]
    page = LinkPage(
        object_list=rows,
        count=count,
        counted=counted,
        number=number,
        num_pages=pages if counted else None,
        start_index=start + 1 if rows else 0,
        end_index=start + len(rows),
        is_first=number == 1,
        is_last=not more,
    )
    if counted:
        paginator = Paginator(range(count), per_page)
        page.page_numbers = list(paginator.get_elided_page_range(number))
    _mark(page, keys)
    return page, ""


def _by_position(links, keys, after, before, per_page, count, counted):
    model = links.model
    try:
        if after:
            selection = links.beyond(keys, read_marker(after, keys, model))
        elif before == LAST:
            selection = links.order_by(*_flipped(keys))
        else:
            flipped = _flipped(keys)
            selection = links.beyond(flipped, read_marker(before, keys, model))
            selection = selection.order_by(*flipped)
    except BadMarker:
        return None, "That page is not one this table made: start again from the first page."
    rows = list(selection[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not after:
        rows.reverse()
    page = LinkPage(
        object_list=rows,
        count=count,
        counted=counted,
        start_index=1 if rows else 0,
        end_index=len(rows),
        is_first=bool(before) and not more,
        is_last=(bool(after) and not more) or before == LAST,
    )
    _mark(page, keys)
    return page, ""


def _flipped(keys: list[str]) -> list[str]:
    return [key.removeprefix("-") if key.startswith("-") else f"-{key}" for key in keys]


def _mark(page: LinkPage, keys: list[str]) -> None:
    rows = page.object_list
    if rows:
        page.previous_marker = None if page.is_first else marker(_keys_of(rows[0], keys))
        page.next_marker = None if page.is_last else marker(_keys_of(rows[-1], keys))
