"""Simultaneous writes against `make serve`'s setup, the cases that once ended in
"database is locked" on SQLite: 50 saves of one link at the same moment, 50 saves of 50
different links, 10 publishes of an edition. Prints what each got; any 5xx fails.

    .venv/bin/python bench/concurrency.py                  # SQLite (a scratch file)
    DATABASE_URL=postgres://… .venv/bin/python bench/concurrency.py
"""

from __future__ import annotations

import re
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from served import logged_in, served

SLUG = "example-homes-cih"


def _revision(session, base: str, link_id: int) -> int:
    page = session.get(f"{base}/links/{link_id}/edit/", timeout=30).text
    return int(re.search(r'name="revision" value="(\d+)"', page).group(1))


def at_once(count: int, send) -> Counter:
    """Run send(i) in count threads released together; count the status codes."""
    barrier = threading.Barrier(count)

    def one(index: int) -> int:
        barrier.wait()
        try:
            return send(index).status_code
        except Exception as error:  # a dropped connection counts as a failure too
            return type(error).__name__

    with ThreadPoolExecutor(count) as pool:
        return Counter(pool.map(one, range(count)))


def fresh(*sessions) -> None:
    """Drop the sessions' idle connections before a burst. The server closes a kept-alive
    connection after two idle seconds; a POST sent on one at that very moment is lost on
    the way (no client retries a POST), which would count a client's race as a failure."""
    for session in sessions:
        session.close()


def scenarios(base: str) -> dict[str, Counter]:
    editors = [logged_in(base, "editor") for _ in range(2)]
    publisher = logged_in(base, "publisher")
    links = editors[0].get(f"{base}/api/mappings/{SLUG}/links?page_size=100", timeout=30)
    ids = [item["id"] for item in links.json()["items"]][:50]

    one = ids[0]
    revision = _revision(editors[0], base, one)
    fresh(*editors)
    same = at_once(50, lambda i: editors[i % 2].post(
        f"{base}/links/{one}/edit/", timeout=60, allow_redirects=False,
        data={"relation": "supports", "rationale": f"Saved by attempt {i}.", "example": "",
              "revision": revision}))  # fmt: skip
    revisions = {link_id: _revision(editors[0], base, link_id) for link_id in ids}
    fresh(*editors)
    different = at_once(50, lambda i: editors[i % 2].post(
        f"{base}/links/{ids[i]}/edit/", timeout=60, allow_redirects=False,
        data={"relation": "supports", "rationale": f"Saved by attempt {i}.", "example": "",
              "revision": revisions[ids[i]]}))  # fmt: skip
    fresh(publisher)
    publishes = at_once(10, lambda i: publisher.post(
        f"{base}/editions/publish/", timeout=60, allow_redirects=False,
        data={"title": f"Edition by attempt {i}", "notes": ""}))  # fmt: skip
    numbers = [e["number"] for e in publisher.get(f"{base}/api/mappings/{SLUG}/editions",
                                                  timeout=30).json()]  # fmt: skip
    assert len(numbers) == len(set(numbers)), numbers
    return {"50 saves of one link": same, "50 saves of 50 links": different,
            "10 publishes": publishes}  # fmt: skip


def failures(results: dict[str, Counter]) -> int:
    return sum(n for counts in results.values() for code, n in counts.items()
               if not isinstance(code, int) or code >= 500)  # fmt: skip


def main() -> int:
    with served(workers=2, threads=8) as (base, env):
        engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
        results = scenarios(base)
    print(f"{engine}, gunicorn 2 workers × 8 threads")
    for name, counts in results.items():
        said = ", ".join(f"{n} × {code}" for code, n in sorted(counts.items(), key=str))
        print(f"  {name:<22} {said}")
    print(f"  5xx or dropped: {failures(results)}")
    return 1 if failures(results) else 0


if __name__ == "__main__":
    sys.exit(main())
