"""Benchmark: screen a batch of bodies against every reference family stored in PostgreSQL (issue 12).

Run:  .venv/bin/python benchmarks/identification.py --seed 1                       (1,000 x 100,000)
      .venv/bin/python benchmarks/identification.py --seed 1 --families 10000 --bodies 1000
      .venv/bin/python benchmarks/identification.py --keep ...   then   --reuse hc_bench_ident_...

A database of its own on the PostgreSQL server at ``HOMECOMING_TEST_DATABASE_URL`` (or ``DATABASE_URL``,
default ``postgres://postgres@127.0.0.1:5432/postgres``) is migrated by the real ``homecoming migrate``
and filled with a seeded synthetic world (``identification.synthetic``: ``--families`` reference
families with consent, five kinds in turn, typed on 21 markers; one intake batch of ``--bodies``
bodies, half of them missing persons of distinct families) written in bulk (COPY for the profiles).
Then the screening job (``screening_pipeline.execute``, what ``homecoming worker`` runs) is run twice:

* ``cold`` — no family table cached: every table is built (``family_tables_seconds``), screened,
  identified jointly and stored;
* ``cached`` — the same batch again: every table read back from the cache.

Each is timed from the job's start to every candidate stored (the run's ``started_at`` to
``finished_at``). Targets: cached ≤ 30 s; cold ≤ the family-table time + 30 s. Also printed: the
recall of true identifications (a planted body concluded identified or probable with its own family)
and the number of false undisputed matches (a body concluded identified with a family not its own).
Prints ``name=value`` lines last; the database is dropped at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
console = Console(stderr=True)


def homecoming() -> list[str]:
    script = Path(sys.executable).with_name("homecoming")
    return [str(script)] if script.exists() else [sys.executable, "-m", "homecoming.cli"]


def _admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--families", type=int, default=100_000)
    ap.add_argument("--bodies", type=int, default=1_000)
    ap.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    ap.add_argument(
        "--reuse",
        metavar="NAME",
        help="run on a database kept by an earlier --keep (no migrate, no seeding; its world is read back)",
    )
    args = ap.parse_args()
    server = os.environ.get("HOMECOMING_TEST_DATABASE_URL") or os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
    )
    server = server.replace("postgres://", "postgresql://", 1)
    name = args.reuse or f"hc_bench_ident_{os.getpid()}_{secrets.token_hex(3)}"
    if not args.reuse:
        _admin(server, f'CREATE DATABASE "{name}"')
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HOMECOMING_DATA_DIR")}
    env.update(
        HOMECOMING_SECRET_KEY="benchmark-only-not-a-secret",
        HOMECOMING_DEBUG="0",
        DATABASE_URL=server.rsplit("/", 1)[0] + "/" + name,
        # the database's table packs (3.6 GB at 100,000 families) beside it, gone with it
        HOMECOMING_TABLE_PACKS=str(Path(tempfile.gettempdir()) / f"{name}-packs"),
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p),
    )
    try:
        figures = _run(args, env)
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep or args.reuse):
            _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            shutil.rmtree(env["HOMECOMING_TABLE_PACKS"], ignore_errors=True)
        else:
            console.print(f"kept database {name} (its table packs in {env['HOMECOMING_TABLE_PACKS']})")
    for key, value in figures.items():
        print(f"{key}={value}")


def _world_file(env: dict[str, str]) -> Path:
    return Path(tempfile.gettempdir()) / (env["DATABASE_URL"].rsplit("/", 1)[1] + ".world.json")


def _run(args: argparse.Namespace, env: dict[str, str]) -> dict[str, object]:
    if not args.reuse:
        done = subprocess.run(
            [*homecoming(), "migrate"], env=env, capture_output=True, text=True, timeout=3600
        )
        if done.returncode != 0:
            raise SystemExit(f"migrate failed:\n{done.stderr[-3000:]}")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "homecoming.app.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection

    from homecoming.app.identification import screening, screening_pipeline
    from homecoming.app.identification.models_screening import (
        BodyConclusion,
        FamilyTableRow,
        ScreeningCandidate,
    )
    from homecoming.app.identification.synthetic import World, build_world
    from homecoming.app.remains.models import IntakeBatch

    t0 = time.perf_counter()
    if args.reuse:
        saved = json.loads(_world_file(env).read_text())
        world = World(
            IntakeBatch.objects.get(reference=saved["batch"]),
            saved["truth"],
            saved["families"],
            saved["bodies"],
        )
    else:
        world = build_world(
            n_families=args.families,
            n_bodies=args.bodies,
            seed=args.seed,
            progress=lambda what: console.print(f"[{time.perf_counter() - t0:7.1f} s] {what}"),
        )
        if args.keep:
            _world_file(env).write_text(
                json.dumps(
                    {
                        "batch": world.batch.reference,
                        "truth": world.truth,
                        "families": world.families,
                        "bodies": world.bodies,
                    }
                )
            )
    seed_seconds = time.perf_counter() - t0
    out: dict[str, object] = {}
    for label in ("cold", "cached"):
        if label == "cold" and FamilyTableRow.objects.exists():  # a kept database keeps its cache
            with connection.cursor() as cur:  # insert-only (a trigger refuses it): the benchmark's own
                cur.execute("SET session_replication_role = replica")  # database, as its superuser
                cur.execute(f"TRUNCATE {FamilyTableRow._meta.db_table}")
                cur.execute("SET session_replication_role = DEFAULT")
        run = screening.start_run(actor=None, batch=world.batch)
        screening_pipeline.execute(run.pk)
        run.refresh_from_db()
        assert run.status == "done", run.error
        assert run.started_at is not None and run.finished_at is not None
        out[f"{label}_seconds"] = round((run.finished_at - run.started_at).total_seconds(), 2)
        secs = run.summary["seconds"]
        out[f"{label}_family_tables_seconds"] = secs.get("family tables", 0.0)
        out[f"{label}_screen_seconds"] = secs.get("screen", 0.0)
        out[f"{label}_joint_seconds"] = secs.get("joint identification", 0.0)
        out[f"{label}_reading_seconds"] = secs.get("reading", 0.0)
        out[f"{label}_tables_built"] = run.summary["tables_built"]
        out[f"{label}_tables_cached"] = run.summary["tables_cached"]
        console.print(f"{label}: {out[f'{label}_seconds']} s {secs}")
    concl = {
        c.profile.reference: (c.conclusion, c.family.reference if c.family else None)
        for c in BodyConclusion.objects.filter(run=run).select_related("profile", "family")
    }
    found = sum(
        1 for b, f in world.truth.items() if concl.get(b, ("", None)) in (("identified", f), ("probable", f))
    )
    false_undisputed = sum(
        1 for b, (what, fam) in concl.items() if what == "identified" and world.truth.get(b) != fam
    )
    out.update(
        families=world.families,
        bodies=world.bodies,
        planted=len(world.truth),
        candidates=ScreeningCandidate.objects.filter(run=run).count(),
        seed_seconds=round(seed_seconds, 1),
        recall=round(found / max(1, len(world.truth)), 4),
        false_undisputed=false_undisputed,
        cached_target_met=int(float(out["cached_seconds"]) <= 30),  # type: ignore[arg-type]
        cold_target_met=int(
            float(out["cold_seconds"]) <= float(out["cold_family_tables_seconds"]) + 30  # type: ignore[arg-type]
        ),
        cpu_count=os.cpu_count(),
        load_average=round(os.getloadavg()[0], 2),
    )
    return out


if __name__ == "__main__":
    main()
