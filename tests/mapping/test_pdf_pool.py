"""The PDF pool's processes (a fork server and its layout workers) never outlive the
process that owns them, and Ctrl-C in a terminal stops them quietly. Each test runs a real
owner process that renders parts through the pool, then kills or interrupts it and counts
what is left."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

# No database involved: run once, with the live-server tests.
pytestmark = [pytest.mark.slow, pytest.mark.live]

ROOT = Path(__file__).resolve().parents[2]
OWNER = textwrap.dedent("""
    import signal, sys, time
    # As in a terminal, whatever the test runner was started with (a background job
    # ignores Ctrl-C): Ctrl-C interrupts.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from mapping.pdf import pool
    part = ("<html lang='en'><body><h1>Part</h1><p>Text.</p></body></html>", ".", "")
    assert len(pool.render_parts([part, part, part])) == 3
    try:  # "ready" inside: Ctrl-C may come the moment the line is out, before print returns
        print("ready", flush=True)
        time.sleep(60)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
""")


def descendants(pid: int) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def running(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":  # a zombie has exited; only its parent's reaping is left
            alive.add(pid)
    return alive


def start_owner(env_workers: str = "2") -> tuple[subprocess.Popen, set[int]]:
    env = {**os.environ, "WEAVE_PDF_WORKERS": env_workers, "PYTHONPATH": str(ROOT)}
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    assert owner.stdout.readline().strip() == "ready", owner.stderr.read()
    pool = descendants(owner.pid)
    assert len(pool) >= 3, "a fork server and two workers"
    return owner, pool


def wait_until_gone(pids: set[int], seconds: float = 10) -> set[int]:
    deadline = time.monotonic() + seconds
    while running(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return running(pids)


def test_a_killed_owner_leaves_no_process_behind():
    owner, pool = start_owner()
    owner.kill()  # SIGKILL: no chance to shut the pool down
    owner.wait()
    assert wait_until_gone(pool) == set()


def test_a_terminated_owner_leaves_no_process_behind():
    owner, pool = start_owner()
    os.kill(owner.pid, signal.SIGTERM)  # as the development server is stopped
    owner.wait()
    assert wait_until_gone(pool) == set()


def test_ctrl_c_stops_everything_quietly():
    owner, pool = start_owner()
    # What a terminal does on Ctrl-C: SIGINT to every process in the foreground group.
    os.killpg(owner.pid, signal.SIGINT)
    out, err = owner.communicate(timeout=30)
    assert "interrupted" in out, err
    assert owner.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "leaked semaphore" not in err, err
    assert wait_until_gone(pool) == set()
