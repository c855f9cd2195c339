"""Which release of Weave is running, as a digest of its own files, and the cache keys that
name it (CACHES' KEY_FUNCTION in mapping/settings.py): pages, PDFs and worked-out data kept by
one release are never served by the next, while what every release of a site must agree on
(each register's version, login failures, an import's progress) stays shared, so that during
a rolling upgrade a write through an old server still renews the new servers' pages. Servers
running the same files agree on the digest, whatever their clocks or where they were
installed; WEAVE_RELEASE names the release instead (an image tag, say)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

# What makes a page look the way it does: the code, its templates and static files, and
# the pinned libraries that render it.
PARTS = ("mapping", "standards", "templates", "static", "requirements.txt")
SUFFIXES = {".py", ".html", ".txt", ".css", ".js", ".csl", ".json", ".md"}
# Keys every release of one site shares.
SHARED = ("weave:version:", "weave:import:")


def release_digest(root: Path, parts: tuple[str, ...] = PARTS) -> str:
    """Twelve hex digits of SHA-256 over every such file's path and content, in path order."""
    digest = hashlib.sha256()
    for part in parts:
        base = root / part
        files = [base] if base.is_file() else sorted(base.rglob("*")) if base.is_dir() else []
        for path in files:
            if path.suffix not in SUFFIXES or not path.is_file() or "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def cache_key(key: str, key_prefix: str, version: int) -> str:
    """Django's default key (prefix:version:key), with the running release after the prefix
    unless every release shares the key."""
    if key.startswith(SHARED):
        return f"{key_prefix}:{version}:{key}"
    return f"{key_prefix}:{version}:{settings.WEAVE_RELEASE}:{key}"
