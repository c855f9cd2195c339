"""What the benchmarks share: a scratch database, and timing one page many times."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@contextmanager
def scratch_database() -> Iterator[None]:
    """Django set up on a throwaway database: a temporary SQLite file unless DATABASE_URL is
    set, in which case Django's test database on that server is created and dropped."""
    scratch = tempfile.mkdtemp(prefix="weave-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def time_page(client, url: str, runs: int, **request) -> tuple[float, float, int]:
    """The median and p95 time in ms of getting url, after one warm-up, and its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url, **request).status_code == 200, url
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, **request)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, len(queries)
