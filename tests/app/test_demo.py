"""The demo database: synthetic persons with stories, the public 2025 ledger and a synthetic intake batch."""

from __future__ import annotations

import pytest

from homecoming.app.audit import services as audit
from homecoming.app.demo import build_demo
from homecoming.app.exchanges.models import Agreement, Operation
from homecoming.app.registry.models import NameForm, Person
from homecoming.app.remains.models import RemainsUnit, Sample

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_part_and_an_intact_audit_chain() -> None:
    assert build_demo(persons=12, seed=7) == 12
    assert Person.objects.count() == 12
    assert NameForm.objects.filter(script="cyrillic").count() == 12
    assert NameForm.objects.filter(script="latin", kind="transliteration").count() == 12
    assert Agreement.objects.filter(reference="IST-2025-06").exists()
    assert Operation.objects.filter(reference="REM-2025-09-18").exists()
    assert RemainsUnit.objects.filter(bag_number__startswith="DEMO-BAG-", parent__isnull=True).count() == 20
    assert RemainsUnit.objects.filter(parent__isnull=False).count() == 3
    assert Sample.objects.count() == 1
    report = audit.verify()
    assert report.ok and report.checked > 100


def test_building_twice_adds_nothing() -> None:
    build_demo(persons=3, seed=1)
    units = RemainsUnit.objects.count()
    assert build_demo(persons=3, seed=1) == 0
    assert Person.objects.count() == 3 and RemainsUnit.objects.count() == units


def test_the_demo_shows_a_manifest_that_disagrees_with_the_sourced_figure() -> None:
    from homecoming.app.exchanges import findings, ledger

    build_demo(persons=2, seed=3)
    agreement = Agreement.objects.get(reference="IST-2025-06")
    ua = next(s for s in ledger.compute(agreement).series if s.receiving == "UA")
    assert (ua.delivered, ua.total_with_undated) == (3000, 9000)  # the sourced 1,000 is kept
    [d] = ua.disagreements
    assert (d.operation, d.figure_value, d.manifest_count) == ("REM-2025-09-18", 1000, 21)
    [found] = findings.for_agreement(agreement).of_kind("manifest_disagrees_with_figure")
    assert "lists 21 delivered" in found.message
    assert [
        f.detail["bag_number"] for f in findings.for_agreement(agreement).of_kind("line_without_remains")
    ] == ["DEMO-BAG-021"]


def test_the_demo_command_builds_and_says_the_demo_asks_no_authenticator_code(tmp_path) -> None:
    """`homecoming demo --no-serve`: the shared demo users log in with the password alone, and it says so."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOMECOMING_", "DATABASE_URL"))}
    env["HOMECOMING_DATA_DIR"] = str(tmp_path / "demo")
    done = subprocess.run(
        [sys.executable, "-m", "homecoming.cli", "demo", "--no-serve", "--persons", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "no authenticator code is asked for" in done.stdout
    assert (tmp_path / "demo" / "homecoming.sqlite3").exists()
