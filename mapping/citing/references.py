"""A reader's reference list: links, elements and whole registers they mean to cite, each
live or pinned to an edition, kept in their browser (a signed, compressed cookie: nothing is
written to the database, and no account is needed), at most MAX_ENTRIES.

The cookie holds, per register and edition, the ids of the links and the elements' sides
and codes (ids as the differences between them, sorted, so that 500 entries fit the 4 kB a
browser keeps in a cookie), and the day each was added: a live page's citation is dated the
day the reader read it, not the day the list is shown. A cookie that does not verify, or
does not read as a list, is dropped with a message: the list starts again empty.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from django.core import signing
from django.http import HttpRequest, HttpResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

COOKIE = "weave_references"
SALT = "weave.references"
MAX_ENTRIES = 500
MAX_AGE = 180 * 24 * 3600  # half a year: a course's coursework, not a browser's day
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,100}$"
EPOCH = date(2026, 1, 1).toordinal()  # days added are counted from here: short numbers


class Entry(BaseModel):
    """One thing to cite: a register (its guide), a link or an element, live or as an
    edition published it."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    slug: str = Field(pattern=SLUG_PATTERN, alias="register")  # the register's
    edition: int | None = Field(default=None, ge=1, le=1_000_000)
    kind: Literal["register", "link", "element"]
    link: int | None = Field(default=None, ge=1, le=2**62)
    side: Literal["source", "target"] | None = None
    code: str | None = Field(default=None, pattern=CODE_PATTERN)

    @model_validator(mode="after")
    def _complete(self) -> Entry:
        wanted = {"register": (), "link": ("link",), "element": ("side", "code")}[self.kind]
        for name in ("link", "side", "code"):
            if (getattr(self, name) is not None) != (name in wanted):
                raise ValueError(f"a {self.kind} entry {'needs' if name in wanted else 'has no'} "
                                 f"{name}")  # fmt: skip
        return self

    @property
    def is_live(self) -> bool:
        return self.edition is None

    def pinned(self, edition: int | None) -> Entry:
        return self.model_copy(update={"edition": edition})


class Unreadable(ValueError):
    """The cookie did not verify or did not read as a reference list."""


@dataclass
class ReferenceList:
    entries: list[Entry]
    unreadable: bool = False  # the reader's cookie was dropped
    added: dict[Entry, date] = field(default_factory=dict)  # when each was (where known)

    @classmethod
    def of(cls, request: HttpRequest) -> ReferenceList:
        """The reader's list, read once per request."""
        if not hasattr(request, "_weave_references"):
            raw = request.COOKIES.get(COOKIE)
            try:
                entries, added = ([], {}) if raw is None else decode_with_days(raw)
                request._weave_references = cls(entries, added=added)
            except Unreadable:
                request._weave_references = cls([], unreadable=True)
        return request._weave_references

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, entry: Entry, *, on: date | None = None) -> bool:
        """Add an entry on a day (False when it is there already); refuses past
        MAX_ENTRIES."""
        if entry in self.entries:
            return False
        if len(self.entries) >= MAX_ENTRIES:
            raise OverflowError(
                f"Your list already has {MAX_ENTRIES} entries, the most it can hold: remove "
                "some, or download it and start another."
            )
        self.entries.append(entry)
        if on is not None:
            self.added[entry] = on
        return True

    def remove(self, entry: Entry) -> bool:
        if entry not in self.entries:
            return False
        self.entries.remove(entry)
        self.added.pop(entry, None)
        return True

    def clear(self) -> None:
        self.entries.clear()
        self.added.clear()

    def replace(self, old: Entry, new: Entry) -> None:
        index = self.entries.index(old)
        day = self.added.pop(old, None)
        if new in self.entries:
            del self.entries[index]
        else:
            self.entries[index] = new
            if day is not None:
                self.added[new] = day  # the day it was read stays with it

    def save(self, response: HttpResponse, *, secure: bool) -> HttpResponse:
        if not self.entries:
            response.delete_cookie(COOKIE, samesite="Lax")
        else:
            response.set_cookie(COOKIE, encode(self.entries, self.added), max_age=MAX_AGE,
                                httponly=True,
                                samesite="Lax", secure=secure)  # fmt: skip
        return response


def count(request: HttpRequest) -> int:
    """How many entries the reader's list has, without complaint if it cannot be read."""
    return len(ReferenceList.of(request)) if COOKIE in request.COOKIES else 0


def encode(entries: list[Entry], added: dict[Entry, date] | None = None) -> str:
    groups: dict[tuple[str, int], dict] = {}
    for entry in entries:
        group = groups.setdefault((entry.slug, entry.edition or 0),
                                  {"l": [], "e": [], "r": None})  # fmt: skip
        if entry.kind == "link":
            group["l"].append(entry)
        elif entry.kind == "element":
            group["e"].append(entry)
        else:
            group["r"] = entry
    packed = []
    for (register, edition), group in groups.items():
        links = sorted(group["l"], key=lambda entry: entry.link)
        ids = [entry.link for entry in links]
        deltas = [b - a for a, b in zip([0, *ids], ids, strict=False)]
        elements = [f"{entry.side[0]}:{entry.code}" for entry in group["e"]]
        # The day each was added, in the order decode() reads them (0: not known).
        ordered = ([group["r"]] if group["r"] else []) + links + group["e"]
        days = [_day(added, entry) for entry in ordered]
        packed.append([register, edition, deltas, elements, int(bool(group["r"]))]
                      + ([days] if any(days) else []))  # fmt: skip
    return signing.dumps({"v": 1, "g": packed}, salt=SALT, compress=True)


def _day(added: dict[Entry, date] | None, entry: Entry) -> int:
    day = (added or {}).get(entry)
    return day.toordinal() - EPOCH + 1 if day is not None else 0


def decode(raw: str) -> list[Entry]:
    return decode_with_days(raw)[0]


def decode_with_days(raw: str) -> tuple[list[Entry], dict[Entry, date]]:
    """The entries, and the day each was added where the cookie says (one written before
    days were kept, or 0, does not)."""
    try:
        data = signing.loads(raw, salt=SALT)
        if not isinstance(data, dict) or data.get("v") != 1 or not isinstance(data["g"], list):
            raise Unreadable
        entries, added = [], {}
        for register, edition, deltas, elements, whole, *rest in data["g"]:
            base = {"register": register, "edition": edition or None}
            group = []
            if whole:
                group.append(Entry(kind="register", **base))
            link = 0
            for delta in deltas:
                link += int(delta)
                group.append(Entry(kind="link", link=link, **base))
            for element in elements:
                side, code = str(element).split(":", 1)
                group.append(Entry(kind="element", side={"s": "source", "t": "target"}[side],
                                   code=code, **base))  # fmt: skip
            days = rest[0] if rest else []
            if len(rest) > 1 or len(days) not in (0, len(group)):
                raise Unreadable
            for entry, day in zip(group, days, strict=False):
                if int(day) > 0:
                    added[entry] = date.fromordinal(EPOCH + int(day) - 1)
            entries += group
    except (signing.BadSignature, ValidationError, ValueError, TypeError, KeyError,
            OverflowError, json.JSONDecodeError) as error:  # fmt: skip
        raise Unreadable from error
    if len(entries) > MAX_ENTRIES or len(set(entries)) != len(entries):
        raise Unreadable
    return entries, added


@dataclass(frozen=True)
class Resolved:
    """An entry as the list shows it: its citation, or what happened to what it named."""

    entry: Entry
    citation: object | None  # mapping.citing.citations.Citation
    title: str
    url: str
    note: str = ""

    @property
    def found(self) -> bool:
        return self.citation is not None
