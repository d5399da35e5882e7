"""DVI case files: reading, clear errors, and the ``homecoming dvi`` command."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from homecoming.commands.dvi import dvi_command
from homecoming.errors import CaseFileError
from homecoming.kinship.cases import run_dvi_case
from homecoming.kinship.formats.dvi import read_dvi_case
from shared_data import KINSHIP_CASES

EXAMPLE1 = KINSHIP_CASES / "dvi-builtin-example1.json"
EXAMPLE2 = KINSHIP_CASES / "dvi-builtin-example2.json"


def _doc() -> dict[str, Any]:
    return json.loads(EXAMPLE2.read_text())


def app() -> typer.Typer:
    a = typer.Typer()
    a.command()(dvi_command)
    return a


def test_reads_victims_families_and_candidates() -> None:
    case = read_dvi_case(EXAMPLE2)
    p = case.problem
    assert p.victim_ids == ("V1", "V2", "V3")
    assert p.missing == ("M1", "M2", "M3")
    assert [f.name for f in p.families] == ["F1", "F2"]
    assert p.candidates == ((0, 1), (0, 1), (2,))
    assert p.victim_sex == ("male", "male", "female")
    assert set(p.families[1].references) == {"R2"}


def test_default_candidates_are_sex_compatible() -> None:
    doc = _doc()
    del doc["candidate_pairings"]
    p = read_dvi_case(doc).problem
    assert p.candidates == ((0, 1), (0, 1), (2,))  # M3 is the only female missing person


@pytest.mark.parametrize(
    ("change", "text"),
    [
        (lambda d: d.pop("victims"), "missing key 'victims'"),
        (lambda d: d["families"][0].pop("missing"), "families[0]: missing key 'missing'"),
        (lambda d: d["families"][0]["typed"].append("XX"), "typed: XX is not a member"),
        (lambda d: d["samples"].pop("R2"), "sample 'R2' has no entry in 'samples'"),
        (lambda d: d["candidate_pairings"]["V1"]["candidates"].append("M9"), "M9 is not a missing person"),
        (lambda d: d["candidate_pairings"].update({"V9": {"candidates": []}}), "V9 is not a victim"),
        (lambda d: d["victims"][0].update({"sex": "m?"}), "victims[0].sex: unknown sex"),
        (lambda d: d.update({"kind": "kinship"}), "this reads DVI cases"),
    ],
)
def test_bad_case_names_the_key(change: Any, text: str) -> None:
    doc = _doc()
    change(doc)
    with pytest.raises(CaseFileError) as info:
        read_dvi_case(doc)
    assert text in str(info.value)


def test_run_dvi_case_has_the_expected_keys() -> None:
    out = run_dvi_case(EXAMPLE2)
    want = json.loads(EXAMPLE2.read_text())["expected"]
    assert out["loglik_null"] == pytest.approx(want["loglik_null"], abs=1e-12)
    assert out["pairwise_lr"]["values"][0][2] is None
    assert out["exclusion_matrix"]["values"] == want["exclusion_matrix"]["values"]
    assert out["n_assignments"] == want["n_assignments"]
    assert out["joint"]["n_assignments"] == 14
    assert len(out["joint"]["rows"]) == 14
    assert sum(r["posterior_flat_prior"] for r in out["joint"]["rows"]) == pytest.approx(1.0, abs=1e-12)
    ident = out["identification"]
    assert ident["best_assignment"] == [["V1", "M1"], ["V2", "M2"], ["V3", "M3"]]
    assert {"undisputed", "pair_probabilities", "generalised_lr", "components"} <= set(ident)


def test_cli_json_matches_reference_numbers() -> None:
    result = CliRunner().invoke(app(), [str(EXAMPLE1), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    want = json.loads(EXAMPLE1.read_text())["expected"]
    for row, ref in zip(out["pairwise_lr"]["values"], want["pairwise_lr"]["values"], strict=True):
        assert row == pytest.approx(ref, rel=1e-9)
    assert out["joint"]["loglik_logsumexp"] == pytest.approx(want["joint"]["loglik_logsumexp"], abs=1e-10)
    lls = sorted(-math.inf if r["loglik"] == "-Inf" else r["loglik"] for r in out["joint"]["rows"])
    ref_lls = sorted(-math.inf if r["loglik"] == "-Inf" else r["loglik"] for r in want["joint"]["rows"])
    assert lls == pytest.approx(ref_lls, abs=1e-10)


def test_cli_table_and_bad_file() -> None:
    result = CliRunner().invoke(app(), [str(EXAMPLE1)])
    assert result.exit_code == 0 and "V1=M3, V2=M1, V3=M2" in result.stdout


def test_cli_bad_file_is_one_line_with_exit_code(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "dvi"}')
    result = CliRunner().invoke(app(), [str(bad)])
    assert result.exit_code == 2
    assert "missing key 'markers'" in result.output and "Traceback" not in result.output


def test_over_the_limit_every_answer_that_needs_no_full_table_still_comes_back() -> None:
    """As dvir's dviSolve: with a limit below the batch's 14 assignments the joint table is skipped
    with the limit named, and the pairwise LRs, exclusions, undisputed matches and each component's
    result (maximum-likelihood matching, limit named) are still given, equal to the unlimited run."""
    full = run_dvi_case(EXAMPLE2, threshold=1e30)
    out = run_dvi_case(EXAMPLE2, threshold=1e30, limit=3)
    assert "limit of 3" in out["joint"]["skipped"]
    assert out["pairwise_lr"] == full["pairwise_lr"]
    assert out["exclusion_matrix"] == full["exclusion_matrix"]
    assert out["n_assignments"] == full["n_assignments"] == {"size": 14, "type": "exact"}
    ident = out["identification"]
    assert ident["limit"] == 3 and ident["undisputed"] == full["identification"]["undisputed"] == []
    over = [c for c in ident["components"] if c["n_assignments"]["size"] > 3]
    assert over, ident["components"]
    for comp in over:
        assert comp["method"] == "approximate: ML by bipartite matching"
        assert "exceed the limit of 3" in comp["note"]
        assert comp["posterior_best"] is None
    assert ident["best_assignment"]


def test_dvi_command_gives_every_victim_a_conclusion_and_never_calls_the_best_assignment_one() -> None:
    """example1: the best assignment pairs all three victims, but none is identified (dviSolve agrees)."""
    from typer.testing import CliRunner

    from homecoming.cli import app

    got = CliRunner().invoke(app, ["dvi", str(KINSHIP_CASES / "dvi-builtin-example1.json"), "--json"])
    assert got.exit_code == 0, got.output
    result = json.loads(got.output)
    words = {c["victim"]: c["conclusion"] for c in result["conclusions"]["victims"]}
    assert words == {"V1": "inconclusive", "V2": "inconclusive", "V3": "inconclusive"}
    assert result["identification"]["best_assignment"]  # there is a best guess, and it is not a conclusion
    shown = CliRunner().invoke(
        app, ["dvi", str(KINSHIP_CASES / "dvi-builtin-example1.json")], env={"COLUMNS": "200"}
    )
    assert "not an identification" in shown.output
    assert "inconclusive: best LR 20 (M2)" in shown.output
