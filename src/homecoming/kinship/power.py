"""Which relative to sample next: the identification power of each possible additional donor.

For a reference family (pedigree, missing person, typed relatives) and each candidate donor placed by
:func:`homecoming.kinship.donors.with_donor`, :func:`donor_power` reports the probability that the true
missing person's LR reaches the identification threshold once the donor is typed, the exact expected
log10 LR of the true missing person, and the expected exclusion power; "today" (no extra donor) too.

Method, per marker (markers are independent given the pedigree):

1. ``P(d | family)`` over the donor's unordered genotypes ``d``: one engine pass keeping the donor.
2. For every ``d`` with ``P(d | family) > 0``: one pass with the donor typed ``d``, keeping the
   missing person: ``P(m | family, d)``. All passes of a marker run in one batched engine call.
3. ``LR(d, m) = P(m | family, d) / P(m)`` (``P(m)`` Hardy-Weinberg): the LR the laboratory would
   report for a body of genotype ``m`` once the donor's genotype ``d`` is known.
4. ``n_sims`` pairs ``(d, m)`` are drawn from ``P(d, m | family) = P(d | family) P(m | family, d)``
   and their log LRs added over markers; the expected log LR and the exclusion power are exact sums.

θ = 0. X-chromosome markers and markers with a silent allele are left out (named in ``skipped``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from homecoming.errors import HypothesisError, Problem
from homecoming.kinship.distributions import Family, _inbred, tril
from homecoming.kinship.donors import RELATIONS, with_donor
from homecoming.kinship.engine import Job, MarkerResult, marker_results
from homecoming.kinship.model.markers import Genotype, Locus, Profile
from homecoming.kinship.model.pedigree import Pedigree

FloatArray = NDArray[np.float64]
TODAY = "today"


@dataclass(frozen=True)
class DonorOption:
    """The identification power of the family with one more donor (``relation == "today"``: none).

    ``prob_above_threshold``: share of ``n_sims`` simulations in which the true missing person's LR is
    at least ``threshold``. ``expected_log10_lr``: exact expectation of the true missing person's log10
    LR. ``exclusion_power``: exact expected probability that an unrelated person has LR 0 (with a
    mutation model nearly nothing is impossible: pass ``locus.without_mutation`` loci for the classical
    figure). ``simulated_mean_log10_lr``: the simulations' mean (a check on the exact figure).
    ``added``: members added to the pedigree, the donor last.
    """

    relation: str
    donor: str | None
    added: tuple[str, ...]
    prob_above_threshold: float
    expected_log10_lr: float
    exclusion_power: float
    simulated_mean_log10_lr: float
    n_sims: int
    threshold: float
    markers: tuple[str, ...]
    skipped: tuple[str, ...]

    @property
    def description(self) -> str:
        who = RELATIONS.get(self.relation, "no additional donor")
        extra = f"; untyped members added: {', '.join(self.added[:-1])}" if len(self.added) > 1 else ""
        return (
            f"{self.relation} ({who}){extra}: P(LR >= {self.threshold:g}) = {self.prob_above_threshold:.3f} "
            f"over {self.n_sims} simulations, expected log10 LR {self.expected_log10_lr:.2f}, "
            f"exclusion power {self.exclusion_power:.4f} on {len(self.markers)} markers"
        )


@dataclass(frozen=True)
class _Candidate:
    relation: str
    pedigree: Pedigree
    donor: str | None
    added: tuple[str, ...]


def donor_power(
    pedigree: Pedigree,
    missing: str,
    /,
    *,
    loci: Sequence[Locus],
    family: Family,
    threshold: float,
    rng: np.random.Generator,
    options: Sequence[str] | None = None,
    n_sims: int = 1000,
) -> list[DonorOption]:
    """Rank the additional donors (``options``, default every applicable relation) and "today".

    Best first: by probability of reaching ``threshold``, then by expected log10 LR.
    """
    fam = dict(family) if isinstance(family, Mapping) else {p.sample: p for p in family}
    _check(pedigree, missing, fam, threshold, n_sims)
    candidates = [_Candidate(TODAY, pedigree, None, ())] + _candidates(pedigree, missing, fam, options)
    used = [lc for lc in loci if lc.chromosome != "X" and lc.silent_frequency == 0]
    skipped = tuple(lc.name for lc in loci if lc not in used)
    log_threshold = math.log(threshold)
    totals = np.zeros((len(candidates), n_sims))
    expected = np.zeros(len(candidates))
    keep = np.ones(len(candidates))
    first = marker_results(
        [Job(c.pedigree, fam, keep=c.donor or missing) for c in candidates], used
    )  # the donors' (today: the missing person's) genotype distributions, every marker
    for k, locus in enumerate(used):
        pop = _unordered(locus.population_joint[None])[0]
        rows = _marker_rows(candidates, missing, fam, locus, [got[k] for got in first])
        uniform = rng.random(n_sims)  # common random numbers: every option's draws from the same u
        for c, (pd, pm) in enumerate(rows):
            with np.errstate(divide="ignore"):
                table = np.log(pm) - np.log(pop)[None, :]
            weights = pd[:, None] * pm
            expected[c] += float(np.sum(weights * np.where(weights > 0, table, 0.0)))
            keep[c] *= float(pd @ ((pm > 0) @ pop))
            cdf = np.cumsum(weights.ravel())
            picks = np.searchsorted(cdf, uniform * cdf[-1], side="right")
            totals[c] += table.ravel()[np.minimum(picks, cdf.size - 1)]
    out = [
        DonorOption(
            relation=c.relation,
            donor=c.donor,
            added=c.added,
            prob_above_threshold=float(np.mean(totals[i] >= log_threshold - 1e-12)),
            expected_log10_lr=float(expected[i] / math.log(10)),
            exclusion_power=max(0.0, float(1.0 - keep[i])),
            simulated_mean_log10_lr=float(np.mean(totals[i]) / math.log(10)),
            n_sims=n_sims,
            threshold=threshold,
            markers=tuple(lc.name for lc in used),
            skipped=skipped,
        )
        for i, c in enumerate(candidates)
    ]
    return sorted(out, key=lambda o: (-o.prob_above_threshold, -o.expected_log10_lr))


def _marker_rows(
    candidates: Sequence[_Candidate],
    missing: str,
    fam: Mapping[str, Profile | Sequence[Profile]],
    locus: Locus,
    first: Sequence[MarkerResult],
) -> list[tuple[FloatArray, FloatArray]]:
    """Per candidate ``(P(d), P(m | d))`` over the donor genotypes ``d`` with ``P(d) > 0`` and every
    unordered genotype ``m`` of the missing person (today: ``([1], [P(m)])``)."""
    i, j = tril(locus.n_alleles)
    typed_alleles = _typed_alleles(fam, locus)
    genotypes: dict[int, Genotype] = {}  # shared by the candidates
    jobs: list[Job] = []
    pairs: list[tuple[int, int] | None] = []  # the two unseen alleles an "affine" pass names
    spans: list[tuple[FloatArray, slice]] = []
    for c, got in zip(candidates, first, strict=True):
        pd = _unordered(_joint(got, locus, c.relation)[None])[0]
        if c.donor is None:
            spans.append((pd, slice(0, 0)))
            continue
        live = np.flatnonzero(pd > 0)
        mode = _lump_mode(c.pedigree, missing, locus)
        start = len(jobs)
        for g in live.tolist():
            a, b = int(i[g]), int(j[g])
            named, pair = _named(locus, typed_alleles, {a, b}, mode)
            geno = genotypes.get(g) or genotypes.setdefault(g, Genotype(locus.alleles[a], locus.alleles[b]))
            typed = Profile(c.donor, {locus.name: geno})
            jobs.append(
                Job(
                    c.pedigree,
                    {**fam, c.donor: typed},
                    keep=missing,
                    named=None if named is None else [named],
                )
            )
            pairs.append(pair)
        spans.append((pd[live], slice(start, len(jobs))))
    results = [row[0] for row in marker_results(jobs, [locus])] if jobs else []
    rows = []
    for c, (pd, span) in zip(candidates, spans, strict=True):
        if c.donor is None:
            rows.append((np.ones(1), pd[None, :]))
        else:
            rows.append((pd, _unordered(_expanded(results[span], pairs[span], locus, c.relation))))
    return rows


def _lump_mode(pedigree: Pedigree, missing: str, locus: Locus) -> str | None:
    """How the missing person's joint may be asked over the named alleles and one lump (None: not).

    Let ``U`` be the alleles nobody typed (in the family nor in the donor's genotype) and the missing
    person not inbred (his two genes cannot come from one founder gene).

    * ``"split"`` (no mutation): a gene of the missing person in ``U`` is a founder gene drawn from the
      frequencies, so inside the lump it is allele ``x`` with probability ``p_x / p_U``, independently
      for the two genes.
    * ``"affine"`` (equal, proportional or trivial mutation, both sexes): these matrices are
      ``a I + b 1 v^T`` with ``v`` constant or ``p``. Messages sent down the pedigree stay affine in
      ``p_x`` on ``U`` (founders send ``p_x``; a transmission maps ``f(x)`` to ``a f(x) + b v_x Σ f``),
      messages sent up are constant on ``U`` (no evidence names an allele of ``U``), so
      ``P(paternal x, maternal y, data) = [p_x, 1] Q [p_y, 1]^T`` on ``U × U`` and ``s p_x + t`` against
      a named allele. Naming two alleles of ``U`` with different frequencies determines ``Q``, ``s``
      and ``t`` (:func:`_affine`); the rest of ``U`` stays lumped.
    """
    if _inbred(pedigree, pedigree.index(missing)):
        return None
    if locus.male_matrix is None and locus.female_matrix is None:
        return "split"
    mut = locus.mutation
    models = {mut.female.model, mut.male.model} if mut is not None else set()
    return "affine" if models <= {"equal", "proportional", "trivial"} else None


def _typed_alleles(fam: Mapping[str, Profile | Sequence[Profile]], locus: Locus) -> set[int]:
    """Locus allele indices seen in any family profile at ``locus``."""
    out: set[int] = set()
    for value in fam.values():
        for prof in [value] if isinstance(value, Profile) else value:
            g = prof.get(locus.name)
            if g is not None:
                out.update(locus.index(a) for a in g.alleles)
    return out


def _named(
    locus: Locus, typed: set[int], donor: set[int], mode: str | None
) -> tuple[set[int] | None, tuple[int, int] | None]:
    """The alleles a donor genotype's pass names (None: every allele) and, for ``"affine"``, the two
    unseen ones among them (the rarest and the commonest)."""
    if mode == "split":
        return donor, None
    unseen = [a for a in range(locus.n_alleles) if a not in typed and a not in donor]
    if mode != "affine" or len(unseen) < 4:
        return None, None
    p = locus.freq_array[unseen]
    pair = (unseen[int(np.argmin(p))], unseen[int(np.argmax(p))])
    if pair[0] == pair[1]:
        pair = (unseen[0], unseen[1])
    return donor | set(pair), pair


def _expanded(
    results: Sequence[MarkerResult], pairs: Sequence[tuple[int, int] | None], locus: Locus, relation: str
) -> FloatArray:
    """``[k, a, b]``: the ordered joints over every allele of ``locus`` of passes on lumped spaces.

    Each joint ``J`` over a space is mapped by a selector ``R`` (alleles x space): ``R J R^T``. A named
    allele selects its own row; an allele in the lump gets ``p_x / p_U`` of the lump (``"split"``) or,
    when two unseen alleles ``x0, x1`` are named (``"affine"``, see :func:`_lump_mode`), the linear
    interpolation in ``p_x`` between them: weights ``(p_x - p_1) / (p_0 - p_1)`` and
    ``(p_0 - p_x) / (p_0 - p_1)`` (both 1/2 when every unseen allele has the same frequency).
    """
    n, k = locus.n_alleles, len(results)
    width = max(r.space.n for r in results)
    joints = np.zeros((k, width, width))
    idx = np.tile(np.arange(n), (k, 1))
    in_lump = np.zeros((k, n), dtype=bool)
    for row, got in enumerate(results):
        space = got.space
        joints[row, : space.n, : space.n] = _joint(got, locus, relation)
        if space.lumped:
            idx[row] = space.lookup(n)
            in_lump[row] = idx[row] == space.n - 1
    p = locus.freq_array
    sel = np.zeros((k, n, width))
    kk, aa = np.nonzero(~in_lump)
    sel[kk, aa, idx[kk, aa]] = 1.0
    affine = np.array([pair is not None for pair in pairs], dtype=bool) & in_lump.any(axis=1)
    split = in_lump & ~affine[:, None]
    kk, aa = np.nonzero(split)
    mass = (split * p[None, :]).sum(axis=1)
    sel[kk, aa, idx[kk, aa]] = p[aa] / mass[kk]
    rows = np.flatnonzero(affine)
    if rows.size:
        x = np.array([pairs[r] for r in rows.tolist()], dtype=np.intp)
        unseen = in_lump[rows]
        unseen[np.arange(rows.size), x[:, 0]] = unseen[np.arange(rows.size), x[:, 1]] = True
        p0, p1 = p[x[:, 0]], p[x[:, 1]]
        c0, c1 = idx[rows, x[:, 0]], idx[rows, x[:, 1]]
        sel[rows[:, None], np.arange(n)[None, :], c0[:, None]] *= ~unseen  # the named x0, x1 rows too
        sel[rows[:, None], np.arange(n)[None, :], c1[:, None]] *= ~unseen
        jj, aa = np.nonzero(unseen)
        gap = p0 - p1
        flat = np.abs(gap) <= 1e-12 * np.maximum(p0, p1)
        w0 = np.where(flat[jj], 0.5, (p[aa] - p1[jj]) / np.where(flat, 1.0, gap)[jj])
        sel[rows[jj], aa, c0[jj]] += w0
        sel[rows[jj], aa, c1[jj]] += 1.0 - w0
    out: FloatArray = np.clip(sel @ joints @ sel.transpose(0, 2, 1), 0.0, None)
    return out


def _joint(got: MarkerResult, locus: Locus, relation: str) -> FloatArray:
    joint = got.joint
    if joint is None or not math.isfinite(got.loglik) or not np.all(np.isfinite(joint)):
        raise HypothesisError(
            f"the family's data are impossible at marker {locus.name} ({relation})",
            field=locus.name,
            value=relation,
            hint="check the typed relatives' genotypes or add a mutation model",
        )
    return joint


def _unordered(joints: FloatArray) -> FloatArray:
    """``[k, g]``: probabilities of unordered genotypes ``g`` (``tril`` order) of ordered ``[k, a, b]``."""
    i, j = tril(joints.shape[1])
    out: FloatArray = joints[:, i, j] + joints[:, j, i]
    diag = i == j
    out[:, diag] = joints[:, i[diag], i[diag]]
    return out


def _candidates(
    pedigree: Pedigree, missing: str, fam: Mapping[str, object], options: Sequence[str] | None
) -> list[_Candidate]:
    out: list[_Candidate] = []
    problems: list[Problem] = []
    for relation in options if options is not None else RELATIONS:
        try:
            ped, donor = with_donor(pedigree, missing, relation, typed=fam)
        except HypothesisError as exc:
            if options is None and relation in RELATIONS:
                continue  # not applicable to this family (already typed, no children, ...)
            problems.append(Problem(f"option {relation}", exc.message, relation, exc.hint))
            continue
        added = tuple(x for x in ped.ids if x not in pedigree)
        out.append(_Candidate(relation, ped, donor, added))
    if problems:
        raise HypothesisError(
            f"{len(problems)} donor option(s) cannot be placed: "
            + "; ".join(f"{p.field}: {p.message}" for p in problems),
            field="options",
            value=list(options or ()),
            hint=problems[0].hint,
            problems=problems,
        )
    return out


def _check(
    pedigree: Pedigree,
    missing: str,
    fam: Mapping[str, object],
    threshold: float,
    n_sims: int,
) -> None:
    pedigree.validate()
    problems: list[Problem] = []
    if missing not in pedigree:
        problems.append(Problem("missing", "is not in the pedigree", missing, f"members are {pedigree.ids}"))
    if missing in fam:
        problems.append(
            Problem("missing", "is typed in the family", missing, "the missing person is unknown")
        )
    strangers = [k for k in fam if k not in pedigree]
    if strangers:
        problems.append(Problem("family", "profiles of persons not in the pedigree", strangers, ""))
    if not (math.isfinite(threshold) and threshold > 0):
        problems.append(Problem("threshold", "must be a positive LR", threshold, "e.g. 10000"))
    if n_sims < 1:
        problems.append(Problem("n_sims", "must be at least 1", n_sims, ""))
    if problems:
        raise HypothesisError(
            "; ".join(f"{p.field}: {p.message}" for p in problems),
            field=problems[0].field,
            value=problems[0].value,
            hint=problems[0].hint,
            problems=problems,
        )
