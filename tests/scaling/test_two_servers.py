"""Two servers, one register: two `make serve` processes on different ports share one
database (this run's engine: a scratch SQLite file, or a scratch PostgreSQL database when
DATABASE_URL names one) and one Redis (Debian's redis-server, started here). A write through
either is seen at once through the other, a session made on one is good on the other, and
what they keep (pages, the register's version) is in Redis, not on their own disks."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings

sys.path.insert(0, str(settings.BASE_DIR / "bench"))

from served import _free_port, scratch_database_url

ROOT = Path(settings.BASE_DIR)
PASSWORD = "two-servers-demo-password"
# The name the proxy in front passes on to every server, as `Host`.
SITE = "weave.test"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _stop(process: subprocess.Popen, grace: float = 10) -> None:
    """End a process started in its own group, and everything it started."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throwaway Redis on a free loopback port that keeps nothing on disk: its URL."""
    if not os.access(REDIS_SERVER, os.X_OK):
        pytest.fail("Debian's redis-server is not installed: `make setup-test` installs it "
                    "(apt-get install redis-server).")  # fmt: skip
    port = _free_port()
    log = folder / "redis.log"
    process = subprocess.Popen(
        [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(folder), "--logfile", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None:
                    pytest.fail(f"redis-server stopped at once:\n{_tail(log)}")
                time.sleep(0.05)
        else:
            pytest.fail(f"redis-server did not answer on port {port}:\n{_tail(log)}")
        yield url
    finally:
        _stop(process)


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for(self, ready, what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`make serve` did not {what}:\n{_tail(self.log)}")
            time.sleep(0.1)

    def answers(self) -> bool:
        try:
            return requests.get(f"{self.base}/healthz", timeout=2).status_code == 200
        except requests.RequestException:  # not listening yet, or its workers booting
            return False


@contextmanager
def make_serve(env: dict, name: str, folder: Path) -> Iterator[Server]:
    """`make serve` on a free port, once it has migrated and built its static files (what two
    servers on one machine should not do at once) and is starting gunicorn."""
    port = _free_port()
    log = folder / f"serve-{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve", "HOST=127.0.0.1", f"PORT={port}"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        # make prints each step before it runs it.
        server.wait_for(lambda: "bin/gunicorn" in server.output(), "build its static files")
        yield server
    finally:
        _stop(process, grace=25)


class _FormReader(HTMLParser):
    """The values a browser would send from the first form whose action is `action`."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.values, self._inside, self._field = action, {}, False, None
        self._done, self._select = False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done and attrs.get("action") == self.action:
            self._inside = True
        if not self._inside:
            return
        if tag == "input" and attrs.get("name") and attrs.get("type") != "submit":
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._field = attrs["name"]
            self.values[self._field] = ""
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._field:
            self.values[self._field] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._field = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._inside:
            self._inside, self._done = False, True


def _browser() -> requests.Session:
    """A visitor coming through the proxy: every request names the site, whichever server."""
    session = requests.Session()
    session.headers["Host"] = SITE
    return session


def _log_in(session: requests.Session, base: str, username: str) -> None:
    session.get(f"{base}/accounts/login/", timeout=10)
    response = session.post(f"{base}/accounts/login/", allow_redirects=False, timeout=10, data={
        "username": username, "password": PASSWORD,
        "csrfmiddlewaretoken": session.cookies["csrftoken"]})  # fmt: skip
    assert response.status_code == 302, (username, response.status_code)


def _edit(session: requests.Session, base: str, link: str, rationale: str) -> None:
    """Save a new rationale through the link's edit form, as an editor would."""
    action = f"{link}edit/"
    reader = _FormReader(action)
    reader.feed(session.get(f"{base}{action}", timeout=10).text)
    assert {"revision", "relation", "csrfmiddlewaretoken"} <= reader.values.keys(), reader.values
    response = session.post(f"{base}{action}", allow_redirects=False, timeout=10,
                            data=reader.values | {"rationale": rationale})  # fmt: skip
    assert response.status_code == 302, (response.status_code, response.text[:2000])


def _page(session: requests.Session, url: str) -> requests.Response:
    response = session.get(url, timeout=10)
    assert response.status_code == 200, (url, response.status_code)
    return response


@dataclass
class TwoServers:
    a: str
    b: str
    cache_url: str
    own_folders: dict[str, Path]
    pages: list[str]  # a link's page, the link table, and an element's page
    link: str
    editor: requests.Session


@pytest.fixture(scope="module")
def servers() -> Iterator[TwoServers]:
    """Redis, a scratch database, and two `make serve`s sharing both, with the demo."""
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="weave-two-")))
        cache_url = stack.enter_context(redis_server(folder))
        database_url = stack.enter_context(scratch_database_url())
        base_env = {
            key: value for key, value in os.environ.items()
            if not key.startswith(("MAKE", "MFLAGS", "DJANGO_SETTINGS_MODULE"))
        } | {
            "DATABASE_URL": database_url, "CACHE_URL": cache_url, "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": f"{SITE},127.0.0.1",
            "WEB_CONCURRENCY": "2", "WEAVE_THREADS": "4", "LOG_LEVEL": "ERROR",
        }  # fmt: skip
        # Each server has a cache folder of its own: with Redis, nothing may land there.
        own_folders = {name: folder / f"cache-{name}" for name in ("a", "b")}
        env = {name: base_env | {"WEAVE_CACHE_DIR": str(own)} for name, own in own_folders.items()}
        # The first server migrates the empty database; the demo goes in beside it, through
        # neither server, while the second starts (its migrate finds nothing to do).
        server_a = stack.enter_context(make_serve(env["a"], "a", folder))
        seeding = subprocess.Popen(
            [sys.executable, "manage.py", "seed_demo", "--password", PASSWORD], cwd=ROOT,
            env=base_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        stack.callback(seeding.kill)  # if a server fails to start meanwhile
        server_b = stack.enter_context(make_serve(env["b"], "b", folder))
        output, _ = seeding.communicate(timeout=60)
        assert seeding.returncode == 0, output.decode(errors="replace")
        for server in (server_a, server_b):
            server.wait_for(server.answers, "answer")
        a, b = server_a.base, server_b.base
        reader = _browser()
        link = re.search(r'href="(/links/\d+/)"', _page(reader, f"{a}/links/").text).group(1)
        element = re.search(r'href="(/elements/[^/"]+/[^/"]+/)"', _page(reader, f"{a}{link}").text)
        editor = _browser()
        _log_in(editor, a, "editor")
        yield TwoServers(a, b, cache_url, own_folders, [link, "/links/", element.group(1)],
                         link, editor)  # fmt: skip


PAGES = ["a link", "the link table", "an element"]


@pytest.mark.parametrize("page", range(len(PAGES)), ids=PAGES)
def test_both_servers_serve_the_same_kept_page(servers, page):
    url, reader = servers.pages[page], _browser()
    through_a, through_b = _page(reader, f"{servers.a}{url}"), _page(reader, f"{servers.b}{url}")
    assert through_a.headers["ETag"] == through_b.headers["ETag"], url
    assert through_a.text == through_b.text, url
    _page(requests.Session(), f"{servers.b}{url}")  # and under the server's own address


def test_a_session_made_on_one_server_is_good_on_the_other(servers):
    # The editor logged in through A: sessions are in the database.
    assert ">editor</a>" in _page(servers.editor, f"{servers.b}/links/").text


@pytest.mark.parametrize("direction", ["A to B", "B to A"])
def test_a_write_through_one_server_is_seen_at_once_through_the_other(servers, direction):
    wrote, seen = (servers.a, servers.b) if direction == "A to B" else (servers.b, servers.a)
    words = f"Saved through {direction[0]}, read through {direction[-1]}."
    _edit(servers.editor, wrote, servers.link, words)
    for url in servers.pages:
        assert words in _page(_browser(), f"{seen}{url}").text, (seen, url)
        assert words in _page(requests.Session(), f"{seen}{url}").text, (seen, url)
        assert words in _page(servers.editor, f"{seen}{url}").text, (seen, url)


def test_what_the_servers_keep_is_in_redis_not_on_their_disks(servers):
    kept = redis.Redis.from_url(servers.cache_url)
    keys = {key.decode() for key in kept.scan_iter("*weave:*")}
    assert any(":weave:version:" in key for key in keys), keys
    assert sum(":weave:page:" in key for key in keys) >= len(servers.pages), keys
    for name, own in servers.own_folders.items():
        left = [str(p) for p in own.rglob("*") if p.is_file()] if own.exists() else []
        assert left == [], f"server {name} kept files on its own disk: {left}"
