"""Family tables from the cache (:class:`FamilyTableRow`), building only the families that changed.

A row is cached under the digest of (the family's digest — its id, missing person, pedigree and
profiles —, the reconciled loci — frequency-table alleles and frequencies, mutation models —, θ): a
family whose pedigree or profiles changed, or a new frequency table, gives a new key and is built
again; the others are read back. Rows are stored as float64 (the exact values the rescoring uses,
zlib-compressed) and, with mutation models, the uint8 consistency row. The cache is written block by
block in its own transactions: a row is a pure function of its key, so a killed worker leaves only
correct rows behind and the next run reuses them.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from homecoming.app.identification.models_screening import FamilyTableRow
from homecoming.app.identification.screening_data import Target
from homecoming.kinship.model.markers import Locus
from homecoming.kinship.screen import TABLE_CHUNK, ScreenTables, table_block
from homecoming.provenance import Provenance, digest

Progress = Callable[[int, int], None]
READ_CHUNK = 500  # keys per query (SQLite's limit on parameters)


@dataclass(frozen=True)
class TableStats:
    cached: int
    built: int


def loci_digest(loci: Sequence[Locus], theta: float) -> str:
    return digest([[[lc.name, list(lc.alleles), list(lc.frequencies), lc.describe()] for lc in loci], theta])


def row_key(target_digest: str, loci_key: str) -> str:
    return digest([target_digest, loci_key])


def _pack(row: np.ndarray) -> bytes:
    return zlib.compress(np.ascontiguousarray(row).tobytes(), 1)


def cached_tables(
    targets: Sequence[Target],
    *,
    loci: Sequence[Locus],
    theta: float,
    frequency_table: str,
    progress: Progress | None = None,
) -> tuple[ScreenTables, TableStats]:
    """The screening tables of ``targets`` on reconciled ``loci`` (every allele of every profile known)."""
    sizes = [lc.n_alleles * (lc.n_alleles + 1) // 2 for lc in loci]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    width = int(offsets[-1]) + 1
    mutated = any(lc.mutation is not None for lc in loci)
    lkey = loci_digest(loci, theta)
    digests = [t.digest for t in targets]
    keys = [row_key(d, lkey) for d in digests]
    log64 = np.empty((len(targets), width))
    ok = np.empty((len(targets), width), dtype=np.uint8) if mutated else None
    where = {k: i for i, k in enumerate(keys)}
    have: set[int] = set()
    for lo in range(0, len(keys), READ_CHUNK):
        rows = FamilyTableRow.objects.filter(key__in=keys[lo : lo + READ_CHUNK]).values_list(
            "key", "log_lr", "consistent"
        )
        for key, blob, cons in rows:
            i = where[key]
            log64[i] = np.frombuffer(zlib.decompress(bytes(blob)), dtype=np.float64)
            if ok is not None:
                if cons is None:
                    continue  # a row cached without its consistency table: build it again
                ok[i] = np.frombuffer(zlib.decompress(bytes(cons)), dtype=np.uint8)
            have.add(i)
    todo = [i for i in range(len(targets)) if i not in have]
    done = len(have)
    if progress is not None:
        progress(done, len(targets))
    for lo in range(0, len(todo), TABLE_CHUNK):
        idx = todo[lo : lo + TABLE_CHUNK]
        got = table_block([targets[i].kin for i in idx], loci=loci, offsets=offsets, theta=theta)
        log64[idx] = got.rows
        if ok is not None and got.consistent is not None:
            ok[idx] = got.consistent
        _store(targets, idx, keys, digests, got.rows, got.consistent, lkey, theta)
        done += len(idx)
        if progress is not None:
            progress(done, len(targets))
    prov = Provenance.make(
        "homecoming.kinship.family_tables",
        parameters={"theta": theta, "unknown_alleles": "error", "frequency_table": frequency_table},
        inputs={
            "families": digests,
            "loci": [[lc.name, list(lc.alleles), list(lc.frequencies), lc.describe()] for lc in loci],
        },
    )
    tables = ScreenTables(
        tuple(t.name for t in targets), tuple(loci), offsets, log64.astype(np.float32), log64, ok, theta, prov
    )
    return tables, TableStats(cached=len(have), built=len(todo))


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
            log_lr=_pack(rows[r]),
            consistent=None if consistent is None else _pack(consistent[r]),
        )
        for r, i in enumerate(idx)
    ]
    with transaction.atomic():
        FamilyTableRow.objects.bulk_create(made, batch_size=200, ignore_conflicts=True)
