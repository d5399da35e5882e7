"""kill -9 during ``homecoming import persons``, then the same command again (issue 10, item 18).

The quick version of ``benchmarks/import_crash.py``: a small seeded file, two kills at seeded random
moments, each round from an empty database; the real command in a subprocess. After each kill the
person rows are none or all and the digest is recorded exactly when they are all there; the audit
chain verifies; the rerun imports the file once or is refused as already imported — it never doubles.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "import_crash.py"


def _crash(backend: str, env: dict[str, str]) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--rows", "1500", "--kills", "2", "--seed", "7", "--backend", backend],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    figures = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    return figures


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    src = str(Path(__file__).resolve().parents[3] / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    return env


def _holds(figures: dict[str, str], backend: str) -> None:
    assert figures[f"{backend}_kills"] == "2"
    for check in ("partial_rows", "digest_mismatch", "chain_broken", "doubled", "rerun_wrong"):
        assert figures[f"{backend}_{check}"] == "0", (check, figures)


@pytest.mark.slow
def test_a_killed_person_import_is_all_or_nothing_and_a_rerun_never_doubles_on_sqlite() -> None:
    _holds(_crash("sqlite", _env()), "sqlite")


@pytest.mark.slow
@pytest.mark.postgres
def test_a_killed_person_import_is_all_or_nothing_and_a_rerun_never_doubles_on_postgresql() -> None:
    env = _env() | {"HOMECOMING_TEST_DATABASE_URL": os.environ["DATABASE_URL"]}
    _holds(_crash("postgresql", env), "postgresql")
