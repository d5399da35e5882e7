"""Packs of family tables on disk: the database's cache (:class:`FamilyTableRow`) laid out for a screen.

Reading 100,000 cached tables back from the database moves ~2 GB of blobs (tens of seconds); a pack
holds the same rows as three raw arrays — float32 (what the screen's kernel reads), float64 (the exact
rescoring) and the uint8 consistency table — memory-mapped, so a screen of the same families starts at
once and the operating system's page cache does the rest.

* A pack is written after a screening job assembled its tables (some built or read from the database),
  under ``IDENTIFICATION_TABLE_PACKS/<database>/<loci>/``: ``<database>`` names this database (its
  vendor and name, and the id and time of its first cached row: a database made anew never reads the
  packs of an earlier one), ``<loci>`` the loci digest (frequency table, markers, mutation models, θ).
  Its ``.keys`` file lists the rows' cache keys in order; it is written last, after the arrays, each
  file under a temporary name renamed into place: a killed writer leaves no pack, only a temporary
  file, removed by the next writer. The two newest packs of the same loci are kept, older ones removed.
* A row key is the digest of the family as the database holds it and of the loci, exactly as in the
  database's cache; the database's rows stay the authority (a pack is only ever a copy of them).
* ``IDENTIFICATION_TABLE_PACKS = ""`` turns packs off: every table comes from the database.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from homecoming.app.identification.models_screening import FamilyTableRow
from homecoming.provenance import digest

TMP_AGE_SECONDS = 24 * 3600
KEEP = 2  # packs kept per database and loci


@dataclass(frozen=True)
class Pack:
    keys: list[str]
    log32: np.ndarray
    log64: np.ndarray
    consistent: np.ndarray | None

    def rows(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.keys)}


def directory(loci_key: str) -> Path | None:
    """Where the packs of ``loci_key`` live in this database's folder (None: packs off or no cache yet)."""
    root = str(getattr(settings, "IDENTIFICATION_TABLE_PACKS", "") or "")
    if not root:
        return None
    first = FamilyTableRow.objects.order_by("id").values_list("id", "created").first()
    if first is None:
        return None
    name = digest(
        [connection.vendor, str(connection.settings_dict.get("NAME")), first[0], first[1].isoformat()]
    )
    return Path(root) / name[:32] / loci_key[:32]


def read(where: Path | None, wanted: Sequence[str], width: int, mutated: bool) -> Pack | None:
    """The complete pack in ``where`` holding most of the ``wanted`` keys (the newest of those holding
    all), memory-mapped; None if there is none (or none fits ``width``)."""
    if where is None or not where.is_dir():
        return None
    want = set(wanted)
    best: tuple[int, Pack] | None = None
    for keys_file in sorted(where.glob("*.keys"), key=lambda p: p.name, reverse=True):
        stem = keys_file.with_suffix("")
        try:
            keys = json.loads(keys_file.read_text())
            n = len(keys)
            arrays = {}
            for suffix, dtype in ((".f32", np.float32), (".f64", np.float64), (".ok", np.uint8)):
                path = stem.with_suffix(suffix)
                if suffix == ".ok" and not mutated:
                    continue
                if not path.exists() or path.stat().st_size != n * width * np.dtype(dtype).itemsize:
                    raise ValueError(f"{path.name}: not {n} rows of {width}")
                arrays[suffix] = np.asarray(np.memmap(path, dtype=dtype, mode="r", shape=(n, width)))
        except (OSError, ValueError):
            continue  # an unreadable or half-removed pack: the database has the rows
        covered = len(want.intersection(keys))
        if best is None or covered > best[0]:
            best = (covered, Pack(keys, arrays[".f32"], arrays[".f64"], arrays.get(".ok")))
        if covered == len(want):
            break
    return None if best is None or best[0] == 0 else best[1]


def write(
    where: Path | None, keys: Sequence[str], log32: np.ndarray, log64: np.ndarray, ok: np.ndarray | None
) -> None:
    """Write a pack of these rows (module docstring) and remove the older ones; never raises on a full
    or read-only disk (the database's cache is the authority: the next run reads it from there)."""
    if where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        now = time.time()
        for old in where.glob("*.tmp"):
            if now - old.stat().st_mtime > TMP_AGE_SECONDS:
                old.unlink(missing_ok=True)
        stem = where / f"{int(now * 1000):015d}-{secrets.token_hex(4)}"
        parts: list[tuple[str, np.ndarray | None]] = [(".f32", log32), (".f64", log64), (".ok", ok)]
        for suffix, array in parts:
            if array is None:
                continue
            tmp = stem.with_suffix(suffix + ".tmp")
            with open(tmp, "wb") as fh:
                np.ascontiguousarray(array).tofile(fh)
            os.replace(tmp, stem.with_suffix(suffix))
        tmp = stem.with_suffix(".keys.tmp")
        tmp.write_text(json.dumps(list(keys)))
        os.replace(tmp, stem.with_suffix(".keys"))
        packs = sorted(where.glob("*.keys"), key=lambda p: p.name, reverse=True)
        for old in packs[KEEP:]:  # the newest KEEP stay (e.g. two scopes screened in turn)
            for suffix in (".keys", ".f32", ".f64", ".ok"):
                old.with_suffix(suffix).unlink(missing_ok=True)
    except OSError:
        return
