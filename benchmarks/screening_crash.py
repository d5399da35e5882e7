"""kill -9 the worker in the middle of a screening run, start it again (issue 12, faults).

Run:  .venv/bin/python benchmarks/screening_crash.py --backend sqlite --families 200 --bodies 20
      .venv/bin/python benchmarks/screening_crash.py --backend postgresql

A fresh database (a temporary SQLite data directory, or a database of its own on the PostgreSQL server
at ``HOMECOMING_TEST_DATABASE_URL``/``DATABASE_URL``, dropped afterwards) is migrated by the real
``homecoming migrate``, a seeded synthetic world is written (``identification.synthetic``) and a
screening run is queued. The real ``homecoming worker`` runs it as a subprocess and is sent SIGKILL as
soon as the run is building its family tables. Then:

* ``partial_results`` — candidates or conclusions of the run found after the kill (must be 0), and
  ``done_after_kill`` — the run marked done after the kill (0 unless the kill came too late:
  ``not_killed``);
* a second ``homecoming worker --batch`` re-queues the job its dead predecessor left and runs it:
  ``rerun_done`` (1), ``attempts`` (2), ``conclusions_missing`` (bodies without a conclusion: 0);
* a second run of the same batch, queued and followed by ``homecoming identify batch REF --wait`` while a
  worker runs it (``wait_shows_conclusions``: 1 when the command ends with the run's conclusions), gives
  the same candidates (``rerun_differs``: 0) and reads every family table from the cache
  (``tables_cached`` = the number of missing persons).

Prints ``name=value`` lines last.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def homecoming() -> list[str]:
    script = Path(sys.executable).with_name("homecoming")
    return [str(script)] if script.exists() else [sys.executable, "-m", "homecoming.cli"]


def _env(base: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HOMECOMING_DATA_DIR")}
    env.update(HOMECOMING_SECRET_KEY="benchmark-only-not-a-secret", HOMECOMING_DEBUG="0")
    src = str(ROOT / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    return env | base


def _admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


def _wait(predicate: object, seconds: float, what: str, worker: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():  # type: ignore[operator]
        if worker is not None and worker.poll() is not None:
            raise SystemExit(f"the worker exited ({worker.returncode}) while waiting for {what}")
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--families", type=int, default=200)
    ap.add_argument("--bodies", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hc-screen-crash-"))
    server = dbname = ""
    if args.backend == "sqlite":
        env = _env({"HOMECOMING_DATA_DIR": str(folder / "data")})
    else:
        server = os.environ.get("HOMECOMING_TEST_DATABASE_URL") or os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        )
        server = server.replace("postgres://", "postgresql://", 1)
        dbname = f"hc_screen_crash_{os.getpid()}_{secrets.token_hex(3)}"
        _admin(server, f'CREATE DATABASE "{dbname}"')
        env = _env({"DATABASE_URL": server.rsplit("/", 1)[0] + "/" + dbname})
    try:
        figures = _rounds(args, env)
    finally:
        from django.db import connections

        connections.close_all()
        if dbname:
            _admin(server, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)
    for name, value in figures.items():
        print(f"{name}={value}")


def _rounds(args: argparse.Namespace, env: dict[str, str]) -> dict[str, int]:
    done = subprocess.run([*homecoming(), "migrate"], env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"migrate failed:\n{done.stderr[-3000:]}")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "homecoming.app.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection

    from homecoming.app.identification import screening
    from homecoming.app.identification.models_screening import (
        BodyConclusion,
        RunStatus,
        ScreeningCandidate,
        ScreeningRun,
    )
    from homecoming.app.identification.synthetic import build_world

    world = build_world(n_families=args.families, n_bodies=args.bodies, seed=args.seed)
    run = screening.start_run(actor=None, batch=world.batch)

    def status() -> ScreeningRun:
        connection.close()  # a fresh read every time (SQLite: see the worker's commits)
        return ScreeningRun.objects.get(pk=run.pk)

    out: dict[str, int] = {}
    worker = subprocess.Popen([*homecoming(), "worker"], env=env, text=True, stderr=subprocess.PIPE)
    try:
        _wait(lambda: status().stage in ("family tables", "screen"), 600, "the family tables", worker)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    time.sleep(1.0)  # PostgreSQL ends the killed session's transaction on its own
    after = status()
    out["not_killed"] = int(after.status == RunStatus.done)
    out["done_after_kill"] = out["not_killed"]
    out["partial_results"] = (
        ScreeningCandidate.objects.filter(run=run.pk).count()
        + BodyConclusion.objects.filter(run=run.pk).count()
        if after.status != RunStatus.done
        else 0
    )
    again = subprocess.run(
        [*homecoming(), "worker", "--batch"], env=env, capture_output=True, text=True, timeout=1800
    )
    final = status()
    out["requeued"] = int("queued again" in again.stderr)
    out["rerun_done"] = int(final.status == RunStatus.done)
    out["attempts"] = final.attempts
    out["conclusions_missing"] = args.bodies - BodyConclusion.objects.filter(run=run.pk).count()
    # the same batch again, followed by `homecoming identify batch REF --wait` while a worker runs it
    worker = subprocess.Popen([*homecoming(), "worker"], env=env, text=True, stderr=subprocess.DEVNULL)
    try:
        waited = subprocess.run(
            [*homecoming(), "identify", "batch", world.batch.reference, "--wait"],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait()
    connection.close()
    second = ScreeningRun.objects.exclude(pk=run.pk).get()
    shown = " ".join(waited.stdout.split())
    out["wait_shows_conclusions"] = int(
        waited.returncode == 0 and f"{second.reference}: conclusions" in shown
    )
    out["rerun_differs"] = int(second.summary.get("digest") != final.summary.get("digest"))
    out["tables_cached"] = int(second.summary.get("tables_cached", -1))
    out["missing_persons"] = int(second.summary.get("missing_persons", -1))
    if not out["rerun_done"]:
        sys.stderr.write(final.error + "\n" + again.stderr[-3000:])
    return out


if __name__ == "__main__":
    main()
