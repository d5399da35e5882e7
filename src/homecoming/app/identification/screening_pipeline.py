"""The screening job: screen an intake batch against every family in scope, then identify the batch jointly.

:func:`~homecoming.app.identification.screening.start_run` records a :class:`ScreeningRun` and queues
its job; the worker (``homecoming worker``) runs :func:`execute`, which:

1. reads the batch's bodies (one per person: grouped units) and the missing persons of the families in
   the run's consent scope (:mod:`~homecoming.app.identification.screening_data`);
2. takes every family's screening table from the cache, building only the families that changed
   (:mod:`~homecoming.app.identification.screening_tables`);
3. screens every body against every missing person (:func:`homecoming.kinship.screen.screen`: the
   ``top`` best per body with exact LRs and inconsistent markers);
4. identifies the batch jointly on the shortlist (:func:`homecoming.kinship.dvi.identification.identify`:
   exclusions, undisputed matches, components, posterior pairing probabilities; beyond ``limit``
   assignments a component gets the ML assignment with a note saying so); pairs of a known-sex body
   with a missing person of the other sex are left out of the joint identification;
5. weighs every candidate's non-DNA evidence (sex, age, place and date) and its posterior with the
   prior 1/N, N the missing persons in scope (:mod:`~homecoming.app.identification.screening_evidence`);
6. stores every candidate and every body's conclusion in ONE transaction, after checking again which
   families are still in scope (a family whose consent was withdrawn during the job is screened out
   and the identification redone without it). A run already stored is never stored twice.

Progress (stage, done of total, a heartbeat) is written as the job goes, outside that transaction.

**Conclusions**: every body gets one by :func:`homecoming.kinship.dvi.conclusions.conclude` (dvir's
``dviSolve`` rules: identified, probable, inconclusive, no_match, excluded, with the rule applied) on the
same shortlist; a body no missing person in scope is a candidate of (LR > 1) is ``no_match``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from homecoming import __version__
from homecoming.app import bulk
from homecoming.app.audit import services as audit
from homecoming.app.genetics.family_power import frequency_table
from homecoming.app.identification.models_screening import (
    BodyConclusion,
    RunStatus,
    ScreeningCandidate,
    ScreeningRun,
)
from homecoming.app.identification.report_evidence import mutation
from homecoming.app.identification.screening_data import (
    Body,
    MarkerNames,
    Target,
    batch_bodies,
    dvi_families,
    load_targets,
    scope_family_ids,
    scope_targets,
)
from homecoming.app.identification.screening_evidence import Evidence
from homecoming.app.identification.screening_tables import TableStats, cached_tables
from homecoming.errors import StateError
from homecoming.kinship.dvi.conclusions import Conclusions, conclude
from homecoming.kinship.dvi.identification import Identification, identify
from homecoming.kinship.dvi.joint import DviProblem, Pairwise, victim_logliks
from homecoming.kinship.model.markers import reconcile_loci
from homecoming.kinship.screen import ScreenResult, ScreenTables, screen
from homecoming.provenance import Provenance, digest

Report = Callable[[str, int, int], None]


# ------------------------------------------------------------------------------------------------ progress
class Progress:
    """Writes the run's stage, done/total and heartbeat (outside transactions): each new stage at once,
    then at most twice a second, and when a stage is complete."""

    def __init__(self, run_pk: int, worker: str = "") -> None:
        self.run_pk, self.worker, self.last = run_pk, worker, 0.0
        self.began: dict[str, float] = {}
        self.written = ""  # the stage last written: a new stage is always written at once

    def timings(self) -> dict[str, float]:
        """Seconds spent in each stage so far (each until the next began; the last until now)."""
        marks = [*self.began.items(), ("", time.monotonic())]
        return {name: round(marks[k + 1][1] - t, 3) for k, (name, t) in enumerate(marks[:-1])}

    def __call__(self, stage: str, done: int, total: int, *, force: bool = False) -> None:
        now = time.monotonic()
        self.began.setdefault(stage, now)
        if not force and stage == self.written and now - self.last < 0.5 and done < total:
            return
        self.last, self.written = now, stage
        ScreeningRun.objects.filter(pk=self.run_pk).update(
            stage=stage, done=done, total=total, heartbeat=timezone.now()
        )


# ------------------------------------------------------------------------------------------------ the job
@dataclass
class Outcome:
    bodies: list[Body]
    targets: list[Target]
    result: ScreenResult
    ident: Identification | None
    named: dict[str, Target]
    stats: TableStats
    problem: DviProblem | None
    conclusions: Conclusions | None = None


def execute(run_pk: int, *, worker: str = "") -> str:
    """Run the job of run ``run_pk`` (see the module docstring); its reference's status at the end."""
    run = ScreeningRun.objects.select_related("batch").get(pk=run_pk)
    if run.status == RunStatus.done:
        return run.status
    ScreeningRun.objects.filter(pk=run_pk).update(
        status=RunStatus.running,
        attempts=run.attempts + 1,
        started_at=timezone.now(),
        worker=worker[:64],
        heartbeat=timezone.now(),
        error="",
    )
    report = Progress(run_pk, worker)
    try:
        outcome, tables = _compute(run, report)
        for _attempt in range(5):
            withdrawn = _store(run_pk, outcome, tables, report.timings())
            if not withdrawn:
                return RunStatus.done
            keep = [i for i, t in enumerate(outcome.targets) if t.family_pk not in withdrawn]
            tables = tables.select(keep)
            outcome = _identify(
                run, outcome.bodies, [outcome.targets[i] for i in keep], tables, outcome.stats, report
            )
        raise StateError(
            "consent kept changing while the results were stored", field="scope", value=run.scope
        )
    except Exception as exc:
        ScreeningRun.objects.filter(pk=run_pk).update(
            status=RunStatus.failed, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise


def _compute(run: ScreeningRun, report: Report) -> tuple[Outcome, ScreenTables]:
    p = run.parameters
    table = frequency_table()
    names = MarkerNames(table)
    report("reading", 0, 1)
    bodies = batch_bodies(run.batch, names)
    targets = scope_targets(run.scope, names)
    # the markers screened are the table's markers typed in the batch's bodies: a marker no body has
    # changes no body's LR, and the families' profiles are read only for the tables to build
    markers = sorted({m for b in bodies for m in b.kin.genotypes})
    # the mutation model of the reports (settings.IDENTIFICATION_MUTATION): a candidate's LR is the report's
    loci, _notes = reconcile_loci(table.loci(markers, mutation=mutation()), [b.kin for b in bodies])
    tables, stats = cached_tables(
        targets,
        loci=loci,
        theta=p["theta"],
        frequency_table=table.id,
        load=lambda some: load_targets(some, names, markers),
        progress=lambda k, n: report("family tables", k, n),
    )
    if stats.left_out:  # a family whose table cannot be built is named in the summary, not screened
        targets = [t for t in targets if t.name not in stats.left_out]
    return _identify(run, bodies, targets, tables, stats, report), tables


def _identify(
    run: ScreeningRun,
    bodies: list[Body],
    targets: list[Target],
    tables: ScreenTables,
    stats: TableStats,
    report: Report,
) -> Outcome:
    p = run.parameters
    kin = [b.kin for b in bodies]
    result = screen(
        tables,
        kin,
        top=p["top"],
        top_bodies=0,
        threshold=p["threshold"],
        progress=lambda k, n: report("screen", k, n),
    )
    report("joint identification", 0, 1, force=True)
    named = {t.dvi_name: t for t in targets}
    by_id = {t.name: t for t in targets}
    cands: dict[str, list[str]] = {}
    for b in bodies:
        keep = []
        for c in result.for_body(b.profile):
            name = by_id[c.family].dvi_name
            sex = named[name].missing_sex
            if c.lr > 1 and (b.sex == "unknown" or sex == 0 or sex == (1 if b.sex == "male" else 2)):
                keep.append(name)
        cands[b.profile] = keep
    # only the families some body is a candidate of take part (the others add nothing to any assignment)
    wanted = {named[m].family_pk for keep in cands.values() for m in keep}
    taking_part = [t for t in targets if t.family_pk in wanted]
    load_targets(taking_part, MarkerNames(frequency_table()), tables.markers)
    families, _named = dvi_families(taking_part)
    ident = problem = concl = None
    if bodies and families:
        problem = DviProblem.make(
            kin,
            families,
            loci=tables.loci,
            victim_sex={b.profile: b.sex for b in bodies},
            candidates=cands,
            theta=p["theta"],
        )
        pw, known = _pairwise(problem, result, by_id)
        ident = identify(
            problem,
            threshold=p["threshold"],
            max_incompatible=p["max_incompatible"],
            limit=p["limit"],
            pw=pw,
        )
        concl = conclude(
            problem,
            threshold=p["threshold"],
            max_incomp=p["max_incompatible"],
            limit=p["limit"],
            known=known,
        )
    report("joint identification", 1, 1, force=True)
    return Outcome(bodies, targets, result, ident, named, stats, problem, concl)


def _pairwise(
    problem: DviProblem, result: ScreenResult, by_id: dict[str, Target]
) -> tuple[Pairwise, dict[tuple[int, str], tuple[float, int]]]:
    """The joint identification's pairwise LRs and exclusions, from the screen's exact rescoring (the same
    numbers as ``kinship.dvi.joint.pairwise``, tested against ``missing_person_lr``) instead of computing
    every pair again; the victims' singleton likelihoods from the engine. The families' own likelihoods
    are not needed by ``identify`` (they only enter the null's total), so they are left at 0. Also the
    same pairs as ``conclude``'s ``known`` (victim index, missing person) -> (LR, exclusions)."""
    col = {m: j for j, m in enumerate(problem.missing)}
    log_lr = np.full((len(problem.victims), len(problem.missing)), math.nan)
    excl = np.full(log_lr.shape, -1, dtype=np.intp)
    known: dict[tuple[int, str], tuple[float, int]] = {}
    for v, name in enumerate(problem.victim_ids):
        for c in result.for_body(name):
            j = col.get(by_id[c.family].dvi_name)
            if j is not None and j in problem.candidates[v]:
                log_lr[v, j], excl[v, j] = math.log(c.lr) if c.lr > 0 else -math.inf, c.exclusions
                known[(v, problem.missing[j])] = (c.lr, c.exclusions)
    fll = np.zeros((len(problem.families), len(problem.loci)))
    return Pairwise(log_lr, excl, victim_logliks(problem), fll), known


# ------------------------------------------------------------------------------------------------ store
def _joint(outcome: Outcome) -> dict[str, Any]:
    """Per victim: undisputed pair, best pair, its component and method, pairing probabilities, GLRs."""
    ident, problem = outcome.ident, outcome.problem
    out: dict[str, Any] = {"victims": {}, "components": [], "notes": [], "undisputed": []}
    if ident is None or problem is None:
        return out
    vid, ms = problem.victim_ids, problem.missing
    per: dict[str, dict[str, Any]] = {v: {"probs": {}, "glr": {}} for v in vid}
    # "undisputed" is the conclusion's (dviSolve: step by step, each identified body a reference for the
    # next, and GLR matches), so the column and the conclusion "identified" always agree; the joint
    # identification's one-step undisputed pairs are a subset of them
    concl = outcome.conclusions
    for name in vid:
        vc = concl.victim(name) if concl is not None else None
        if vc is not None and vc.conclusion == "identified" and vc.missing:
            per[name]["undisputed"] = vc.missing
            out["undisputed"].append([name, vc.missing])
    for k, comp in enumerate(ident.components):
        for v in comp.victims:
            per[vid[v]].update(component=k + 1, method=comp.method)
        for v, m in comp.best:
            per[vid[v]]["best"] = ms[m]
        for (v, m), prob in comp.pair_probabilities.items():
            per[vid[v]]["probs"][ms[m]] = prob
        for (v, m), lg in comp.log_glr.items():
            per[vid[v]]["glr"][ms[m]] = lg
        out["components"].append(
            {
                "component": k + 1,
                "victims": [vid[v] for v in comp.victims],
                "families": [problem.families[f].name for f in comp.families],
                "method": comp.method,
                "assignments": comp.n_assignments,
                "count": comp.count_type,
                "best": [[vid[v], ms[m]] for v, m in comp.best],
                "posterior_best": comp.posterior_best,
                "note": comp.note,
            }
        )
        if comp.note:
            out["notes"].append(f"component {k + 1}: {comp.note}")
    out["victims"] = per
    return out


def _log10(x: float | None) -> float | None:
    return None if x is None else x / math.log(10)


def _rows(
    run_pk: int, outcome: Outcome
) -> tuple[list[ScreeningCandidate], list[BodyConclusion], dict[str, Any]]:
    joint = _joint(outcome)
    by_id = {t.name: t for t in outcome.targets}
    shortlist = {b.profile: outcome.result.for_body(b.profile) for b in outcome.bodies}
    evidence = Evidence(
        (b.unit_pk for b in outcome.bodies),
        (by_id[c.family].missing_pk for rows in shortlist.values() for c in rows),
        len(outcome.targets) + len(outcome.stats.left_out),  # still missing persons in scope
    )
    cands, concl = [], []
    for b in outcome.bodies:
        info = joint["victims"].get(b.profile, {"probs": {}, "glr": {}})
        rows = shortlist[b.profile]
        for c in rows:
            t = by_id[c.family]
            facts, prior, post = evidence.of(b.unit_pk, t.missing_pk, c.lr)
            cands.append(
                ScreeningCandidate(
                    run_id=run_pk,
                    profile_id=b.profile_pk,
                    unit_id=b.unit_pk,
                    family_id=t.family_pk,
                    missing_id=t.missing_pk,
                    rank=c.rank,
                    lr=c.lr,
                    log10_lr=c.log10_lr,
                    exclusions=c.exclusions,
                    markers=c.markers,
                    undisputed=info.get("undisputed") == t.dvi_name,
                    pairing_probability=info["probs"].get(t.dvi_name),
                    log10_glr=_log10(info["glr"].get(t.dvi_name)),
                    evidence=facts,
                    prior=prior,
                    posterior=post,
                )
            )
        concl.append(_conclusion(run_pk, b, info, outcome))
    return cands, concl, joint


def _conclusion(run_pk: int, b: Body, info: dict[str, Any], outcome: Outcome) -> BodyConclusion:
    """The body's conclusion by ``kinship.dvi.conclusions.conclude`` (dvir's dviSolve rules)."""
    vc = outcome.conclusions.victim(b.profile) if outcome.conclusions is not None else None
    if vc is None:
        verdict, rule, pick = "no_match", "no missing person in scope is a candidate (LR > 1)", None
        lr = glr = None
    else:
        verdict, pick, lr, glr = vc.conclusion, vc.missing, vc.lr, vc.glr
        rule = vc.rule + (f" (best: {vc.best})" if vc.best and not vc.missing else "")
    t = outcome.named.get(pick) if pick else None
    return BodyConclusion(
        run_id=run_pk,
        profile_id=b.profile_pk,
        unit_id=b.unit_pk,
        group=list(b.group),
        conclusion=verdict,
        family_id=t.family_pk if t else None,
        missing_id=t.missing_pk if t else None,
        lr=lr if t else None,
        log10_glr=_log10(math.log(glr)) if t and glr and glr > 0 and math.isfinite(glr) else None,
        pairing_probability=info["probs"].get(pick) if t else None,
        component=info.get("component"),
        method=info.get("method", ""),
        rule=rule[:2000],
    )


def _store(run_pk: int, outcome: Outcome, tables: ScreenTables, timings: dict[str, float]) -> set[int]:
    """Write every result in one transaction; the families withdrawn meanwhile (then nothing is written)."""
    with transaction.atomic():
        run = ScreeningRun.objects.select_for_update().get(pk=run_pk)
        if run.status == RunStatus.done:
            return set()
        used = {t.family_pk for t in outcome.targets}
        withdrawn = used - set(scope_family_ids(run.scope))
        if withdrawn:
            return withdrawn
        cands, concl, joint = _rows(run_pk, outcome)
        bulk.insert(cands)  # COPY on PostgreSQL: 10,000 candidates with their evidence
        bulk.insert(concl)
        run.provenance = Provenance.make(
            "homecoming.app.identification.screening",
            parameters={**run.parameters, "scope": run.scope, "version": __version__},
            inputs={
                "tables": tables.provenance.inputs,
                "bodies": [[b.profile, b.kin.digest] for b in outcome.bodies],
                "screen": outcome.result.provenance.inputs,
            },
        ).as_dict() | {
            "frequency_table": tables.provenance.parameters.get("frequency_table"),
            "loci": list(tables.markers),
        }
        counts: dict[str, int] = {}
        for c in concl:
            counts[c.conclusion] = counts.get(c.conclusion, 0) + 1
        run.summary = {
            "bodies": len(outcome.bodies),
            "missing_persons": len(outcome.targets),
            "families": len({t.family_pk for t in outcome.targets}),
            "tables_cached": outcome.stats.cached,
            "tables_built": outcome.stats.built,
            "left_out": [[name, why] for name, why in outcome.stats.left_out.items()],
            "candidates": len(cands),
            "above_threshold": outcome.result.n_above_threshold,
            "conclusions": counts,
            "undisputed": joint["undisputed"],
            "components": joint["components"],
            "notes": joint["notes"],
            "digest": digest([[c.profile_id, c.missing_id, c.lr] for c in cands]),
            "seconds": timings,
        }
        run.status, run.stage, run.finished_at = RunStatus.done, "done", timezone.now()
        run.done = run.total = len(outcome.bodies)
        run.save(update_fields=["provenance", "summary", "status", "stage", "finished_at", "done", "total"])
        audit.record(
            actor=None,
            action="screening done",
            obj=run,
            after={"reference": run.reference, "candidates": len(cands), "conclusions": counts},
        )
    return set()
