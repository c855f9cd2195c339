"""Ctrl-C on the development server, in a real terminal (a pseudo-terminal here), after it
has made a PDF: the server stops, quietly, and leaves no PDF worker behind. Runs the
server as `make run` does (runserver with its reloader, DEBUG on) on a scratch database.
No database engine is involved: run once, with the live-server tests."""

import contextlib
import os
import pty
import secrets
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.live]
ROOT = Path(__file__).resolve().parents[2]


def read(fd: int, seconds: float, until: bytes = b"") -> bytes:
    out, end = b"", time.monotonic() + seconds
    while time.monotonic() < end and not (until and until in out):
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out


def pool_processes() -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"multiprocessing.forkserver" in command and b"mapping.pdf.pool" in command:
                found.add(int(entry.name))
    return found


def test_ctrl_c_on_the_development_server_is_quiet_and_leaves_nothing(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path}/weave.sqlite3",
           "WEAVE_CACHE_DIR": str(tmp_path / "cache"), "WEAVE_PDF_WORKERS": "2",
           "SECRET_KEY": secrets.token_urlsafe(50)}  # fmt: skip
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for command in (["migrate", "--no-input", "-v0"], ["seed_demo", "--password", "x" * 16]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
    before = pool_processes()
    pid, fd = pty.fork()
    if pid == 0:  # the terminal's shell: Ctrl-C interrupts, as in any terminal
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.chdir(ROOT)
        os.execvpe(sys.executable, [sys.executable, "manage.py", "runserver",
                                    f"127.0.0.1:{port}"], env)  # fmt: skip
    try:
        assert b"Quit the server" in read(fd, 60, until=b"Quit the server")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/guide.pdf", timeout=120) as made:
            assert made.status == 200 and made.read(5) == b"%PDF-"
        assert pool_processes() - before, "the PDF was made by the pool"
        read(fd, 1)
        os.write(fd, b"\x03")  # Ctrl-C, as the terminal sends it to the foreground group
        said = read(fd, 20).decode(errors="replace")
        deadline = time.monotonic() + 20
        while os.waitpid(pid, os.WNOHANG) == (0, 0) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
    assert "Traceback" not in said and "KeyboardInterrupt" not in said, said
    assert "leaked semaphore" not in said, said
    deadline = time.monotonic() + 10
    while pool_processes() - before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pool_processes() - before == set()
