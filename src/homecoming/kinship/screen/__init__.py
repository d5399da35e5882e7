"""Screen every body against every family: float32 table kernel, top-k, exact float64 rescoring.

For each family and marker the table holds ``log(P(g | family) / P(g))`` for every unordered genotype
``g`` of the marker (from :func:`homecoming.kinship.distributions.genotype_distribution`, exact under mutation
models and θ). Tables live in one contiguous array ``[family, column]`` where the columns of marker
``m`` are ``offsets[m] + j (j + 1) / 2 + i`` for alleles ``i <= j`` of the marker's common allele list
(shared by all families, alleles matched by label) and one last column holds 0 for skipped markers.
Bodies are int32 genotype indices ``[body, marker]`` with -1 for a skipped marker (untyped or partial).

The kernel (numba, parallel over family blocks) adds one float32 per (body, family, marker) in marker
order, keeps the top ``k`` families per body, the top bodies per family and the counts above a
threshold; the full matrix is never stored. Shortlisted pairs are rescored in float64 from the exact
tables and their exclusions (markers inconsistent without mutation, as dvir's exclusion matrix) are
counted from a second uint8 table. A genotype impossible for a family is ``-inf``; such pairs never
enter a shortlist.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Literal

import numba
import numpy as np

from homecoming.errors import HypothesisError, InputError, LimitError, MarkerError
from homecoming.kinship.distributions import MarkerDistribution, marker_distributions, plain_family_rows, tril
from homecoming.kinship.engine.program import PARALLEL_LOCK
from homecoming.kinship.model.markers import Locus, Profile, reconcile_loci
from homecoming.kinship.model.pedigree import Pedigree
from homecoming.kinship.screen.kernel import _TILE, F32, F64, I32, I64, U8, _kernel, _order, _pair_scores
from homecoming.provenance import Provenance, digest

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReferenceFamily:
    """A family to screen: its pedigree, the missing person's node and the typed references."""

    id: str
    pedigree: Pedigree
    missing: str
    profiles: tuple[Profile, ...]


@dataclass(frozen=True, eq=False)
class ScreenTables:
    """Per-family log-LR tables over a shared genotype indexing (see the module docstring)."""

    family_ids: tuple[str, ...]
    loci: tuple[Locus, ...]
    offsets: I64
    log_lr: F32
    log_lr64: F64
    consistent: U8 | None
    theta: float
    provenance: Provenance

    @property
    def markers(self) -> tuple[str, ...]:
        return tuple(lc.name for lc in self.loci)

    @property
    def n_columns(self) -> int:
        return int(self.offsets[-1]) + 1

    def genotype_indices(self, bodies: Sequence[Profile], /) -> I32:
        """``[body, marker]`` genotype indices, -1 where untyped or partial (alleles matched by label)."""
        out = np.full((len(bodies), len(self.loci)), -1, dtype=np.int32)
        lookup = [{a: i for i, a in enumerate(lc.alleles)} for lc in self.loci]
        for v, body in enumerate(bodies):
            for m, locus in enumerate(self.loci):
                g = body.genotypes.get(locus.name)
                if g is None or g.a2 is None:
                    continue
                a, b = lookup[m].get(g.a1), lookup[m].get(g.a2)  # Genotype labels are canonical
                if a is None or b is None:  # the engine's message names body, marker and allele
                    a = locus.index(g.a1, who=f"body {body.sample}")
                    b = locus.index(g.a2, who=f"body {body.sample}")
                out[v, m] = b * (b + 1) // 2 + a if a <= b else a * (a + 1) // 2 + b
        return out

    def columns(self, indices: I32, /) -> I32:
        """Table columns of genotype indices; skipped markers point at the last (zero) column."""
        cols = indices + self.offsets[:-1].astype(np.int32)[None, :]
        return np.where(indices < 0, np.int32(self.n_columns - 1), cols).astype(np.int32)

    def select(self, rows: Sequence[int] | I64, /, *, ids: Sequence[str] | None = None) -> ScreenTables:
        """The tables of some families (rows may repeat, e.g. to tile a benchmark; give new ids then)."""
        idx = np.asarray(rows, dtype=np.int64)
        new_ids = tuple(ids) if ids is not None else tuple(self.family_ids[i] for i in idx)
        return replace(
            self,
            family_ids=new_ids,
            log_lr=np.ascontiguousarray(self.log_lr[idx]),
            log_lr64=np.ascontiguousarray(self.log_lr64[idx]),
            consistent=None if self.consistent is None else np.ascontiguousarray(self.consistent[idx]),
        )


def _observed(md: MarkerDistribution, which: str, n: int, order: I64) -> F64:
    """``P(observed genotype {i, j})`` on the common allele list (silent allele folded into aa)."""
    u = md.unordered(which)
    k = len(md.locus.alleles)
    obs = u[:k, :k].copy()
    if u.shape[0] > k:  # silent allele: an observed aa may be a0
        obs[np.diag_indices(k)] += u[:k, k]
    full = np.zeros((n, n))
    full[np.ix_(order, order)] = obs
    return full


def _allele_order(md: MarkerDistribution, locus: Locus) -> I64:
    if set(md.locus.alleles) != set(locus.alleles):
        raise MarkerError(
            f"marker {locus.name}: a family table was built on other alleles than the common list",
            field=locus.name,
            value=len(md.locus.alleles),
            hint="build every table with the same reconciled loci",
        )
    return np.array([locus.index(a) for a in md.locus.alleles], dtype=np.int64)


def _family_rows(
    dist_markers: Sequence[MarkerDistribution],
    loci: Sequence[Locus],
    offsets: I64,
    nomut: Sequence[MarkerDistribution] | None,
    population: dict[tuple[int, bool], F64] | None,
) -> tuple[F64, U8 | None]:
    """One family's row of log-LRs (and of markers consistent without mutation) over the genotype columns.

    ``population`` caches the log population probabilities of each marker's genotypes (they depend only
    on the locus and, on X, the missing person's sex when θ = 0); None when they depend on the family.
    """
    row = np.zeros(int(offsets[-1]) + 1)
    ok = np.ones(int(offsets[-1]) + 1, dtype=np.uint8) if nomut is not None else None
    for m, (md, locus) in enumerate(zip(dist_markers, loci, strict=True)):
        n = locus.n_alleles
        tri = tril(n)
        same = locus.silent_frequency == 0 and md.locus.alleles == locus.alleles  # no reindexing
        with np.errstate(divide="ignore", invalid="ignore"):
            if same:
                fam = md.unordered("family")[tri]
                pop = None if population is None else population.get((m, md.hemizygous))
                if pop is None:
                    pop = np.log(md.unordered("population")[tri])
                    if population is not None:
                        population[(m, md.hemizygous)] = pop
                vals = np.log(fam) - pop
            else:
                order = _allele_order(md, locus)
                fam = _observed(md, "family", n, order)[tri]
                vals = np.log(fam) - np.log(_observed(md, "population", n, order)[tri])
        row[offsets[m] : offsets[m + 1]] = np.where(np.isnan(vals), -np.inf, vals)
        if ok is not None and nomut is not None:
            nm = nomut[m]
            cons = (
                nm.unordered("family")[tri]
                if same and nm.locus.alleles == locus.alleles
                else _observed(nm, "family", n, _allele_order(nm, locus))[tri]
            )
            ok[offsets[m] : offsets[m + 1]] = cons > 0
    return row, ok


TABLE_CHUNK = 1024  # families whose distributions are computed together (memory: ~n² per marker each)


@dataclass(frozen=True)
class TableBlock:
    """The rows of a block of families and what the tables' provenance records of each family."""

    rows: F64
    consistent: U8 | None
    inputs: list[str]  # per family: digest of [id, missing person, pedigree records, profile digests]


def table_block(
    block: Sequence[ReferenceFamily], /, *, loci: Sequence[Locus], offsets: I64, theta: float = 0.0
) -> TableBlock:
    """The rows (log-LRs, and consistency without mutation when a locus has a mutation model) of a
    block of families on reconciled ``loci`` — a unit of work of :func:`family_tables`, local or on Dask.
    """
    inputs: list[str] = []
    for f in block:
        f.pedigree.validate()
        inputs.append(digest([f.id, f.missing, f.pedigree.records(), [p.digest for p in f.profiles]]))
    rows, ok = _block_rows(block, loci, offsets, theta)
    return TableBlock(rows, ok, inputs)


def _block_rows(
    block: Sequence[ReferenceFamily], loci: Sequence[Locus], offsets: I64, theta: float
) -> tuple[F64, U8 | None]:
    mutated = any(lc.mutation is not None for lc in loci)
    if theta == 0 and all(lc.silent_frequency == 0 for lc in loci):
        jobs = [(f.pedigree, f.missing, {p.sample: p for p in f.profiles}) for f in block]
        return plain_family_rows(jobs, loci=loci, offsets=offsets, consistency=mutated)
    rows = np.zeros((len(block), int(offsets[-1]) + 1))
    ok = np.ones_like(rows, dtype=np.uint8) if mutated else None
    jobs_list = [(f.pedigree, f.missing, list(f.profiles)) for f in block]
    dists = marker_distributions(jobs_list, loci=loci, theta=theta)
    nomuts = marker_distributions(jobs_list, loci=[lc.without_mutation for lc in loci]) if mutated else None
    population: dict[tuple[int, bool], F64] | None = {} if theta == 0 else None
    for i, markers in enumerate(dists):
        nomut = None if nomuts is None else nomuts[i]
        rows[i], okrow = _family_rows(markers, loci, offsets, nomut, population)
        if ok is not None and okrow is not None:
            ok[i] = okrow
    return rows, ok


def family_tables(
    families: Sequence[ReferenceFamily],
    /,
    *,
    loci: Sequence[Locus],
    bodies: Sequence[Profile] = (),
    theta: float = 0.0,
    unknown_alleles: Literal["error", "minimum"] = "error",
    database_size: int | None = None,
    frequency_table: str | None = None,
    progress: Progress | None = None,
    scheduler: str | Any | None = None,
    workers: int = 1,
) -> ScreenTables:
    """Build the screening tables of ``families``.

    The common allele list of each marker is the frequency table's, merged (by label) with every allele
    seen in the families' and the bodies' profiles when ``unknown_alleles="minimum"`` (frequency 5/2N);
    otherwise an unknown allele is an error naming sample, marker and allele. The families are built in
    blocks of ``TABLE_CHUNK``: here, in ``workers`` processes of this machine (each running the compiled
    kernel on one thread), or with ``scheduler`` (a Dask scheduler address or Client) on the cluster's
    workers. The tables are the same either way.
    """
    if workers < 1:
        raise LimitError(
            f"workers must be at least 1 (got {workers})",
            field="workers",
            value=workers,
            hint="give the number of processes to build the tables in, e.g. the number of cores",
        )
    ids = [f.id for f in families]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise HypothesisError(
            f"family id {dup} is used twice", field="families", value=dup, hint="give every family its own id"
        )
    everyone = [p for f in families for p in f.profiles] + list(bodies)
    rloci, _notes = reconcile_loci(
        loci, everyone, unknown_alleles=unknown_alleles, database_size=database_size
    )
    sizes = [lc.n_alleles * (lc.n_alleles + 1) // 2 for lc in rloci]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    mutated = any(lc.mutation is not None for lc in rloci)
    log64 = np.empty((len(families), int(offsets[-1]) + 1))  # every row is written by one block
    ok = np.empty_like(log64, dtype=np.uint8) if mutated else None
    blocks = [
        (start, families[start : start + TABLE_CHUNK]) for start in range(0, len(families), TABLE_CHUNK)
    ]
    inputs: list[str] = ["" for _ in families]
    done = 0

    def store(start: int, got: TableBlock) -> None:
        nonlocal done
        stop = start + got.rows.shape[0]
        log64[start:stop] = got.rows
        if ok is not None and got.consistent is not None:
            ok[start:stop] = got.consistent
        inputs[start:stop] = got.inputs
        done += got.rows.shape[0]  # blocks may finish in any order: report how many are done
        if progress is not None:
            progress(done, len(families))

    if scheduler is None and (workers <= 1 or len(blocks) <= 1):
        for start, block in blocks:
            store(start, table_block(block, loci=rloci, offsets=offsets, theta=theta))
    elif scheduler is None:
        context = multiprocessing.get_context("spawn")  # never fork a process whose threads are running
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(blocks)), mp_context=context, initializer=_one_thread
        )
        try:
            work = {
                pool.submit(table_block, block, loci=rloci, offsets=offsets, theta=theta): start
                for start, block in blocks
            }
            for future in as_completed(work):
                store(work[future], future.result())
        finally:  # on an error (a bad family, Ctrl-C) the blocks not yet started are dropped
            pool.shutdown(wait=True, cancel_futures=True)
    else:
        with _dask_client(scheduler) as client:
            loci_f = client.scatter(rloci, broadcast=True)
            futures = {
                client.submit(
                    table_block, block, loci=loci_f, offsets=offsets, theta=theta, pure=False
                ): start
                for start, block in blocks
            }
            for future in _as_completed(futures):
                store(futures[future], future.result())
    prov = Provenance.make(
        "homecoming.kinship.family_tables",
        parameters={
            "theta": theta,
            "unknown_alleles": unknown_alleles,
            "database_size": database_size,
            "frequency_table": frequency_table,
        },
        inputs={
            "families": inputs,
            "loci": [[lc.name, list(lc.alleles), list(lc.frequencies), lc.describe()] for lc in rloci],
        },
    )
    return ScreenTables(tuple(ids), tuple(rloci), offsets, log64.astype(np.float32), log64, ok, theta, prov)


# --------------------------------------------------------------------------------------------- kernel
@dataclass(frozen=True)
class RawScreen:
    """Kernel output for one block of families (global family indices): mergeable across blocks."""

    body_scores: F32
    body_families: I32
    family_scores: F32
    family_bodies: I32
    body_counts: I64
    family_counts: I64


def _threshold32(threshold: float | None) -> np.float32:
    if threshold is None:
        return np.float32(np.inf)
    if not threshold > 0:
        raise HypothesisError(
            "the LR threshold must be > 0",
            field="threshold",
            value=threshold,
            hint="give an LR such as 10000",
        )
    return np.float32(math.log(threshold))


def screen_block(
    log_lr: F32,
    cols: I32,
    /,
    *,
    base: int = 0,
    top: int = 10,
    top_bodies: int = 10,
    threshold: float | None = None,
    n_parts: int | None = None,
) -> RawScreen:
    """Run the kernel on the family rows ``log_lr`` (global index = ``base`` + row)."""
    if cols.shape[0] == 0:  # no bodies: nothing to add (the kernel is not called on empty arrays)
        n_fam = log_lr.shape[0]
        return RawScreen(
            np.full((0, top), -np.inf, dtype=np.float32),
            np.full((0, top), -1, dtype=np.int32),
            np.full((n_fam, top_bodies), -np.inf, dtype=np.float32),
            np.full((n_fam, top_bodies), -1, dtype=np.int32),
            np.zeros(0, dtype=np.int64),
            np.zeros(n_fam, dtype=np.int64),
        )
    parts = max(1, min(n_parts or 4 * numba.get_num_threads(), -(-log_lr.shape[0] // _TILE)))
    with PARALLEL_LOCK:  # Dask worker threads may call this at once; one parallel region at a time
        vs, vi, fs, fi, cv, cf = _kernel(
            log_lr, cols, base, parts, top, top_bodies, _threshold32(threshold), _TILE
        )
    width = vs.shape[0] * vs.shape[2]  # every part's top list of each body (explicit: there may be none)
    bs, bf = _top_by_row(
        vs.transpose(1, 0, 2).reshape(cols.shape[0], width),
        vi.transpose(1, 0, 2).reshape(cols.shape[0], width),
        top,
    )
    return RawScreen(bs, bf, fs, fi, cv.sum(axis=0), cf)


def _top_by_row(scores: F32, ids: I32, k: int) -> tuple[F32, I32]:
    """Per row the ``k`` best (score descending, id ascending; missing entries have id -1)."""
    order = _order(scores, ids)[:, :k]
    return (
        np.take_along_axis(scores, order, axis=1).astype(np.float32),
        np.take_along_axis(ids, order, axis=1).astype(np.int32),
    )


def merge_blocks(blocks: Sequence[RawScreen], /, *, top: int) -> RawScreen:
    """Merge the raw results of consecutive family blocks (same bodies)."""
    bs, bf = _top_by_row(
        np.concatenate([b.body_scores for b in blocks], axis=1),
        np.concatenate([b.body_families for b in blocks], axis=1),
        top,
    )
    return RawScreen(
        bs,
        bf,
        np.concatenate([b.family_scores for b in blocks]),
        np.concatenate([b.family_bodies for b in blocks]),
        np.sum([b.body_counts for b in blocks], axis=0),
        np.concatenate([b.family_counts for b in blocks]),
    )


# --------------------------------------------------------------------------------------------- result
@dataclass(frozen=True)
class Candidate:
    """One shortlisted (body, family) pair with its exact LR (rescored in float64)."""

    body: str
    family: str
    lr: float
    log10_lr: float
    exclusions: int
    markers: int
    rank: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "family": self.family,
            "lr": self.lr,
            "log10_lr": self.log10_lr,
            "exclusions": self.exclusions,
            "markers": self.markers,
            "rank": self.rank,
        }


@dataclass(frozen=True, eq=False)
class ScreenResult:
    """Per body the best families and per family the best bodies (exact natural-log LRs, best first,
    index -1 = no candidate), the counts above the threshold, provenance. Arrays, so that 100,000
    families cost no Python objects; :meth:`for_body` / :meth:`for_family` give :class:`Candidate` s."""

    bodies: tuple[str, ...]
    families: tuple[str, ...]
    body_families: I32
    body_log_lr: F64
    body_exclusions: I64
    family_bodies: I32
    family_log_lr: F64
    family_exclusions: I64
    body_markers: I64
    threshold: float | None
    body_counts: I64
    family_counts: I64
    provenance: Provenance

    @property
    def n_above_threshold(self) -> int:
        return int(self.body_counts.sum())

    def _row(self, k: int, *, by_family: bool) -> tuple[Candidate, ...]:
        others = self.family_bodies[k] if by_family else self.body_families[k]
        logs = self.family_log_lr[k] if by_family else self.body_log_lr[k]
        excl = self.family_exclusions[k] if by_family else self.body_exclusions[k]
        out = []
        for r, (o, x, e) in enumerate(zip(others.tolist(), logs.tolist(), excl.tolist(), strict=True)):
            if o < 0:
                break
            body, fam = (o, k) if by_family else (k, o)
            out.append(
                Candidate(
                    self.bodies[body],
                    self.families[fam],
                    math.exp(x),
                    x / math.log(10),
                    int(e),
                    int(self.body_markers[body]),
                    r + 1,
                )
            )
        return tuple(out)

    def for_body(self, body: str, /) -> tuple[Candidate, ...]:
        return self._row(self.bodies.index(body), by_family=False)

    def for_family(self, family: str, /) -> tuple[Candidate, ...]:
        return self._row(self.families.index(family), by_family=True)

    def as_dict(self, *, families: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "threshold": self.threshold,
            "n_bodies": len(self.bodies),
            "n_families": len(self.families),
            "n_above_threshold": self.n_above_threshold,
            "by_body": {
                b: [c.as_dict() for c in self._row(v, by_family=False)] for v, b in enumerate(self.bodies)
            },
            "above_threshold_by_body": dict(zip(self.bodies, self.body_counts.tolist(), strict=True)),
            "provenance": self.provenance.as_dict(),
        }
        if families:
            out["by_family"] = {
                f: [c.as_dict() for c in self._row(k, by_family=True)] for k, f in enumerate(self.families)
            }
            out["above_threshold_by_family"] = dict(
                zip(self.families, self.family_counts.tolist(), strict=True)
            )
        return out


def _rescore(tables: ScreenTables, cols: I32, others: I32, *, by_family: bool) -> tuple[I32, F64, I64]:
    """Exact float64 log LRs and exclusions of a shortlist ``others[row, rank]``, re-sorted exactly."""
    rows = np.repeat(np.arange(others.shape[0], dtype=np.int64), others.shape[1])
    flat = others.ravel().astype(np.int64)
    fam, vic = (rows, flat) if by_family else (flat, rows)
    valid = flat >= 0
    ok = tables.consistent if tables.consistent is not None else np.zeros((1, 1), dtype=np.uint8)
    logs = np.full(flat.size, -np.inf)
    excl = np.zeros(flat.size, dtype=np.int64)
    if valid.any():  # only real pairs reach the compiled gathers (an empty shortlist has none)
        logs[valid], excl[valid] = _pair_scores(
            tables.log_lr64, ok, cols, fam[valid], vic[valid], tables.consistent is not None
        )
    scores, counts = logs.reshape(others.shape), excl.reshape(others.shape)
    order = _order(scores, others)
    return (
        np.take_along_axis(others, order, axis=1),
        np.take_along_axis(scores, order, axis=1),
        np.take_along_axis(counts, order, axis=1),
    )


def finish(
    tables: ScreenTables,
    bodies: Sequence[Profile],
    raw: RawScreen,
    /,
    *,
    threshold: float | None,
    parameters: Mapping[str, Any],
    indices: I32 | None = None,
) -> ScreenResult:
    """Rescore every shortlisted pair in float64 and assemble the result."""
    idx = tables.genotype_indices(bodies) if indices is None else indices
    cols = tables.columns(idx)
    bf, bl, be = _rescore(tables, cols, raw.body_families, by_family=False)
    fb, fl, fe = _rescore(tables, cols, raw.family_bodies, by_family=True)
    names = tuple(b.sample for b in bodies)
    prov = Provenance.make(
        "homecoming.kinship.screen",
        parameters={**parameters, "threshold": threshold, "theta": tables.theta},
        inputs={"tables": tables.provenance.inputs, "bodies": digest(idx.tobytes()), "body_ids": list(names)},
    )
    return ScreenResult(
        names,
        tables.family_ids,
        bf,
        bl,
        be,
        fb,
        fl,
        fe,
        (idx >= 0).sum(axis=1).astype(np.int64),
        threshold,
        raw.body_counts,
        raw.family_counts,
        prov,
    )


def _check_top(top: int, top_bodies: int) -> None:
    for name, value, least in (("top", top, 1), ("top_bodies", top_bodies, 0)):
        if value < least:
            raise HypothesisError(
                f"{name} must be at least {least}",
                field=name,
                value=value,
                hint="ask for the 10 best, say (top_bodies=0: no per-family lists)",
            )


def screen(
    tables: ScreenTables,
    bodies: Sequence[Profile],
    /,
    *,
    top: int = 10,
    top_bodies: int = 10,
    threshold: float | None = None,
    block: int = 20_000,
    progress: Progress | None = None,
) -> ScreenResult:
    """Screen every body against every family; exact LRs for every shortlisted pair.

    Families are processed in blocks of ``block`` (progress is reported per block); each block runs the
    parallel kernel.
    """
    _check_top(top, top_bodies)
    idx = tables.genotype_indices(bodies)
    cols = tables.columns(idx)
    n = len(tables.family_ids)
    blocks = []
    for lo in range(0, max(n, 1), block):
        hi = min(n, lo + block)
        blocks.append(
            screen_block(
                tables.log_lr[lo:hi], cols, base=lo, top=top, top_bodies=top_bodies, threshold=threshold
            )
        )
        if progress is not None:
            progress(hi, n)
    raw = merge_blocks(blocks, top=top)
    return finish(
        tables,
        bodies,
        raw,
        threshold=threshold,
        indices=idx,
        parameters={"top": top, "top_bodies": top_bodies, "engine": "numba"},
    )


def screen_dask(
    tables: ScreenTables,
    bodies: Sequence[Profile],
    /,
    *,
    scheduler: str | Any,
    top: int = 10,
    top_bodies: int = 10,
    threshold: float | None = None,
    partitions: int | None = None,
) -> ScreenResult:
    """The same screen with family blocks run on a Dask cluster (``scheduler``: address or Client).

    Each task receives one block of family tables and the bodies' columns and returns a
    :class:`RawScreen`; the blocks are merged and rescored here, so results equal :func:`screen`.
    """
    _check_top(top, top_bodies)
    if partitions is not None and partitions < 1:
        raise LimitError(
            f"partitions must be at least 1 (got {partitions})",
            field="partitions",
            value=partitions,
            hint="leave it out to use two per worker",
        )
    n = len(tables.family_ids)
    if n == 0 or not bodies:  # nothing to send: the local screen gives the (empty) answer
        return screen(tables, bodies, top=top, top_bodies=top_bodies, threshold=threshold)
    cols = tables.columns(tables.genotype_indices(bodies))
    with _dask_client(scheduler) as client:
        k = partitions or max(1, len(client.scheduler_info().get("workers", {})) * 2)
        bounds = [(p * n // k, (p + 1) * n // k) for p in range(k)]
        cols_f = client.scatter(cols, broadcast=True)
        futures = [
            client.submit(
                screen_block,
                tables.log_lr[lo:hi],
                cols_f,
                base=lo,
                top=top,
                top_bodies=top_bodies,
                threshold=threshold,
                pure=False,
            )
            for lo, hi in bounds
            if hi > lo
        ]
        raw = merge_blocks(client.gather(futures), top=top)
    return finish(
        tables,
        bodies,
        raw,
        threshold=threshold,
        parameters={"top": top, "top_bodies": top_bodies, "engine": "dask"},
    )


DASK_CONNECT_SECONDS = 10


@contextmanager
def _dask_client(scheduler: str | Any) -> Iterator[Any]:
    """A Client for ``scheduler`` (an address, or a Client used as given); a scheduler that cannot be
    reached is named in one clear error instead of a traceback from the network layer."""
    from dask import distributed  # lazy: only the Dask paths need it

    dist: Any = distributed
    if isinstance(scheduler, dist.Client):
        yield scheduler
        return
    try:
        client = dist.Client(scheduler, timeout=DASK_CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            f"cannot reach the Dask scheduler at {scheduler!r}: {exc}",
            field="scheduler",
            value=str(scheduler),
            hint="start one (`dask scheduler`, then `dask worker ADDRESS`) and give its "
            "address as tcp://host:8786, or leave --dask out to run here",
        ) from None
    try:
        yield client
    finally:
        client.close()


def _one_thread() -> None:
    """Initialise a table-building process: one process per core, so one kernel thread each; the
    objects of the imported modules frozen out of the cyclic collector, which otherwise walks them
    again and again while each block of families is unpickled (measured: 0.28 s of a 1,024-family
    block's 0.4 s of unpickling)."""
    numba.set_num_threads(1)
    gc.freeze()


def _as_completed(futures: Mapping[Any, int]) -> Iterator[Any]:
    from dask import distributed

    dist: Any = distributed
    yield from dist.as_completed(list(futures))
