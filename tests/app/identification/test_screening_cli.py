"""``homecoming identify batch REF``: queue a screening run from the command line (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from homecoming.app.identification.models_screening import RunStatus, ScreeningRun
from homecoming.app.identification.synthetic import build_world
from homecoming.cli import app

pytestmark = pytest.mark.django_db


def test_identify_batch_queues_a_run_for_the_worker(make_user: Any) -> None:
    make_user("dna_analyst", "cli-analyst")
    world = build_world(n_families=3, n_bodies=2, seed=2)
    result = CliRunner().invoke(
        app, ["identify", "batch", world.batch.reference, "--as", "cli-analyst", "--top", "3"]
    )
    assert result.exit_code == 0, result.output
    run = ScreeningRun.objects.get()
    assert f"{run.reference}: queued (batch {world.batch.reference}, scope domestic)" in result.output
    assert run.status == RunStatus.queued and run.parameters["top"] == 3
    assert run.requested_by.username == "cli-analyst" and run.task_id


def test_an_unknown_batch_or_a_bad_parameter_is_one_line_and_queues_nothing(make_user: Any) -> None:
    world = build_world(n_families=3, n_bodies=2, seed=2)
    unknown = CliRunner().invoke(app, ["identify", "batch", "IB-NOPE"])
    assert unknown.exit_code != 0 and "no intake batch 'IB-NOPE'" in unknown.output
    bad = CliRunner().invoke(app, ["identify", "batch", world.batch.reference, "--threshold", "0.5"])
    assert bad.exit_code != 0 and "threshold" in bad.output and "must be an LR above 1" in bad.output
    assert not ScreeningRun.objects.exists()
