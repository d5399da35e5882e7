"""``make test``: lint, format check, type-check, then the whole suite on SQLite and again on PostgreSQL.

* Tests marked ``@pytest.mark.slow`` are left out of those two passes (``-m "not slow"``) and run in
  a pass of their own ("slow tests": the whole suite's slow tests on SQLite, then the slow database
  tests on PostgreSQL), so they still run on every ``make test`` and in CI.

* PostgreSQL is found at ``HOMECOMING_TEST_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``).
  The run creates a database of its own there (``homecoming_run_<pid>_<random>``, dropped at the end)
  and pytest-django creates and drops its ``test_…`` databases after that name, so two runs on one
  server at the same time (two checkouts, two CI jobs) do not take each other's test databases.
* Browser tests need Debian's Chromium (``apt-get install chromium``).
* Without PostgreSQL or Chromium the run says so and skips only those tests; with ``CI=true`` a missing
  part is an error and nothing is skipped.

Extra arguments are passed to pytest (e.g. ``python -m homecoming.testrun -k search``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
console = Console(stderr=True)
FAST = ["-m", "not slow"]  # the main passes; the slow tests run in a pass of their own
SLOW = ["-m", "slow"]


def postgres_url() -> tuple[str, str]:
    """The URL to test on, and '' if it answers or the reason it does not."""
    url = os.environ.get("HOMECOMING_TEST_DATABASE_URL", DEFAULT_PG)
    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure to connect means: not available
        return url, f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    return url, ""


def _with_database(url: str, name: str) -> str:
    base, _, query = url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")


@contextmanager
def run_database(url: str) -> Iterator[str]:
    """The URL of a fresh database of this run's own on the server at ``url``; dropped afterwards."""
    import psycopg

    name = f"homecoming_run_{os.getpid()}_{secrets.token_hex(3)}"
    server = url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(server, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(url, name)
    finally:
        with psycopg.connect(server, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


NO_TESTS = 5  # pytest's exit code when the selection is empty (``-k`` given; or no slow tests at all)


def _step(title: str, cmd: list[str], env: dict[str, str], *, may_be_empty: bool = False) -> bool:
    console.rule(f"[bold]{title}")
    console.print("$ " + " ".join(cmd), style="dim")
    start = time.monotonic()
    code = subprocess.call(cmd, env=env)
    ok = code == 0 or (may_be_empty and code == NO_TESTS)
    console.print(f"{'[green]passed' if ok else '[red]FAILED'}[/] {title} ({time.monotonic() - start:.0f} s)")
    return ok


def _slow_pass(pytest: list[str], workers: list[str], argv: list[str], env: dict[str, str]) -> bool:
    return _step("slow tests (SQLite)", [*pytest, *workers, *SLOW, *argv], env, may_be_empty=True)


def main(argv: list[str]) -> int:
    started = time.monotonic()
    ci = os.environ.get("CI", "").lower() == "true"
    pg_url, pg_problem = postgres_url()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    missing = []
    if pg_problem:
        missing.append(f"PostgreSQL at {pg_url} does not answer ({pg_problem})")
    if not chromium:
        missing.append("Chromium is not installed (apt-get install chromium); browser tests need it")
    for line in missing:
        console.print(f"[yellow]note:[/] {line}")
    if ci and missing:
        console.print("[red]CI=true: PostgreSQL and Chromium are required; nothing may be skipped.[/]")
        return 2
    bin_dir = os.path.dirname(sys.executable)
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    workers = ["-n", os.environ.get("HOMECOMING_TEST_WORKERS", "2")]
    pytest = [sys.executable, "-m", "pytest"]
    results = {
        "ruff": _step("ruff (lint)", [f"{bin_dir}/ruff", "check", "src", "tests", "benchmarks"], env),
        "format": _step(
            "ruff format --check", [f"{bin_dir}/ruff", "format", "--check", "src", "tests", "benchmarks"], env
        ),
        "mypy": _step("mypy --strict (pure packages)", [f"{bin_dir}/mypy"], env),
        "migrations": _step(
            "migrations are complete",
            [
                sys.executable,
                "-m",
                "django",
                "makemigrations",
                "--check",
                "--dry-run",
                "--settings=homecoming.app.settings",
            ],
            env | {"HOMECOMING_DEBUG": "1"},
        ),
        "sqlite": _step("tests on SQLite", [*pytest, *workers, *FAST, *argv], env, may_be_empty=bool(argv)),
    }
    if pg_problem:
        console.print("[yellow]skipped:[/] the PostgreSQL passes (" + pg_problem + ")")
        results["slow"] = _slow_pass(pytest, workers, argv, env)
    else:
        with run_database(pg_url) as run_url:
            on_postgres = env | {"DATABASE_URL": run_url}
            results["postgresql"] = _step(
                "tests on PostgreSQL (database tests)",
                [*pytest, *workers, *FAST, "tests/app", *argv],
                on_postgres,
                may_be_empty=bool(argv),  # e.g. -k that matches only tests outside tests/app
            )
            results["slow"] = _slow_pass(pytest, workers, argv, env)
            results["slow-postgresql"] = _step(
                "slow tests (PostgreSQL, database tests)",
                [*pytest, *workers, *SLOW, "tests/app", *argv],
                on_postgres,
                may_be_empty=True,
            )
    console.rule("[bold]summary")
    for name, ok in results.items():
        console.print(f"  {name:<16} {'[green]passed' if ok else '[red]FAILED'}")
    if missing:
        console.print("  [yellow]incomplete:[/] " + "; ".join(missing))
    console.print(f"  total {(time.monotonic() - started) / 60:.1f} min")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
