"""Weave as `make serve` runs it (gunicorn, DEBUG off), on a scratch database, for the
scripts that need real processes: bench/concurrency.py and bench/load.py.

A scratch SQLite file unless DATABASE_URL names a PostgreSQL server, on which a scratch
database is made and dropped afterwards. The demo is loaded; every demo account's password
is DEMO_PASSWORD."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "bench-demo-password"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def scratch_database_url() -> Iterator[str]:
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith("postgres"):
        with tempfile.TemporaryDirectory(prefix="weave-served-") as folder:
            yield f"sqlite:///{folder}/weave.sqlite3"
        return
    import psycopg

    name = f"weave_served_{secrets.token_hex(4)}"
    parts = urlsplit(given)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def served(*, workers: int = 2, threads: int = 4, app: str = "mapping.wsgi"
           ) -> Iterator[tuple[str, dict]]:  # fmt: skip
    """(base URL, environment) of a running server on a scratch database with the demo.
    app: the WSGI application gunicorn serves (bench/ is on its path)."""
    with scratch_database_url() as database_url:
        port = _free_port()
        env = {
            **os.environ, "DATABASE_URL": database_url, "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
            "WEAVE_DEMO_PASSWORD": DEMO_PASSWORD, "WEAVE_TASKS_IMMEDIATE": "true",
            "DJANGO_SETTINGS_MODULE": "mapping.settings", "LOG_LEVEL": "ERROR",
            "WEAVE_CACHE_DIR": tempfile.mkdtemp(prefix="weave-served-cache-"),
            "WEAVE_LOGIN_FAILURE_LIMIT": "1000",
        }  # fmt: skip
        for command in (["migrate", "--no-input", "-v0"], ["seed_demo"],
                        ["collectstatic", "--no-input", "-v0"]):  # fmt: skip
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                           check=True, capture_output=True)  # fmt: skip
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), app, "--pythonpath", str(ROOT / "bench"),
             "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--threads", str(threads), "--timeout", "60",
             "--log-level", "warning", "--logger-class", "mapping.core.access_log.KeysHidden"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    # The first page a fresh worker makes can take seconds on a busy machine.
                    if requests.get(base + "/", timeout=10).status_code == 200:
                        break
                except (requests.ConnectionError, requests.Timeout):
                    time.sleep(0.1)
            else:
                raise RuntimeError("The server did not start.")
            yield base, env
        finally:
            server.terminate()
            server.wait(timeout=30)


def logged_in(base: str, username: str) -> requests.Session:
    """A session logged in as one of the demo accounts, with its CSRF token to send."""
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=10)
    token = session.cookies["csrftoken"]
    response = session.post(f"{base}/accounts/login/", timeout=10, allow_redirects=False,
                            data={"username": username, "password": DEMO_PASSWORD,
                                  "csrfmiddlewaretoken": token})  # fmt: skip
    assert response.status_code == 302, (username, response.status_code)
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session
