"""Registering a batch from a manifest: all or nothing, dry run, clashes, export; a killed import."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any

import pytest

from homecoming.app.audit.models import AuditRecord
from homecoming.app.remains import custody, importing
from homecoming.app.remains.models import CustodyEvent, IntakeBatch, RemainsUnit
from homecoming.errors import ImportFileError
from homecoming.io.intake import read_intake

MANIFEST = (
    "bag_number,kind,part_of,seal_number,condition\n"
    "C-1,commingled_container,,S-1,fragmented\n"
    "B-1,body,,S-2,decomposed\n"
    "P-1,body_part,C-1,,\n"
    "B-2,body,C-1,,\n"
)
BATCH = {
    "source": "recovery",
    "receiving_facility": "Facility North",
    "handed_over_by": "Sender",
    "received_by": "Morgue North",
    "containers_declared": 2,
}


def write(tmp_path: Path, text: str, name: str = "manifest.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_manifest_registers_units_links_custody_and_audit(tmp_path: Path, examiner: Any) -> None:
    report = importing.import_intake(actor=examiner, path=write(tmp_path, MANIFEST), batch_data=BATCH)
    batch = IntakeBatch.objects.get(reference=report.batch)
    units = {u.bag_number: u for u in batch.units.all()}
    assert report.units == 4 and set(units) == {"C-1", "B-1", "P-1", "B-2"}
    assert units["P-1"].parent_id == units["C-1"].pk and units["P-1"].parent_link == "part_of"
    assert units["B-2"].parent_link == "from_container"
    assert (
        CustodyEvent.objects.filter(unit__batch=batch).count() == 2
    )  # children start when the bag is opened
    assert custody.current(units["B-1"]).seal == "S-2"
    assert AuditRecord.objects.filter(action="import", object_type="remains.remainsunit").count() == 4
    rows = list(importing.export_rows(batch))
    assert [r["bag_number"] for r in rows] == ["C-1", "B-1", "P-1", "B-2"]
    assert rows[2]["part_of"] == "C-1" and rows[0]["seal_number"] == "S-1" and rows[0]["state"] == "received"


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(tmp_path: Path, examiner: Any) -> None:
    report = importing.import_intake(
        actor=examiner, path=write(tmp_path, MANIFEST), batch_data=BATCH, dry_run=True
    )
    assert report.dry_run and report.rows == 4
    assert IntakeBatch.objects.count() == RemainsUnit.objects.count() == AuditRecord.objects.count() - 1 == 0


@pytest.mark.django_db
def test_a_bad_row_imports_nothing_not_even_the_batch(tmp_path: Path, examiner: Any) -> None:
    bad = MANIFEST + "B-1,body,,,\nX-1,skeleton,,,\n"
    with pytest.raises(ImportFileError) as info:
        importing.import_intake(actor=examiner, path=write(tmp_path, bad), batch_data=BATCH)
    rows = {(p.row, p.field) for p in info.value.problems}
    assert rows == {(6, "bag_number"), (7, "kind")}
    assert IntakeBatch.objects.count() == RemainsUnit.objects.count() == 0


@pytest.mark.django_db
def test_bags_already_in_the_batch_refuse_the_file(
    tmp_path: Path, examiner: Any, batch: Any, bag: Any
) -> None:
    with pytest.raises(ImportFileError) as info:
        importing.import_intake(
            actor=examiner, path=write(tmp_path, "bag_number,kind\nBAG-1,body\nNEW-1,body\n"), batch=batch
        )
    [problem] = info.value.problems
    assert (problem.row, problem.field) == (2, "bag_number") and bag.reference in problem.message
    assert RemainsUnit.objects.count() == 1


# ------------------------------------------------------------------ a killed import leaves nothing

CHILD = textwrap.dedent("""
    import os, sys, time
    import django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.app.settings")
    django.setup()
    from pathlib import Path
    from homecoming.app.remains.importing import import_intake

    def progress(n):
        print("chunk", n, flush=True)
        time.sleep(30)  # the parent kills us here, half-way through the transaction

    import_intake(actor=None, path=Path(sys.argv[1]), progress=progress, batch_data={
        "source": "recovery", "receiving_facility": "F", "handed_over_by": "A", "received_by": "B"})
    print("finished", flush=True)
""")
COUNT = textwrap.dedent("""
    import os, django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.app.settings")
    django.setup()
    from homecoming.app.remains.models import CustodyEvent, IntakeBatch, RemainsUnit, UnitTransition
    from homecoming.app.audit.models import AuditRecord
    print(IntakeBatch.objects.count(), RemainsUnit.objects.count(), CustodyEvent.objects.count(),
          UnitTransition.objects.count(), AuditRecord.objects.filter(action="import").count())
""")


def _python(code: str, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _kill_mid_import(env: dict[str, str], manifest: Path) -> None:
    _python(
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'homecoming.app.settings'); "
        "django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0)",
        env,
    )
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(manifest)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as child:
        assert child.stdout is not None
        try:
            line = child.stdout.readline()
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
        assert line.startswith("chunk 250"), line
    assert child.returncode == -signal.SIGKILL
    assert _python(COUNT, env).split() == ["0", "0", "0", "0", "0"]


def _big_manifest(tmp_path: Path, n: int = 2000) -> Path:
    lines = ["bag_number,kind,seal_number"] + [f"K-{i:05d},body,S-{i}" for i in range(n)]
    path = write(tmp_path, "\n".join(lines) + "\n", "big.csv")
    assert len(read_intake(path)) == n
    return path


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(HOMECOMING_SECRET_KEY="test-only-secret-key-not-for-production", HOMECOMING_DEBUG="0", **extra)
    return env


@pytest.mark.slow
def test_an_intake_killed_half_way_leaves_nothing_on_sqlite(tmp_path: Path) -> None:
    _kill_mid_import(_env(HOMECOMING_DATA_DIR=str(tmp_path / "data")), _big_manifest(tmp_path))


@pytest.mark.slow
@pytest.mark.postgres
def test_an_intake_killed_half_way_leaves_nothing_on_postgresql(tmp_path: Path) -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = f"hc_kill_{uuid.uuid4().hex[:10]}"
    base, _, _ = url.rpartition("/")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        _kill_mid_import(_env(DATABASE_URL=f"{base}/{name}"), _big_manifest(tmp_path))
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
