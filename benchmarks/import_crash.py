"""Benchmark: kill -9 during a 50,000-person import, then run it again (issue 10, item 18).

Run:  .venv/bin/python benchmarks/import_crash.py                      (SQLite and PostgreSQL)
      .venv/bin/python benchmarks/import_crash.py --backend sqlite --kills 5 --rows 5000

A seeded 50,000-row person list (synthetic names, ``registry_persons.PersonMaker``) is imported by the
real command, ``homecoming import persons FILE``, as a subprocess. Each round starts from an empty,
migrated database (a copy of a template: a file copy on SQLite; ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL, on the server at ``HOMECOMING_TEST_DATABASE_URL`` as testrun.py finds it, in databases of
this run's own, dropped afterwards), starts the import, sends SIGKILL at a seeded random moment within
the time a whole import takes (measured first), then checks:

* (``not_killed`` counts rounds whose import had finished before its moment came — they are run again
  until ``kills`` imports were really killed; the window follows the last whole import's time, as the
  machine's load changes; ``committed`` counts kills after which all rows were in: the import had
  committed but not said so yet);
* the person rows are 0 or exactly all of them (``partial_rows`` counts rounds with any other number);
* the file's digest is recorded if and only if the rows are (``digest_mismatch``);
* ``homecoming audit verify`` says the chain is intact (``chain_broken``; after the kill and after the rerun);
* running the same command again either imports the file exactly once (it was not in) or is refused as
  already imported (it was): ``doubled`` counts rounds that end with more rows than the file has,
  ``rerun_wrong`` rounds whose rerun did neither.

Prints the figures last as ``name=value`` lines, per backend (``sqlite_partial_rows=0``) and summed
(``kills=40``, ``partial_rows=0``, ``doubled=0``, ``chain_broken=0``).
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

sys.path.insert(0, str(Path(__file__).resolve().parent))

console = Console(stderr=True)
CHECKS = (
    "rounds",
    "not_killed",
    "kills",
    "committed",
    "partial_rows",
    "digest_mismatch",
    "chain_broken",
    "doubled",
    "rerun_wrong",
)


def person_file(folder: Path, rows: int, seed: int) -> Path:
    """``rows`` seeded synthetic persons in the published person-list columns (CSV)."""
    import numpy as np
    from registry_persons import PersonMaker, name_pools  # beside this file

    from homecoming.io.persons import write_persons

    path = folder / f"persons-{rows}-{seed}.csv"
    maker = PersonMaker(name_pools(seed))
    write_persons(maker.rows(np.random.default_rng(seed), 0, rows), path, fmt="csv")  # type: ignore[arg-type]
    return path


def homecoming() -> list[str]:
    """The installed ``homecoming`` command (beside this Python), or the module if it is not installed."""
    script = Path(sys.executable).with_name("homecoming")
    return [str(script)] if script.exists() else [sys.executable, "-m", "homecoming.cli"]


class Backend:
    """One database kind: a migrated empty template, and a fresh copy of it for every round."""

    name = ""

    def env(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HOMECOMING_DATA_DIR")}
        base.update(HOMECOMING_SECRET_KEY="benchmark-only-not-a-secret", HOMECOMING_DEBUG="0")
        return base

    def fresh(self) -> None:
        raise NotImplementedError

    def query(self, sql: str, args: tuple[object, ...] = ()) -> int:
        raise NotImplementedError

    def settle(self) -> None:
        """Wait until the killed client's work is over (on a server: its session has ended)."""

    def close(self) -> None:
        pass


class SQLiteBackend(Backend):
    name = "sqlite"

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="hc-bench-crash-"))
        self.template = self.folder / "template.sqlite3"
        self.data = self.folder / "data"
        run([*homecoming(), "migrate"], self.env())
        db = self.data / "homecoming.sqlite3"
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(db, self.template)

    def env(self) -> dict[str, str]:
        return super().env() | {"HOMECOMING_DATA_DIR": str(self.data)}

    def fresh(self) -> None:
        db = self.data / "homecoming.sqlite3"
        for extra in ("-wal", "-shm", "-journal"):
            Path(f"{db}{extra}").unlink(missing_ok=True)
        shutil.copy(self.template, db)

    def query(self, sql: str, args: tuple[object, ...] = ()) -> int:
        conn = sqlite3.connect(self.data / "homecoming.sqlite3", timeout=60)
        try:
            return int(conn.execute(sql.replace("%s", "?"), args).fetchone()[0])
        finally:
            conn.close()

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class PostgresBackend(Backend):
    name = "postgresql"

    def __init__(self, server: str) -> None:
        self.server = server.replace("postgres://", "postgresql://", 1)
        tag = f"{os.getpid()}_{secrets.token_hex(3)}"
        self.template, self.db = f"hc_crash_tmpl_{tag}", f"hc_crash_{tag}"
        self._admin(f'CREATE DATABASE "{self.template}"')
        run([*homecoming(), "migrate"], self.env(self.template))

    def _url(self, name: str) -> str:
        base, _, q = self.server.partition("?")
        return base.rsplit("/", 1)[0] + "/" + name + (f"?{q}" if q else "")

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.server, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    def env(self, name: str = "") -> dict[str, str]:
        return super().env() | {"DATABASE_URL": self._url(name or self.db)}

    def fresh(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.db}" TEMPLATE "{self.template}"')

    def query(self, sql: str, args: tuple[object, ...] = ()) -> int:
        import psycopg

        with psycopg.connect(self._url(self.db), connect_timeout=10) as conn:
            row = conn.execute(sql, args).fetchone()  # type: ignore[arg-type]
            assert row is not None
            return int(row[0])

    def settle(self) -> None:
        """The server finishes (or rolls back) a killed client's transaction on its own; wait for it."""
        deadline = time.monotonic() + 300
        sql = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        while self.query(sql, (self.db,)) and time.monotonic() < deadline:
            time.sleep(0.2)

    def close(self) -> None:
        for name in (self.db, self.template):
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0 and cmd[-1] == "migrate":
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    return done


def import_command(path: Path) -> list[str]:
    return [*homecoming(), "import", "persons", str(path)]


def timed_import(backend: Backend, path: Path) -> float:
    """Seconds a whole import takes on an empty database (the window the kills fall in)."""
    backend.fresh()
    start = time.perf_counter()
    done = run(import_command(path), backend.env())
    if done.returncode != 0:
        raise SystemExit(f"the import failed on {backend.name}:\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def counts(backend: Backend, sha256: str) -> tuple[int, int]:
    persons = backend.query("SELECT COUNT(*) FROM registry_person")
    digests = backend.query("SELECT COUNT(*) FROM audit_importedfile WHERE sha256 = %s", (sha256,))
    return persons, digests


def intact(backend: Backend) -> bool:
    done = run([*homecoming(), "audit", "verify"], backend.env())
    return done.returncode == 0 and "audit chain intact" in done.stdout


def one_round(backend: Backend, path: Path, rows: int, sha256: str, delay: float) -> Counter[str]:
    """Import, SIGKILL after ``delay`` seconds, check; import again, check. Failed checks, counted.

    The chain is verified once, after the rerun: it is append-only, so a break the kill made is still
    there then (and one the rerun made is caught too).
    """
    bad: Counter[str] = Counter(rounds=1)
    backend.fresh()
    with subprocess.Popen(
        import_command(path), env=backend.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ) as child:
        time.sleep(delay)
        finished = child.poll() is not None
        if not finished:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    bad["not_killed"] += finished
    backend.settle()
    persons, digests = counts(backend, sha256)
    bad["kills"] += not finished
    bad["committed"] += persons == rows and not finished
    bad["partial_rows"] += persons not in (0, rows)
    bad["digest_mismatch"] += digests != (1 if persons == rows else 0)
    start = time.perf_counter()
    again = run(import_command(path), backend.env())
    if persons == 0 and again.returncode == 0:  # a whole import: the window of the next kill
        bad["last_import_ms"] = round((time.perf_counter() - start) * 1000)
    after, digests_after = counts(backend, sha256)
    if persons == 0:
        expected = again.returncode == 0 and after == rows
    else:
        expected = again.returncode == 3 and "was imported on" in again.stderr and after == persons
    bad["rerun_wrong"] += not expected or digests_after != 1
    bad["doubled"] += after > rows
    chain = intact(backend)
    bad["chain_broken"] += not chain
    print(
        f"{backend.name}: killed at {delay:.1f} s{' (had finished)' if finished else ''}: {persons} persons, "
        f"{digests} digest(s); rerun exit {again.returncode}: {after} persons; "
        f"chain {'intact' if chain else 'BROKEN'}"
        + ("" if expected else f"; rerun said: {again.stderr.strip()[-1500:]}"),
        flush=True,
    )
    return bad


@contextmanager
def backend_for(name: str) -> Iterator[Backend | None]:
    if name == "sqlite":
        backend: Backend = SQLiteBackend()
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
        from homecoming.testrun import postgres_url

        url, problem = postgres_url()
        if problem:
            console.print(f"[yellow]PostgreSQL at {url} does not answer ({problem}); skipped[/]")
            yield None
            return
        backend = PostgresBackend(url)
    try:
        yield backend
    finally:
        backend.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    import hashlib

    folder = Path(tempfile.mkdtemp(prefix="hc-bench-crash-file-"))
    with console.status(f"writing {args.rows:,} seeded persons"):
        path = person_file(folder, args.rows, args.seed)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    rng = random.Random(args.seed)
    names = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    figures: dict[str, Counter[str]] = {}
    full: dict[str, float] = {}
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[state]}"),
    )
    with Progress(*columns, console=console) as progress:
        for name in names:
            with backend_for(name) as backend:
                if backend is None:
                    continue
                task = progress.add_task(f"{name}: timing a whole import", total=args.kills, state="")
                full[name] = timed_import(backend, path)
                progress.update(task, description=f"{name}: kill -9 ({full[name]:.1f} s import)")
                total: Counter[str] = Counter({k: 0 for k in CHECKS})
                window = full[name]
                while total["kills"] < args.kills:
                    got = one_round(backend, path, args.rows, sha256, rng.uniform(0.05, 1.0) * window)
                    # the machine's load changes: the next kill falls within the last whole import's time
                    window = got.pop("last_import_ms", window * 1000) / 1000
                    total += got
                    state = ", ".join(f"{k}={total[k]}" for k in CHECKS[3:])
                    progress.update(task, completed=total["kills"], state=state)
                figures[name] = total
    shutil.rmtree(folder, ignore_errors=True)
    summed: Counter[str] = Counter({k: 0 for k in CHECKS})
    print(f"rows={args.rows}")
    for name, total in figures.items():
        print(f"{name}_import_seconds={full[name]:.1f}")
        for k in CHECKS:
            print(f"{name}_{k}={total[k]}")
        summed.update(total)
    for k in (
        "rounds",
        "not_killed",
        "committed",
        "digest_mismatch",
        "rerun_wrong",
        "kills",
        "partial_rows",
        "doubled",
        "chain_broken",
    ):
        print(f"{k}={summed[k]}")
    failed = sum(summed[k] for k in CHECKS[4:])
    return 1 if failed or not figures else 0


if __name__ == "__main__":
    sys.exit(main())
