"""Family tables from the cache (:class:`FamilyTableRow`), building only the families that changed.

A row is cached under the digest of (the family's digest — its id, missing person, pedigree and
profiles —, the reconciled loci — frequency-table alleles and frequencies, mutation models —, θ): a
family whose pedigree or profiles changed, or a new frequency table, gives a new key and is built
again; the others are read back. Rows are stored as float64 (the exact values the rescoring uses,
raw: compressing them saves little) and, with mutation models, the uint8 consistency row (zlib); rows
written compressed by earlier versions are read as well. The cache is written block by
block in its own transactions: a row is a pure function of its key, so a killed worker leaves only
correct rows behind and the next run reuses them.
"""

from __future__ import annotations

import multiprocessing
import os
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction

from homecoming.app.identification import table_packs as packs
from homecoming.app.identification.models_screening import FamilyTableRow
from homecoming.app.identification.screening_data import Target
from homecoming.errors import HomecomingError
from homecoming.kinship.model.markers import Locus
from homecoming.kinship.screen import (
    TABLE_CHUNK,
    ScreenTables,
    TableBlock,
    _one_thread,
    table_block,
)
from homecoming.kinship.screen import (
    ReferenceFamily as KinFamily,
)
from homecoming.provenance import Provenance, digest

Progress = Callable[[int, int], None]
READ_CHUNK = 500  # keys per query (SQLite's limit on parameters)


@dataclass(frozen=True)
class TableStats:
    cached: int
    built: int
    left_out: dict[str, str] = field(default_factory=dict)  # target name -> why its table cannot be built


def loci_digest(loci: Sequence[Locus], theta: float) -> str:
    return digest([[[lc.name, list(lc.alleles), list(lc.frequencies), lc.describe()] for lc in loci], theta])


def row_key(target_digest: str, loci_key: str) -> str:
    return digest([target_digest, loci_key])


RAW = b"F64\0"  # a log-LR row stored as raw float64 (zlib saves ~12 % of it and costs ~40 s per 100,000)


def _pack(row: np.ndarray) -> bytes:
    return zlib.compress(np.ascontiguousarray(row).tobytes(), 1)


def _pack_log(row: np.ndarray) -> bytes:
    return RAW + np.ascontiguousarray(row, dtype=np.float64).tobytes()


def _unpack_log(blob: bytes) -> np.ndarray:
    """A stored log-LR row: raw (``RAW`` first) or, as rows were written before, zlib-compressed."""
    if blob[: len(RAW)] == RAW:
        return np.frombuffer(blob, dtype=np.float64, offset=len(RAW))
    return np.frombuffer(zlib.decompress(blob), dtype=np.float64)


def cached_tables(
    targets: Sequence[Target],
    *,
    loci: Sequence[Locus],
    theta: float,
    frequency_table: str,
    load: Callable[[Sequence[Target]], None] | None = None,
    progress: Progress | None = None,
) -> tuple[ScreenTables, TableStats]:
    """The screening tables of ``targets`` on reconciled ``loci`` (every allele of every profile known);
    ``load`` reads the profiles of the targets whose table must be built (block by block)."""
    sizes = [lc.n_alleles * (lc.n_alleles + 1) // 2 for lc in loci]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    width = int(offsets[-1]) + 1
    mutated = any(lc.mutation is not None for lc in loci)
    lkey = loci_digest(loci, theta)
    digests = [t.digest for t in targets]
    keys = [row_key(d, lkey) for d in digests]
    folder = packs.directory(lkey)
    pack = packs.read(folder, keys, width, mutated)
    if pack is not None and pack.keys == keys:  # the same families as a screen before: nothing to copy
        log32, log64, ok = pack.log32, pack.log64, pack.consistent
        if progress is not None:
            progress(len(keys), len(keys))
        return _tables(targets, loci, offsets, theta, frequency_table, digests, log32, log64, ok), TableStats(
            cached=len(keys), built=0
        )
    log64 = np.empty((len(targets), width))
    ok = np.empty((len(targets), width), dtype=np.uint8) if mutated else None
    have: set[int] = set()
    if pack is not None:  # the rows the pack holds, copied from it
        in_pack = pack.rows()
        mine = [i for i, k in enumerate(keys) if k in in_pack]
        theirs = [in_pack[keys[i]] for i in mine]
        log64[mine] = pack.log64[theirs]
        if ok is not None and pack.consistent is not None:
            ok[mine] = pack.consistent[theirs]
            have.update(mine)
        elif ok is None:
            have.update(mine)
    where = {k: i for i, k in enumerate(keys)}
    missing = [k for i, k in enumerate(keys) if i not in have]
    for lo in range(0, len(missing), READ_CHUNK):
        rows = FamilyTableRow.objects.filter(key__in=missing[lo : lo + READ_CHUNK]).values_list(
            "key", "log_lr", "consistent"
        )
        for key, blob, cons in rows:
            i = where[key]
            log64[i] = _unpack_log(bytes(blob))
            if ok is not None:
                if cons is None:
                    continue  # a row cached without its consistency table: build it again
                ok[i] = np.frombuffer(zlib.decompress(bytes(cons)), dtype=np.uint8)
            have.add(i)
    todo = [i for i in range(len(targets)) if i not in have]
    done = len(have)
    if progress is not None:
        progress(done, len(targets))
    blocks = [todo[lo : lo + TABLE_CHUNK] for lo in range(0, len(todo), TABLE_CHUNK)]

    def finish(idx: list[int], got: TableBlock) -> None:
        nonlocal done
        log64[idx] = got.rows
        if ok is not None and got.consistent is not None:
            ok[idx] = got.consistent
        _store(targets, idx, keys, digests, got.rows, got.consistent, lkey, theta)
        done += len(idx)
        if progress is not None:
            progress(done, len(targets))

    left_out: dict[int, str] = {}

    def settle(idx: list[int], fut: Future[TableBlock]) -> None:
        """Store a block's rows; if the block failed on a family (e.g. a pedigree beyond the engine's
        limit with θ > 0), build its families one by one and leave out only those that fail."""
        try:
            got = fut.result()
        except HomecomingError:
            one_by_one(idx)
            return
        finish(idx, got)

    def one_by_one(idx: list[int]) -> None:
        for i in idx:
            try:
                finish([i], table_block([targets[i].kin], loci=loci, offsets=offsets, theta=theta))
            except HomecomingError as exc:
                left_out[i] = str(exc)

    def block(idx: list[int]) -> list[KinFamily]:
        if load is not None:
            load([targets[i] for i in idx])
        return [targets[i].kin for i in idx]

    workers = min(
        int(getattr(settings, "IDENTIFICATION_TABLE_WORKERS", 0) or os.cpu_count() or 1), len(blocks)
    )
    if workers <= 1:
        for idx in blocks:
            kin = block(idx)
            try:
                got = table_block(kin, loci=loci, offsets=offsets, theta=theta)
            except HomecomingError:
                one_by_one(idx)
                continue
            finish(idx, got)
    else:  # one process per core, the profiles of the next block read here meanwhile
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_one_thread
        )
        try:
            pending: dict[Future[TableBlock], list[int]] = {}
            for idx in blocks:
                pending[pool.submit(table_block, block(idx), loci=loci, offsets=offsets, theta=theta)] = idx
                for fut in [f for f in pending if f.done()]:
                    settle(pending.pop(fut), fut)
                while len(pending) > 2 * workers:  # bounded: rows are stored as they come
                    fut = next(as_completed(pending))
                    settle(pending.pop(fut), fut)
            for fut in as_completed(list(pending)):
                settle(pending.pop(fut), fut)
        finally:  # on an error the blocks not yet started are dropped; stored rows are correct rows
            pool.shutdown(wait=True, cancel_futures=True)
    if left_out:  # the families that cannot be screened are named; the others go on
        kept = [i for i in range(len(targets)) if i not in left_out]
        notes = {targets[i].name: left_out[i] for i in sorted(left_out)}
        targets, keys, digests = (
            [targets[i] for i in kept],
            [keys[i] for i in kept],
            [digests[i] for i in kept],
        )
        log64 = log64[kept]
        ok = None if ok is None else ok[kept]
    else:
        notes = {}
    log32 = log64.astype(np.float32)
    if folder is None:  # the first rows of a new database were just stored: its packs' folder now exists
        folder = packs.directory(lkey)
    packs.write(folder, keys, log32, log64, ok)
    tables = _tables(targets, loci, offsets, theta, frequency_table, digests, log32, log64, ok)
    return tables, TableStats(cached=len(have), built=len(todo) - len(notes), left_out=notes)


def _tables(
    targets: Sequence[Target],
    loci: Sequence[Locus],
    offsets: np.ndarray,
    theta: float,
    frequency_table: str,
    digests: Sequence[str],
    log32: np.ndarray,
    log64: np.ndarray,
    ok: np.ndarray | None,
) -> ScreenTables:
    prov = Provenance.make(
        "homecoming.kinship.family_tables",
        parameters={"theta": theta, "unknown_alleles": "error", "frequency_table": frequency_table},
        inputs={
            "families": digests,
            "loci": [[lc.name, list(lc.alleles), list(lc.frequencies), lc.describe()] for lc in loci],
        },
    )
    return ScreenTables(tuple(t.name for t in targets), tuple(loci), offsets, log32, log64, ok, theta, prov)


def _store(
    targets: Sequence[Target],
    idx: Sequence[int],
    keys: Sequence[str],
    digests: Sequence[str],
    rows: np.ndarray,
    consistent: np.ndarray | None,
    lkey: str,
    theta: float,
) -> None:
    made = [
        FamilyTableRow(
            key=keys[i],
            family_id=targets[i].family_pk,
            target=targets[i].name[:60],
            family_digest=digests[i],
            loci_digest=lkey,
            theta=theta,
            log_lr=_pack_log(rows[r]),
            consistent=None if consistent is None else _pack(consistent[r]),
        )
        for r, i in enumerate(idx)
    ]
    with transaction.atomic():
        FamilyTableRow.objects.bulk_create(made, batch_size=200, ignore_conflicts=True)
