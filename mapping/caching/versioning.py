"""Each register's version: a random token replaced whenever the write path announces that
the register changed (mapping/models/events.py: at once, and again when the write is
committed), kept in the cache so that every server shares it. Pages kept under an old
version (mapping/caching/pages.py) are never served again, nor PDFs (mapping/pdf/store.py);
a write to one register leaves every other register's alone.

A register's version is named by what its addresses name it by, so that a kept page is
found without reading the database: its slug, and for the site's default register (whose
pages sit at the top of the site) "@default" too. Pages that show more than one register
(the list of registers, frameworks, the history) are kept under the site's version, which
every change replaces.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache

from mapping.models import Mapping

T = TypeVar("T")
SITE = "@site"
DEFAULT = "@default"


def _key(name: str) -> str:
    return f"weave:version:{name}"


def version(name: str = SITE) -> str:
    """The version of the register with this slug (DEFAULT: the site's default register),
    or of the site as a whole."""
    found = cache.get(_key(name))
    if found is None:
        cache.add(_key(name), uuid.uuid4().hex, None)
        found = cache.get(_key(name)) or "unversioned"
    return found


def register_name(slug: str | None) -> str:
    """The version's name for the register an address names (no slug: the default one)."""
    return slug or DEFAULT


def bump(names: Iterable[str]) -> None:
    cache.set_many({_key(name): uuid.uuid4().hex for name in {*names, SITE}}, None)


def paths_version_name(mapping_id: int) -> str:
    """The name of the version of what a register's inferred links pass through (the links
    of the registers and crosswalks it infers through): renewed when one of those changes,
    not when the register's own links do."""
    return f"{mapping_id}:paths"


def registers_changed(sender, events, mapping_ids: frozenset[int],
                      through_ids: frozenset[int] = frozenset(), **kwargs) -> None:  # fmt: skip
    """The write path's announcement (mapping/models/events.py): new versions for those
    registers, under every name their addresses use (and had: a register renamed or
    deleted), and for the site. A change to a register's own details may change which one
    is the default, so it renews the default register's pages too. through_ids: the
    registers whose inferred links pass through what changed."""
    rows = Mapping.objects.filter(pk__in=mapping_ids).values_list("slug", "is_default")
    names = {name for slug, is_default in rows for name in (slug, DEFAULT if is_default else slug)}
    names |= {paths_version_name(pk) for pk in through_ids}
    for event in events:
        names |= event.old_slugs
        if event.subject_type == "mapping":
            names.add(DEFAULT)
    bump(names)


# What each process built from a register and keeps while its version stands (the
# elements in tree order, say): each entry holds the version it was built at.
KEPT_ENTRIES = 64
_kept: OrderedDict[tuple, tuple[str, object]] = OrderedDict()
_kept_lock = threading.Lock()


def per_version(key: tuple, build: Callable[[], T], name: str, *, frozen: bool = False) -> T:
    """What build() returns, built once per version of the register called name in this
    process; a frozen key (an edition's, naming its digest) is built once for good."""
    current = "frozen" if frozen else version(name)
    with _kept_lock:
        found = _kept.get(key)
        if found is not None and found[0] == current:
            _kept.move_to_end(key)
            return found[1]
    value = build()
    with _kept_lock:
        _kept[key] = (current, value)
        while len(_kept) > KEPT_ENTRIES:
            _kept.popitem(last=False)
    return value


def forget_kept() -> None:
    with _kept_lock:
        _kept.clear()
