"""The register's version: a random token that every write replaces. Any INSERT, UPDATE or
DELETE on the register's tables, however it is made (forms, the admin, imports, raw SQL,
another server), replaces it at once and again when its transaction commits; pages kept
under the old version (mapping/pagecache.py) are then never served again. Once a write is
committed, `written` is sent (mapping/tasks.py then queues new PDFs)."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal

T = TypeVar("T")
VERSION_KEY = "weave:version"
# Tables whose writes no page shows: sessions, login attempts, queued tasks, uploads.
UNSEEN = ("django_session", "axes_", "django_tasks", "mapping_importbatch", "mapping_apitoken")
# Sent once a write to the register is committed: after its transaction, or at once outside one.
written = Signal()


def version() -> str:
    found = cache.get(VERSION_KEY)
    if found is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        found = cache.get(VERSION_KEY) or "unversioned"
    return found


def bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _committed() -> None:
    bump()
    written.send(sender=None)


def note_writes(execute, sql, params, many, context):
    """A database execute wrapper (installed on every connection: mapping/apps.py)."""
    result = execute(sql, params, many, context)
    head = sql.lstrip()[:80].upper()
    if head.startswith(("INSERT", "UPDATE", "DELETE")) and not any(
        table.upper() in head for table in UNSEEN
    ):
        bump()
        connection = context["connection"]
        if not connection.in_atomic_block:
            written.send(sender=None)
        elif not any(  # once a transaction (or savepoint) is enough
            callback is _committed and ids == set(connection.savepoint_ids)
            for ids, callback, _robust in connection.run_on_commit
        ):
            transaction.on_commit(_committed, using=connection.alias)
    return result


# What each process built from the register and keeps while the version stands (the
# elements in tree order, say): each entry holds the version it was built at.
KEPT_ENTRIES = 64
_kept: OrderedDict[tuple, tuple[str, object]] = OrderedDict()
_kept_lock = threading.Lock()


def per_version(key: tuple, build: Callable[[], T], *, frozen: bool = False) -> T:
    """What build() returns, built once per version of the register in this process; a
    frozen key (an edition's, naming its digest) is built once for good."""
    current = "frozen" if frozen else version()
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
