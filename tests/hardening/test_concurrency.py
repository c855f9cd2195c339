"""Simultaneous writes through real processes (gunicorn, 2 workers of 8 threads, DEBUG off)
on this run's database engine (CI runs SQLite and PostgreSQL): 50 saves of one link at
once give one save and 49 conflicts, 50 saves of different links all save, 10 publishes
give 10 editions, and nothing is a 5xx. The scenarios are bench/concurrency.py's."""

import sys

import pytest
from django.conf import settings

sys.path.insert(0, str(settings.BASE_DIR / "bench"))

from concurrency import failures, scenarios
from served import served

pytestmark = pytest.mark.slow


def test_simultaneous_writes_never_fail():
    with served(workers=2, threads=8) as (base, _env):
        results = scenarios(base)
    assert failures(results) == 0, results
    assert results["50 saves of one link"] == {302: 1, 409: 49}
    assert results["50 saves of 50 links"] == {302: 50}
    assert results["10 publishes"] == {302: 10}
