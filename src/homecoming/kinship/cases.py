"""Run a case file: the answer in the shape of a case's ``expected`` block (kinship and DVI).

The formats (:mod:`.formats.case`, :mod:`.formats.dvi`) only parse and write; this module asks the
questions (:func:`.lr.kinship_lr`, :func:`.dvi.identification.identify`, :func:`.dvi.joint_table.joint_table`)
and lays their results out as the case format's ``expected`` block. The ``homecoming kinship`` and
``homecoming dvi`` commands call it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from homecoming.errors import LimitError
from homecoming.kinship.dvi.assignments import OptionSet, components
from homecoming.kinship.dvi.identification import Identification, identify
from homecoming.kinship.dvi.joint import DEFAULT_LIMIT, DviProblem, Pairwise, count_component, pairwise
from homecoming.kinship.dvi.joint_table import joint_table
from homecoming.kinship.formats.case import KinshipCase, read_case
from homecoming.kinship.formats.dvi import DviCase, read_dvi_case
from homecoming.kinship.lr import LRResult, kinship_lr
from homecoming.provenance import digest


def case_lr(case: KinshipCase) -> LRResult:
    return kinship_lr(
        case.hypotheses,
        profiles=case.profiles,
        loci=case.loci,
        numerator=case.numerator,
        denominator=case.denominator,
        theta=case.theta,
        frequency_table=f"case:{case.id}",
    )


def run_kinship_case(case: KinshipCase | Path | str | Mapping[str, Any]) -> dict[str, Any]:
    """The answer in the shape of the case's ``expected`` block, plus model and provenance (floats raw;
    use :func:`jsonable` before writing JSON)."""
    parsed = case if isinstance(case, KinshipCase) else read_case(case)
    result = case_lr(parsed).as_dict()
    result["case"] = parsed.id
    result["case_digest"] = digest({k: v for k, v in parsed.document.items() if k != "expected"})
    return result


def _matrix(problem: DviProblem, values: Any, present: Any) -> dict[str, Any]:
    return {
        "rows": list(problem.victim_ids),
        "cols": list(problem.missing),
        "values": [
            [float(values[v][m]) if present[v][m] else None for m in range(len(problem.missing))]
            for v in range(len(problem.victims))
        ],
    }


def _pair_matrix(problem: DviProblem, table: Mapping[tuple[int, int], float], *, log: bool) -> dict[str, Any]:
    vals = np.full((len(problem.victims), len(problem.missing)), np.nan)
    for (v, m), x in table.items():
        vals[v, m] = math.exp(x) if log and not math.isnan(x) else x
    return _matrix(problem, vals, ~np.isnan(vals))


def _joint_block(
    problem: DviProblem, pw: Pairwise, limit: int
) -> tuple[dict[str, Any], dict[int, OptionSet]]:
    """The joint table's block, and its families' option sets (for the identification to reuse)."""
    try:
        jt = joint_table(problem, limit=limit, pw=pw)
    except LimitError as exc:
        return {"skipped": str(exc)}, {}
    known = {opts.family: opts for e in jt.components for opts in e.option_sets}
    ids, ms = problem.victim_ids, problem.missing
    best = jt.rows[0][1] if jt.rows else math.nan
    rows = [
        {
            "rank": k + 1,
            "pairs": [[ids[v], ms[m]] for v, m in pairs],
            "loglik": ll,
            "lr_best_vs_this": math.exp(best - ll) if ll > -math.inf else math.inf,
            "log_lr_vs_null": ll - jt.loglik_null,
            "posterior_flat_prior": jt.posterior(ll),
        }
        for k, (pairs, ll) in enumerate(jt.rows)
    ]
    block = {
        "function": "homecoming.kinship.joint_table (mutation models on, all candidate pairings)",
        "n_assignments": jt.n_assignments,
        "n_rows_included": len(rows),
        "loglik_logsumexp": jt.loglik_logsumexp,
        "null_assignment": {"rank": jt.null_rank, "loglik": jt.loglik_null},
        "rows": rows,
        "pair_probabilities": _pair_matrix(problem, jt.pair_probabilities(), log=False),
        "generalised_lr": _pair_matrix(problem, jt.generalised_lrs(), log=True),
    }
    return block, known


def _identification_block(ident: Identification) -> dict[str, Any]:
    problem = ident.problem
    probs: dict[tuple[int, int], float] = {}
    glrs: dict[tuple[int, int], float] = {}
    comps = []
    for c in ident.components:
        probs |= c.pair_probabilities
        glrs |= c.log_glr
        comps.append(
            {
                "victims": [problem.victim_ids[v] for v in c.victims],
                "families": [problem.families[f].name for f in c.families],
                "method": c.method,
                "n_assignments": {"size": c.n_assignments, "type": c.count_type},
                "best": ident.named(list(c.best)),
                "log_lr_best_vs_null": c.best_log_lr,
                "posterior_best": c.posterior_best,
                "note": c.note,
            }
        )
    lr = ident.pairwise.lr
    return {
        "threshold": ident.threshold,
        "max_incompatible": ident.max_incompatible,
        "limit": ident.limit,
        "excluded": ident.named(list(ident.excluded)),
        "undisputed": [
            {"victim": problem.victim_ids[v], "missing": problem.missing[m], "lr": float(lr[v, m])}
            for v, m in ident.undisputed
        ],
        "components": comps,
        "best_assignment": ident.named(list(ident.best_pairs)),
        "pair_probabilities": _pair_matrix(problem, probs, log=False),
        "generalised_lr": _pair_matrix(problem, glrs, log=True),
    }


def _conclusions_block(
    problem: DviProblem, *, threshold: float, max_incomp: int, limit: int
) -> dict[str, Any]:
    """Every victim's and missing person's conclusion (dviSolve's workflow, ``dvi/conclusions.py``): a best
    assignment is not an identification; only ``identified`` is."""
    from dataclasses import asdict

    from homecoming.kinship.dvi.conclusions import conclude

    got = conclude(problem, threshold=threshold, max_incomp=max_incomp, limit=limit)
    return {
        "victims": [asdict(c) for c in got.victims],
        "missing": [asdict(c) for c in got.missing],
        "parameters": dict(got.parameters),
    }


def run_dvi_case(
    case: DviCase | Path | str | Mapping[str, Any],
    /,
    *,
    limit: int = DEFAULT_LIMIT,
    threshold: float = 1e4,
    max_incompatible: int = 2,
) -> dict[str, Any]:
    """The answer in the shape of a DVI case's ``expected`` block plus the identification (floats raw;
    use :func:`~homecoming.kinship.formats.case.jsonable` before writing JSON)."""
    parsed = case if isinstance(case, DviCase) else read_dvi_case(case)
    problem = parsed.problem
    pw = pairwise(problem)
    comps = [
        count_component(problem, c, stop_above=limit)
        for c in components(problem.candidates, problem.missing_family, len(problem.families))
    ]
    exact = all(kind == "exact" for _n, kind in comps)
    present = ~np.isnan(pw.log_lr)
    joint, known = _joint_block(problem, pw, limit)
    ident = identify(
        problem, threshold=threshold, max_incompatible=max_incompatible, limit=limit, pw=pw, known=known
    )
    components_ll = {v: float(pw.victim_logliks[i].sum()) for i, v in enumerate(problem.victim_ids)}
    components_ll |= {f.name: float(pw.family_logliks[k].sum()) for k, f in enumerate(problem.families)}
    return {
        "case": parsed.id,
        "loglik_null": pw.loglik_null,
        "loglik_components": components_ll,
        "pairwise_lr": _matrix(problem, pw.lr, present),
        "exclusion_matrix": _matrix(problem, pw.exclusions, present),
        "n_assignments": {
            "size": math.prod(n for n, _k in comps),
            "type": "exact" if exact else "lower bound",
        },
        "joint": joint,
        "identification": _identification_block(ident),
        "conclusions": _conclusions_block(
            problem, threshold=threshold, max_incomp=max_incompatible, limit=limit
        ),
        "notes": list(problem.notes),
        "case_digest": digest({k: v for k, v in parsed.document.items() if k != "expected"}),
    }
