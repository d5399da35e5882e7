"""The real server for browser tests: ``homecoming migrate`` + ``homecoming serve`` on a fresh database.

Not pytest-django's live_server: its flush at teardown would hit the insert-only triggers of the audit
tables. The server runs as a subprocess, production-like (DEBUG off, static files through whitenoise),
against a temporary SQLite data directory — or, when DATABASE_URL points at PostgreSQL, a temporary
database ``hc_browser_<random>`` that is dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
ROOT = Path(__file__).resolve().parents[3]
HOMECOMING = ROOT / ".venv" / "bin" / "homecoming"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "Lantern-Harbour-4412"
# Waits that fit a loaded CI machine (load ~10 on 2 cores): every navigation, action, wait_for and
# expect() may take this long before it fails. They are limits, not pauses: a fast page passes at once.
TIMEOUT_SECONDS = float(os.environ.get("HOMECOMING_BROWSER_TIMEOUT", "60"))
READY_SECONDS = float(os.environ.get("HOMECOMING_BROWSER_READY", "180"))  # server start-up
USERS = {"registrar": "registrar", "auditor": "auditor"}  # user name → role


@dataclass(frozen=True)
class Server:
    url: str
    password: str
    log: Path

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _command() -> list[str]:
    if HOMECOMING.exists():
        return [str(HOMECOMING)]
    return [sys.executable, "-m", "homecoming.cli"]


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        _command() + args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _finish(process: subprocess.Popen[str], what: str) -> None:
    output, _ = process.communicate(timeout=180)
    if process.returncode != 0:
        pytest.fail(f"homecoming {what} failed ({process.returncode}):\n{output}")


def _with_database(url: str, name: str) -> str:
    base, _, query = url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")


@pytest.fixture(scope="session")
def _database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment for the server's commands: a fresh SQLite data dir or a fresh PostgreSQL database."""
    data_dir = tmp_path_factory.mktemp("browser-data")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.update(
        HOMECOMING_DATA_DIR=str(data_dir),
        HOMECOMING_SECRET_KEY="browser-test-" + secrets.token_hex(16),
        HOMECOMING_SECURE_COOKIES="0",
        HOMECOMING_DEBUG="0",
        PYTHONUNBUFFERED="1",
        # the flows log in many times a minute; a TOTP code is good once (tests/app/accounts covers it)
        HOMECOMING_TOTP_REQUIRED="",
    )
    if not ON_POSTGRES:
        env.pop("DATABASE_URL", None)
        yield env
        return
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = f"hc_browser_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = _with_database(url, name)
    try:
        yield env
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Return once ``url`` answers 200 (Django loaded, URLs resolved, a page rendered); fail if it never does.

    A port that accepts connections is not yet a server that answers: on a loaded machine the first
    request (URL map, views, templates) takes seconds. Each attempt waits as long as the deadline
    allows; between attempts the pause is a wait on the server process, which ends at once if it exits.
    """
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    deadline = time.monotonic() + READY_SECONDS
    last = "no answer"
    while (remaining := deadline - time.monotonic()) > 0:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with opener.open(url, timeout=remaining) as response:
                if response.status == 200:
                    return
                last = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:  # it answers, wrongly: waiting will not help
            pytest.fail(f"the server answered {url} with {exc.code}:\n{log.read_text(errors='replace')}")
        except OSError as exc:  # refused, reset or timed out: not up yet
            last = f"{type(exc).__name__}: {exc}"
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=min(0.2, max(0.0, deadline - time.monotonic())))
    output = log.read_text(errors="replace")
    pytest.fail(f"the server did not answer {url} within {READY_SECONDS:.0f} s ({last}):\n{output}")


@pytest.fixture(scope="session")
def server(_database: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A running ``homecoming serve`` with a registrar and an auditor (password :data:`PASSWORD`)."""
    env = _database
    _finish(_start(["migrate"], env), "migrate")
    port = _free_port()
    log = tmp_path_factory.mktemp("browser-server") / "server.log"
    with open(log, "wb") as sink:
        # no background jobs in these flows (the identification chain serves the demo with its worker)
        process = subprocess.Popen(
            _command() + ["serve", "--port", str(port), "--threads", "4", "--no-worker"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    # the users are created while the server starts (each command loads Django: seconds on a busy machine)
    creating = {
        username: _start(["createuser", username, "--role", role, "--password", PASSWORD], env)
        for username, role in USERS.items()
    }
    try:
        for username, creation in creating.items():
            _finish(creation, f"createuser {username}")
        url = f"http://127.0.0.1:{port}"
        _wait_until_answering(f"{url}/accounts/login/", process, log)
        yield Server(url=url, password=PASSWORD, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_SECONDS * 1000)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=BROWSER, args=CHROMIUM_ARGS, timeout=max(TIMEOUT_SECONDS, 30) * 1000
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def csp_violations() -> list[str]:
    """The Content-Security-Policy violations the browser reported on the console during the test.

    ``page`` fails the test if any are left at its end; a test that provokes one on purpose empties it.
    """
    return []


@pytest.fixture
def page(
    browser: Any, server: Server, request: pytest.FixtureRequest, csp_violations: list[str]
) -> Iterator[Any]:
    """A fresh browser context (no cookies) at 1280×900, waits of :data:`TIMEOUT_SECONDS`; on failure the
    server's log is printed. A Content-Security-Policy violation reported on the console fails the test."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=server.url, locale="en-GB"
    )
    context.set_default_timeout(TIMEOUT_SECONDS * 1000)
    context.set_default_navigation_timeout(TIMEOUT_SECONDS * 1000)
    tab = context.new_page()
    tab.on(
        "console",
        lambda message: (
            csp_violations.append(f"{tab.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        yield tab
    finally:
        context.close()
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            print(f"--- server log ({server.log}) ---\n{server.stderr()}")
    if csp_violations:
        pytest.fail("the page broke its Content-Security-Policy:\n" + "\n".join(csp_violations))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]


# the people of the remains flow (tests/app/browser/test_remains_flow.py); created on first use only
REMAINS_USERS = {
    "examiner": "forensic_examiner",
    "analyst": "dna_analyst",
    "coordinator": "exchange_coordinator",
}


@pytest.fixture(scope="session")
def remains_users(server: Server, _database: dict[str, str]) -> dict[str, str]:
    """A forensic examiner, a DNA analyst and an exchange coordinator on the running server."""
    creating = {
        username: _start(["createuser", username, "--role", role, "--password", PASSWORD], _database)
        for username, role in REMAINS_USERS.items()
    }
    for username, creation in creating.items():
        _finish(creation, f"createuser {username}")
    return dict(REMAINS_USERS)


@pytest.fixture(scope="session")
def example_ledger(server: Server, _database: dict[str, str]) -> str:
    """``homecoming load-ledger`` (the example 2025 ledger) run against the server's database."""
    process = _start(["load-ledger"], _database)
    output, _ = process.communicate(timeout=180)
    if process.returncode != 0:
        pytest.fail(f"homecoming load-ledger failed ({process.returncode}):\n{output}")
    return output
