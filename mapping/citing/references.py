"""A reader's reference list: links, elements and whole registers they mean to cite, each
live or pinned to an edition, kept in their browser (a signed, compressed cookie: nothing is
written to the database, and no account is needed), at most MAX_ENTRIES.

The cookie holds, per register and edition, the ids of the links and the elements' sides
and codes (ids as the differences between them, sorted, so that 500 entries fit the 4 kB a
browser keeps in a cookie). A cookie that does not verify, or does not read as a list, is
dropped with a message: the list starts again empty.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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

    @classmethod
    def of(cls, request: HttpRequest) -> ReferenceList:
        """The reader's list, read once per request."""
        if not hasattr(request, "_weave_references"):
            raw = request.COOKIES.get(COOKIE)
            try:
                request._weave_references = cls([] if raw is None else decode(raw))
            except Unreadable:
                request._weave_references = cls([], unreadable=True)
        return request._weave_references

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, entry: Entry) -> bool:
        """Add an entry (False when it is there already); refuses past MAX_ENTRIES."""
        if entry in self.entries:
            return False
        if len(self.entries) >= MAX_ENTRIES:
            raise OverflowError(
                f"Your list already has {MAX_ENTRIES} entries, the most it can hold: remove "
                "some, or download it and start another."
            )
        self.entries.append(entry)
        return True

    def remove(self, entry: Entry) -> bool:
        if entry not in self.entries:
            return False
        self.entries.remove(entry)
        return True

    def clear(self) -> None:
        self.entries.clear()

    def replace(self, old: Entry, new: Entry) -> None:
        index = self.entries.index(old)
        if new in self.entries:
            del self.entries[index]
        else:
            self.entries[index] = new

    def save(self, response: HttpResponse, *, secure: bool) -> HttpResponse:
        if not self.entries:
            response.delete_cookie(COOKIE, samesite="Lax")
        else:
            response.set_cookie(COOKIE, encode(self.entries), max_age=MAX_AGE, httponly=True,
                                samesite="Lax", secure=secure)  # fmt: skip
        return response


def count(request: HttpRequest) -> int:
    """How many entries the reader's list has, without complaint if it cannot be read."""
    return len(ReferenceList.of(request)) if COOKIE in request.COOKIES else 0


def encode(entries: list[Entry]) -> str:
    groups: dict[tuple[str, int], dict] = {}
    for entry in entries:
        group = groups.setdefault((entry.slug, entry.edition or 0),
                                  {"l": [], "e": [], "r": 0})  # fmt: skip
        if entry.kind == "link":
            group["l"].append(entry.link)
        elif entry.kind == "element":
            group["e"].append(f"{entry.side[0]}:{entry.code}")
        else:
            group["r"] = 1
    packed = []
    for (register, edition), group in groups.items():
        ids = sorted(group["l"])
        deltas = [b - a for a, b in zip([0, *ids], ids, strict=False)]
        packed.append([register, edition, deltas, group["e"], group["r"]])
    return signing.dumps({"v": 1, "g": packed}, salt=SALT, compress=True)


def decode(raw: str) -> list[Entry]:
    try:
        data = signing.loads(raw, salt=SALT)
        if not isinstance(data, dict) or data.get("v") != 1 or not isinstance(data["g"], list):
            raise Unreadable
        entries = []
        for register, edition, deltas, elements, whole in data["g"]:
            base = {"register": register, "edition": edition or None}
            if whole:
                entries.append(Entry(kind="register", **base))
            link = 0
            for delta in deltas:
                link += int(delta)
                entries.append(Entry(kind="link", link=link, **base))
            for element in elements:
                side, code = str(element).split(":", 1)
                entries.append(Entry(kind="element", side={"s": "source", "t": "target"}[side],
                                     code=code, **base))  # fmt: skip
    except (signing.BadSignature, ValidationError, ValueError, TypeError, KeyError,
            json.JSONDecodeError) as error:  # fmt: skip
        raise Unreadable from error
    if len(entries) > MAX_ENTRIES or len(set(entries)) != len(entries):
        raise Unreadable
    return entries


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
