"""Read DVI case files (JSON, ``kind: "dvi"``; see docs/methods/joint.md and the case format).

Victims are singletons keyed by victim id in ``samples``; families hold reference pedigrees whose
``typed`` members have samples keyed by member id and whose ``missing`` members are untyped.
``candidate_pairings`` gives each victim's candidate missing persons (default: sex-compatible).
Every problem raises one :class:`~homecoming.errors.CaseFileError` naming the key to fix.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from homecoming.errors import CaseFileError, HomecomingError, LimitError
from homecoming.kinship.dvi.assignments import components
from homecoming.kinship.dvi.identification import Identification, identify
from homecoming.kinship.dvi.joint import (
    DEFAULT_LIMIT,
    DviProblem,
    Family,
    Pairwise,
    count_component,
    pairwise,
)
from homecoming.kinship.dvi.joint_table import joint_table
from homecoming.kinship.formats.case import _load, _locus, number, shape_errors
from homecoming.kinship.model.markers import Profile
from homecoming.kinship.model.pedigree import Pedigree
from homecoming.provenance import digest


@dataclass(frozen=True)
class DviCase:
    """A parsed DVI case: the problem, its metadata and the raw document."""

    id: str
    title: str
    problem: DviProblem
    truth: tuple[tuple[str, str], ...] | None
    expected: Mapping[str, Any] | None
    document: Mapping[str, Any]


def _need(doc: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if key not in doc:
        raise CaseFileError(
            f"{where}: missing key {key!r}",
            field=f"{where}.{key}".lstrip("."),
            value=None,
            hint=f"add {key!r} (see the DVI case format)",
        )
    value = doc[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise CaseFileError(
            f"{where}.{key}: expected {names}".lstrip("."),
            field=f"{where}.{key}".lstrip("."),
            value=type(value).__name__,
        )
    return value


def _profile(samples: Mapping[str, Any], sample: str, where: str) -> Profile:
    if sample not in samples:
        raise CaseFileError(
            f"{where}: sample {sample!r} has no entry in 'samples'",
            field=where,
            value=sample,
            hint="add its genotypes to 'samples' or remove it from the list",
        )
    raw = samples[sample]
    if not isinstance(raw, Mapping):
        raise CaseFileError(
            f"samples.{sample}: expected an object marker -> genotype",
            field=f"samples.{sample}",
            value=type(raw).__name__,
        )
    try:
        return Profile.from_mapping(sample, raw)
    except HomecomingError as exc:
        raise CaseFileError(
            f"samples.{sample}: {exc.message}", field=f"samples.{sample}", value=exc.value, hint=exc.hint
        ) from None


def _family(raw: Any, k: int, samples: Mapping[str, Any]) -> Family:
    where = f"families[{k}]"
    if not isinstance(raw, Mapping):
        raise CaseFileError(f"{where}: expected an object", field=where, value=type(raw).__name__)
    name = str(_need(raw, "name", where, (str, int)))
    members = _need(raw, "members", where, list)
    try:
        ped = Pedigree.from_records(members)
    except HomecomingError as exc:
        raise CaseFileError(
            f"{where} ({name}).members: {exc.message}",
            field=f"{where}.members",
            value=exc.value,
            hint=exc.hint,
        ) from None
    typed = [str(t) for t in _need(raw, "typed", where, list)]
    missing = tuple(str(m) for m in _need(raw, "missing", where, list))
    for key, ids in (("typed", typed), ("missing", missing)):
        for ident in ids:
            if ident not in ped:
                raise CaseFileError(
                    f"{where} ({name}).{key}: {ident} is not a member",
                    field=f"{where}.{key}",
                    value=ident,
                    hint="add the member or fix the id",
                )
    refs = {t: _profile(samples, t, f"{where}.typed") for t in typed}
    return Family(name, ped, refs, missing)


def read_dvi_case(source: Path | str | Mapping[str, Any]) -> DviCase:
    """Parse a DVI case (path or already-loaded mapping)."""
    with shape_errors("the DVI case"):
        return _read_dvi_case(source)


def _read_dvi_case(source: Path | str | Mapping[str, Any]) -> DviCase:
    doc = _load(source)
    kind = doc.get("kind", "dvi")
    if kind != "dvi":
        raise CaseFileError(
            f"case kind is {kind!r}; this reads DVI cases",
            field="kind",
            value=kind,
            hint="use `homecoming kinship` for kind 'kinship'",
        )
    markers = _need(doc, "markers", "", list)
    samples = _need(doc, "samples", "", Mapping)
    loci = [_locus(m, k) for k, m in enumerate(markers)]
    victims_raw = _need(doc, "victims", "", list)
    victims, sexes = [], {}
    for k, v in enumerate(victims_raw):
        where = f"victims[{k}]"
        if not isinstance(v, Mapping):
            raise CaseFileError(f"{where}: expected an object", field=where, value=type(v).__name__)
        vid = str(_need(v, "id", where, (str, int)))
        sexes[vid] = str(v.get("sex", "unknown"))
        if sexes[vid] not in ("male", "female", "unknown"):
            raise CaseFileError(
                f"{where}.sex: unknown sex",
                field=f"{where}.sex",
                value=sexes[vid],
                hint="use 'male', 'female' or 'unknown'",
            )
        victims.append(_profile(samples, vid, where))
    families = [_family(f, k, samples) for k, f in enumerate(_need(doc, "families", "", list))]
    pairings = doc.get("candidate_pairings")
    candidates: dict[str, list[str]] | None = None
    allow: dict[str, bool] = {}
    if pairings is not None:
        if not isinstance(pairings, Mapping):
            raise CaseFileError(
                "candidate_pairings: expected an object victim -> {candidates}",
                field="candidate_pairings",
                value=type(pairings).__name__,
            )
        candidates = {}
        for vid, entry in pairings.items():
            where = f"candidate_pairings.{vid}"
            if not isinstance(entry, Mapping):
                raise CaseFileError(f"{where}: expected an object", field=where, value=type(entry).__name__)
            candidates[str(vid)] = [str(m) for m in _need(entry, "candidates", where, list)]
            allow[str(vid)] = bool(entry.get("allow_unassigned", True))
        unknown = sorted(set(candidates) - set(sexes))
        if unknown:
            raise CaseFileError(
                f"candidate_pairings: {unknown[0]} is not a victim",
                field="candidate_pairings",
                value=unknown[0],
                hint="list pairings only for ids in 'victims'",
            )
    try:
        problem = DviProblem.make(
            victims,
            families,
            loci=loci,
            victim_sex=sexes,
            candidates=candidates,
            allow_unassigned=allow,
            theta=number(doc.get("theta", 0.0), "theta"),
        )
    except CaseFileError:
        raise
    except HomecomingError as exc:
        raise CaseFileError(
            str(exc).splitlines()[0], field=exc.field, value=exc.value, hint=exc.hint
        ) from None
    truth = doc.get("truth")
    pairs = None
    if isinstance(truth, Mapping) and isinstance(truth.get("pairs"), list):
        pairs = tuple((str(a), str(b)) for a, b in truth["pairs"])
    return DviCase(
        str(doc.get("id", "")), str(doc.get("title", "")), problem, pairs, doc.get("expected"), doc
    )


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


def _joint_block(problem: DviProblem, pw: Pairwise, limit: int) -> dict[str, Any]:
    try:
        jt = joint_table(problem, limit=limit, pw=pw)
    except LimitError as exc:
        return {"skipped": str(exc)}
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
    return {
        "function": "homecoming.kinship.joint_table (mutation models on, all candidate pairings)",
        "n_assignments": jt.n_assignments,
        "n_rows_included": len(rows),
        "loglik_logsumexp": jt.loglik_logsumexp,
        "null_assignment": {"rank": jt.null_rank, "loglik": jt.loglik_null},
        "rows": rows,
        "pair_probabilities": _pair_matrix(problem, jt.pair_probabilities(), log=False),
        "generalised_lr": _pair_matrix(problem, jt.generalised_lrs(), log=True),
    }


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
        count_component(problem, c)
        for c in components(problem.candidates, problem.missing_family, len(problem.families))
    ]
    exact = all(kind == "exact" for _n, kind in comps)
    present = ~np.isnan(pw.log_lr)
    ident = identify(problem, threshold=threshold, max_incompatible=max_incompatible, limit=limit, pw=pw)
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
        "joint": _joint_block(problem, pw, limit),
        "identification": _identification_block(ident),
        "notes": list(problem.notes),
        "case_digest": digest({k: v for k, v in parsed.document.items() if k != "expected"}),
    }
