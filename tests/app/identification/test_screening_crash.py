"""kill -9 the real ``homecoming worker`` mid-run, start it again (issue 12): no half-stored results,
the job runs again to the end and gives what an uninterrupted run gives. The quick version of
``benchmarks/screening_crash.py`` (a fresh database of its own, the real commands as subprocesses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "screening_crash.py"


def _crash(backend: str, env: dict[str, str]) -> dict[str, str]:
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--backend",
            backend,
            "--families",
            "120",
            "--bodies",
            "12",
            "--seed",
            "5",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    src = str(Path(__file__).resolve().parents[3] / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    return env


def _holds(f: dict[str, str]) -> None:
    assert f["not_killed"] == "0", f  # the kill came while the family tables were being built
    assert f["partial_results"] == "0", f
    assert f["requeued"] == "1" and f["rerun_done"] == "1" and f["attempts"] == "2", f
    assert f["conclusions_missing"] == "0", f
    assert f["rerun_differs"] == "0" and f["wait_shows_conclusions"] == "1", f
    assert f["tables_cached"] == f["missing_persons"] == "120", f


@pytest.mark.slow
def test_a_killed_worker_leaves_no_results_and_the_job_runs_again_on_sqlite() -> None:
    _holds(_crash("sqlite", _env()))


@pytest.mark.slow
@pytest.mark.postgres
def test_a_killed_worker_leaves_no_results_and_the_job_runs_again_on_postgresql() -> None:
    _holds(_crash("postgresql", _env() | {"HOMECOMING_TEST_DATABASE_URL": os.environ["DATABASE_URL"]}))
