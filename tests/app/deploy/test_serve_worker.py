"""``homecoming serve`` runs the background jobs too: a child ``homecoming worker`` with the server's
environment, started again if it dies, stopped with the server (SIGTERM) and not left behind when the
server is killed. That the child really runs a screening job is proven by the browser test of the whole
identification chain (tests/app/browser/test_identification_chain.py)."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import psutil
import pytest

from .serving import READY_SECONDS, command, environment, free_port, run, wait_until_answering

T = TypeVar("T")


def _until(what: str, found: Callable[[], T | None], server: subprocess.Popen[bytes], log: Path) -> T:
    """Wait (a limit, not a pause) until ``found()`` gives something; fail naming ``what`` otherwise."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        got = found()
        if got is not None:
            return got
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=0.2)  # ends at once if the server exits
    pytest.fail(f"{what} within {READY_SECONDS:.0f} s:\n{log.read_text(errors='replace')}")


def _worker(server: subprocess.Popen[bytes], but_not: int | None = None) -> psutil.Process | None:
    for child in psutil.Process(server.pid).children():
        with contextlib.suppress(psutil.NoSuchProcess):
            if child.pid != but_not and "worker" in child.cmdline() and child.is_running():
                return child
    return None


@pytest.fixture(scope="module")
def _migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated data directory, copied by each test (migrating takes seconds)."""
    data = tmp_path_factory.mktemp("serve-worker") / "data"
    run(["migrate"], environment(data))
    return data


@contextlib.contextmanager
def _serve(tmp_path: Path, migrated: Path, *args: str) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    shutil.copytree(migrated, tmp_path / "data")
    env = environment(tmp_path / "data")
    log = tmp_path / "serve.log"
    port = free_port()
    with open(log, "wb") as sink:
        server = subprocess.Popen(
            command() + ["serve", "--port", str(port), "--threads", "2", *args],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/accounts/login/", server, log)
        yield server, log
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)


def test_serve_runs_a_worker_restarts_it_and_stops_it_with_itself(tmp_path: Path, _migrated: Path) -> None:
    with _serve(tmp_path, _migrated) as (server, log):
        first = _until("no worker child was started", lambda: _worker(server), server, log)
        assert first.environ().get("HOMECOMING_DATA_DIR") == str(tmp_path / "data")  # the same database
        first.kill()
        again = _until(
            "the killed worker was not started again", lambda: _worker(server, but_not=first.pid), server, log
        )
        assert "starting it again" in log.read_text(errors="replace")
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        _gone, alive = psutil.wait_procs([again], timeout=30)
        assert alive == [], "the worker outlived the server"


def test_a_killed_server_leaves_no_worker_behind(tmp_path: Path, _migrated: Path) -> None:
    with _serve(tmp_path, _migrated) as (server, log):
        child = _until("no worker child was started", lambda: _worker(server), server, log)
        server.kill()
        server.wait(timeout=10)
        _gone, alive = psutil.wait_procs([child], timeout=30)
        assert alive == [], "the worker outlived the killed server"


def test_no_worker_serves_without_one(tmp_path: Path, _migrated: Path) -> None:
    with _serve(tmp_path, _migrated, "--no-worker") as (server, log):
        assert psutil.Process(server.pid).children() == []
        assert "background jobs" not in log.read_text(errors="replace")
