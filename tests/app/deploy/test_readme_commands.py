"""A new user's first hour: every command of the README's "Using it" block works, as printed, right after
``make demo``; a command pointed at a database never set up says so in one line and creates nothing; a
demo asked to serve on a port in use says so before it builds anything.

The README block is read from README.md (not copied here): a command added to it is tested at once.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import homecoming

from .serving import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[3]
SRC = Path(homecoming.__file__).resolve().parents[1]
DEMO_PERSONS = "100"  # make demo builds 1,000: the commands need none of the others (and it is faster)


def readme_commands() -> list[str]:
    """The lines of the first ``sh`` block under "## Using it" in README.md."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Using it\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "README.md: the 'Using it' section has no ```sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def readme_other_commands() -> list[str]:
    """The README's other commands a new user can run as printed right after ``make demo``: each
    ``.venv/bin/homecoming …`` written inline, and the curl block of "Identify a body" up to the first line
    that needs an id an earlier answer gives (B, S, U, P, R), as one script (its lines share variables)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    outside_blocks = re.sub(r"```.*?```", "", text, flags=re.S)
    inline = [" ".join(m.split()) for m in re.findall(r"`(\.venv/bin/homecoming [^`]+)`", outside_blocks)]
    section = text.split("\n## Identify a body", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "README.md: the 'Identify a body' section has no ```sh block"
    runnable = []
    for line in block.group(1).splitlines():
        if re.search(r"/[BSR](/|\s|$)|: [UP][,}]", line):
            break
        runnable.append(line)
    assert any("curl" in line for line in runnable), runnable
    return [*inline, "set -e\n" + "\n".join(runnable)]


def _clean_environment(**extra: str) -> dict[str, str]:
    """The test's environment without any Homecoming or Django setting: a new user's shell."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HOMECOMING_", "DJANGO_", "PYTEST_")) and k != "DATABASE_URL"
    }
    env.update(PYTHONPATH=str(SRC), PYTHONUNBUFFERED="1", NO_COLOR="1", **extra)
    return env


def _checkout(folder: Path) -> Path:
    """A folder laid out as a checkout after ``make install``: ``.venv/bin/homecoming`` runs this code."""
    venv = folder / ".venv" / "bin"
    venv.mkdir(parents=True)
    shim = venv / "homecoming"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m homecoming.cli "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    return folder


def _homecoming(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(cwd / ".venv" / "bin" / "homecoming"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def after_make_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout right after ``make demo`` (built with ``--no-serve``: the tests serve it themselves)."""
    checkout = _checkout(tmp_path_factory.mktemp("checkout"))
    built = _homecoming(checkout, "demo", "--no-serve", "--persons", DEMO_PERSONS, env=_clean_environment())
    assert built.returncode == 0, built.stdout + built.stderr
    assert (checkout / "var" / "demo" / "homecoming.env").exists()
    return checkout


@contextlib.contextmanager
def _demo_server(checkout: Path) -> Iterator[int]:
    """The demo served as ``make demo`` serves it (its settings from var/demo/homecoming.env)."""
    port = free_port()
    log = checkout / "serve.log"
    with open(log, "wb") as sink:
        server = subprocess.Popen(
            [str(checkout / ".venv" / "bin" / "homecoming"), "serve", "--port", str(port), "--no-worker"],
            cwd=checkout,
            env=_clean_environment(),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/", server, log)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _run_as_printed(checkout: Path, commands: list[str], env: dict[str, str]) -> None:
    """Run each command with ``sh`` in ``checkout`` beside the served demo; fail naming every one that
    exits non-zero or prints a traceback. A curl there fails on an HTTP error (``-f``)."""
    failures = []
    with _demo_server(checkout) as port:
        for line in commands:
            shown = line.replace("localhost:8000", f"localhost:{port}")  # the demo's port, here a free one
            shown = re.sub(r"\bcurl ", "curl -sSf ", shown)
            done = subprocess.run(
                ["sh", "-c", shown],
                cwd=checkout,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
                stdin=subprocess.DEVNULL,
            )
            output = done.stdout + done.stderr
            if done.returncode != 0 or "Traceback" in output:
                failures.append(f"$ {line}\n(exit {done.returncode})\n{output[-3000:]}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
def test_every_readme_command_works_as_printed_right_after_make_demo(after_make_demo: Path) -> None:
    commands = readme_commands()
    assert any("createuser" in c for c in commands) and any("audit verify" in c for c in commands)
    # createuser asks for the password on a terminal; the README names HOMECOMING_PASSWORD for scripts
    _run_as_printed(after_make_demo, commands, _clean_environment(HOMECOMING_PASSWORD="alice-demo-pass-7"))
    # what the commands were meant to do, they did
    for written in ("dead.zip", "persons.xml", "registry.csv", "clusters.csv"):
        assert (after_make_demo / written).stat().st_size > 0, written
    assert not (after_make_demo / "var" / "homecoming.sqlite3").exists()  # no database beside the demo's


@pytest.mark.slow
def test_the_readmes_other_commands_work_as_printed_right_after_make_demo(after_make_demo: Path) -> None:
    """The inline commands (import a list, import a manifest) and the start of the curl walk-through."""
    commands = readme_other_commands()
    assert any("import manifest" in c for c in commands) and any("--preview-out" in c for c in commands)
    _run_as_printed(after_make_demo, commands, _clean_environment())


def _one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    [line] = done.stderr.strip().splitlines()
    return line


def test_a_command_against_a_data_folder_without_a_database_says_so_and_creates_none(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path / "checkout")
    data = tmp_path / "empty"
    env = _clean_environment(HOMECOMING_DEBUG="1", HOMECOMING_DATA_DIR=str(data))
    commands = (["audit", "verify"], ["import", "persons", "list.csv", "--dry-run"], ["token", "create", "a"])
    for args in commands:
        line = _one_error_line(_homecoming(checkout, *args, env=env))
        assert line == (
            f"error: there is no database at {data.resolve() / 'homecoming.sqlite3'}; "
            "run `homecoming migrate` (or `make demo` for the demo)"
        )
    assert not list(data.glob("*.sqlite3*"))
    # a database file that was never migrated (what an earlier version left behind) is not used either
    (data / "homecoming.sqlite3").write_bytes(b"")
    line = _one_error_line(_homecoming(checkout, "audit", "verify", env=env))
    assert line.startswith(f"error: the database at {data.resolve()}") and "is not initialised" in line
    assert (data / "homecoming.sqlite3").stat().st_size == 0


def test_without_settings_and_without_a_demo_a_command_says_what_to_set(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path / "checkout")
    line = _one_error_line(_homecoming(checkout, "audit", "verify", env=_clean_environment()))
    assert line.startswith("configuration error: HOMECOMING_SECRET_KEY is not set") and "make demo" in line
    assert not list(checkout.rglob("*.sqlite3*"))


def test_the_demo_settings_file_is_read_only_without_a_key_and_a_database_url(tmp_path: Path) -> None:
    """A command in the folder of a demo uses the demo's settings; a configured installation never does."""
    checkout = _checkout(tmp_path / "checkout")
    demo = checkout / "var" / "demo"
    demo.mkdir(parents=True)
    (demo / "homecoming.env").write_text(
        "# the demo's settings\nHOMECOMING_DATA_DIR=var/demo\nHOMECOMING_DEBUG=1\n", encoding="utf-8"
    )
    done = _homecoming(checkout, "audit", "verify", env=_clean_environment())
    assert done.stderr.splitlines()[0] == "using the demo's settings in var/demo/homecoming.env"
    assert done.stderr.splitlines()[1].startswith(f"error: there is no database at {demo.resolve()}")
    configured = _homecoming(
        checkout, "audit", "verify", env=_clean_environment(HOMECOMING_SECRET_KEY="k" * 50)
    )
    line = _one_error_line(configured)
    assert f"{checkout.resolve() / 'var' / 'homecoming.sqlite3'};" in line  # its own data folder: ./var


def test_a_demo_on_a_port_in_use_says_so_before_building_anything(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path / "checkout")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _homecoming(checkout, "demo", "--port", str(port), env=_clean_environment())
    line = _one_error_line(done)
    assert line == (
        f"error: port {port} on 127.0.0.1 is in use (another server, or a demo still running); "
        f"run `make demo PORT={port + 1}` (or `--port {port + 1}`)"
    )
    assert "serving at" not in done.stdout
    assert not (checkout / "var" / "demo").exists()  # nothing built


def test_make_demo_passes_the_port_and_the_address_on() -> None:
    done = subprocess.run(
        ["make", "-n", "demo", "PORT=8001", "HOST=0.0.0.0"], cwd=ROOT, capture_output=True, text=True
    )
    assert "homecoming demo --host 0.0.0.0 --port 8001" in done.stdout


def test_a_database_that_lacks_migrations_says_which_and_how_to_fix(tmp_path: Path) -> None:
    """A database an older version set up (a migration not applied): one line, not "no such column"."""
    import sqlite3

    checkout = _checkout(tmp_path / "checkout")
    data = tmp_path / "data"
    env = _clean_environment(HOMECOMING_DEBUG="1", HOMECOMING_DATA_DIR=str(data))
    assert _homecoming(checkout, "migrate", env=env).returncode == 0
    with contextlib.closing(sqlite3.connect(data / "homecoming.sqlite3")) as db, db:
        app, name = db.execute(
            "SELECT app, name FROM django_migrations WHERE app = 'registry' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        db.execute("DELETE FROM django_migrations WHERE app = ? AND name = ?", (app, name))
    line = _one_error_line(_homecoming(checkout, "audit", "verify", env=env))
    assert line == (
        f"error: the database at {data.resolve() / 'homecoming.sqlite3'} lacks 1 migration(s) "
        f"(first {app}.{name}); run `homecoming migrate`"
    )


def test_the_demo_settings_never_override_a_variable_that_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from homecoming.commands import environment
    from homecoming.commands.environment import load_demo_env, write_demo_env

    monkeypatch.setattr(environment, "_loaded", None)  # this process's record, put back after the test
    demo = {"HOMECOMING_DATA_DIR": str(tmp_path), "HOMECOMING_DEBUG": "1", "HOMECOMING_X": ""}
    write_demo_env(tmp_path, demo)
    environ = {"HOMECOMING_DATA_DIR": str(tmp_path), "HOMECOMING_DEBUG": "0"}
    assert load_demo_env(environ) == tmp_path / "homecoming.env"
    assert environ == {"HOMECOMING_DATA_DIR": str(tmp_path), "HOMECOMING_DEBUG": "0", "HOMECOMING_X": ""}
    for configured in ({"DATABASE_URL": "postgres://h/db"}, {"HOMECOMING_SECRET_KEY": "k"}):
        environ = {"HOMECOMING_DATA_DIR": str(tmp_path), **configured}
        assert load_demo_env(environ) is None and "HOMECOMING_DEBUG" not in environ
