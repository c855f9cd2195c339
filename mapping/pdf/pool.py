"""The lasting pool of processes that lay out a PDF's parts (mapping/pdf/parts.py).

Workers come from a fork server that has already imported WeasyPrint: starting one is quick,
and forking never copies a web server's threads or open database connections. They ignore
Ctrl-C (the server shuts the pool down in order) and die with the process that owns the
pool when it is killed without a chance to (SIGKILL, the OOM killer, a gunicorn timeout).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from mapping.pdf.parts import RenderedPart, render_part

logger = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1  # linux/prctl.h
OWNER_CHECK_SECONDS = 0.5


def worker_count() -> int:
    configured = os.environ.get("WEAVE_PDF_WORKERS", "")
    if configured.strip():
        return max(1, int(configured))
    return max(1, min(4, os.cpu_count() or 1))


_pool: ProcessPoolExecutor | None = None


def executor() -> Executor | None:
    """A lasting pool of renderers, or None to render in this process."""
    global _pool
    if worker_count() == 1:
        return None
    if _pool is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["weasyprint", "mapping.pdf.pool"])
        _pool = ProcessPoolExecutor(
            max_workers=worker_count(),
            mp_context=context,
            initializer=_serve,
            initargs=(os.getpid(),),
        )
    return _pool


def _serve(owner: int) -> None:
    """Set up a worker: Ctrl-C in a terminal is for the server (which shuts the pool down
    in order), not for its workers; and when the process that owns the pool dies without
    shutting it down (SIGKILL from the OOM killer, or gunicorn after a timeout), the
    worker exits at once, quietly, rather than live on adopted by init."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(owner)


def _die_with(owner: int) -> None:
    libc = _libc()
    if libc is not None:  # Linux: the kernel signals us when our parent (the fork server) goes
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:  # the owner itself, wherever the fork server is
        while True:
            time.sleep(OWNER_CHECK_SECONDS)
            if not _alive(owner):
                os._exit(0)

    threading.Thread(target=watch, name="pdf-owner-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _libc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


class KeptParts(Protocol):
    """Where parts laid out before are kept, by part_key() (mapping/pdf/document.py keeps
    them in Django's cache)."""

    def get(self, key: str) -> RenderedPart | None: ...

    def set_many(self, parts: dict[str, RenderedPart]) -> None: ...


def part_key(args: tuple) -> str:
    """A part's name by everything it is laid out from: its HTML, base URL, stylesheet,
    whether it is tagged and its table id prefix (the code and libraries that lay it out
    are in the cache's own key: mapping/core/release.py)."""
    digest = hashlib.sha256()
    for arg in args:
        digest.update(str(arg).encode() + b"\0")
    return digest.hexdigest()


def render_parts(parts: Iterable[tuple], kept: KeptParts | None = None) -> list[RenderedPart]:
    """Render (html, base_url, stylesheet[, tagged]) parts, in parallel where there are workers,
    each sent to a worker as soon as it is made (a generator's next part is made while
    the workers lay out the first ones): give the longest first, so that no worker is
    left with a long part at the end. A part already in kept is taken from there, not
    laid out again (after an edit, only the parts it changed are), and each part laid out
    is kept."""
    global _pool
    pool = executor()
    done: dict[int, RenderedPart] = {}
    given: dict[int, tuple] = {}  # the parts to lay out, by their place
    futures: dict[int, Future] = {}
    numbered = enumerate(parts)
    try:
        for number, part in numbered:
            args = given[number] = _with_prefix(part, number)
            if kept is not None:
                found = kept.get(part_key(args))
                if found is not None:
                    done[number] = found
                    del given[number]
                    continue
            if pool is not None:
                futures[number] = pool.submit(render_part, *args)
        for number, args in given.items():
            done[number] = futures[number].result() if pool is not None else render_part(*args)
    except BrokenProcessPool:
        # A worker died (killed, out of memory): start a fresh pool next time, and
        # finish this document here rather than fail the request.
        logger.exception("The PDF worker pool broke; rendering in this process.")
        _pool = None
        given |= {number: _with_prefix(part, number) for number, part in numbered}
        for number, args in given.items():
            if number not in done:
                done[number] = render_part(*args)
    if kept is not None and given:
        kept.set_many({part_key(args): done[number] for number, args in given.items()})
    return [done[number] for number in sorted(done)]


def _with_prefix(part: tuple, number: int) -> tuple:
    """A part's arguments for render_part, its tables' ids prefixed by its place."""
    tagged = part[3:4] or (True,)
    return (*part[:3], *tagged, f"p{number}-")
