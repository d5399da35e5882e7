"""A real ``homecoming serve`` (waitress) on a fresh SQLite data directory, for the deployment tests.

Production-like: DEBUG off, secure cookies on unless told otherwise. The commands run as subprocesses
with the test's environment (PYTHONPATH included), so the code under test is the worktree's.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HOMECOMING = ROOT / ".venv" / "bin" / "homecoming"
PASSWORD = "Lantern-Harbour-4412"
READY_SECONDS = float(os.environ.get("HOMECOMING_BROWSER_READY", "180"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def command() -> list[str]:
    return [str(HOMECOMING)] if HOMECOMING.exists() else [sys.executable, "-m", "homecoming.cli"]


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)  # SQLite in data_dir, whatever the pass
    env.update(
        HOMECOMING_DATA_DIR=str(data_dir),
        HOMECOMING_SECRET_KEY="deploy-test-" + secrets.token_hex(16),
        HOMECOMING_DEBUG="0",
        PYTHONUNBUFFERED="1",
        HOMECOMING_TOTP_REQUIRED="",  # the mandatory second factor: tests/app/accounts/test_second_factor.py
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command() + args, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"homecoming {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


@dataclass(frozen=True)
class Served:
    url: str
    port: int
    log: Path
    env: dict[str, str]

    @property
    def database(self) -> Path:
        return Path(self.env["HOMECOMING_DATA_DIR"]) / "homecoming.sqlite3"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


def wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Return once ``url`` answers at all (any HTTP status); fail if the server exits or never answers."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + READY_SECONDS
    last = "no answer"
    while (remaining := deadline - time.monotonic()) > 0:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with opener.open(url, timeout=remaining):
                return
        except urllib.error.HTTPError:
            return
        except OSError as exc:
            last = f"{type(exc).__name__}: {exc}"
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=min(0.2, max(0.0, deadline - time.monotonic())))
    pytest.fail(
        f"{url} did not answer within {READY_SECONDS:.0f} s ({last}):\n{log.read_text(errors='replace')}"
    )


@contextlib.contextmanager
def serving(env: dict[str, str], log: Path, *serve_args: str) -> Iterator[Served]:
    """``homecoming serve`` on a free port until the block ends."""
    port = free_port()
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            command() + ["serve", "--port", str(port), "--threads", "4", *serve_args],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_answering(f"{url}/accounts/login/", process, log)
        yield Served(url=url, port=port, log=log, env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
