"""The compiled (numba) parts of :mod:`homecoming.kinship.screen`: the tiled float32 kernel that keeps the
top families per body and the top bodies per family, the float64 pair rescoring and the stable per-row order.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
U8 = NDArray[np.uint8]


_TILE = 64  # families per tile: 2,787 columns x 64 float32 = 0.7 MB, held in L2 while every body passes


@numba.njit(cache=True, nogil=True)
def _insert(scores: F32, ids: I32, s: np.float32, ident: int) -> None:
    k = scores.size - 1
    while k > 0 and scores[k - 1] < s:
        scores[k] = scores[k - 1]
        ids[k] = ids[k - 1]
        k -= 1
    scores[k] = s
    ids[k] = ident


@numba.njit(cache=True, nogil=True)
def _transpose(tab: F32, f0: int, w: int, buf: F32) -> None:  # pragma: no cover - compiled
    """``buf[column, i] = tab[f0 + i, column]`` for the ``w`` families of a tile, -inf in unused slots."""
    n_col, i0 = tab.shape[1], 0
    while i0 + 8 <= w:  # eight rows streamed side by side: sequential reads, 32-byte writes
        r0, r1, r2, r3 = tab[f0 + i0], tab[f0 + i0 + 1], tab[f0 + i0 + 2], tab[f0 + i0 + 3]
        r4, r5, r6, r7 = tab[f0 + i0 + 4], tab[f0 + i0 + 5], tab[f0 + i0 + 6], tab[f0 + i0 + 7]
        for c in range(n_col):
            b = buf[c]
            b[i0], b[i0 + 1], b[i0 + 2], b[i0 + 3] = r0[c], r1[c], r2[c], r3[c]
            b[i0 + 4], b[i0 + 5], b[i0 + 6], b[i0 + 7] = r4[c], r5[c], r6[c], r7[c]
        i0 += 8
    for i in range(i0, w):
        row = tab[f0 + i]
        for c in range(n_col):
            buf[c, i] = row[c]
    if w < buf.shape[1]:
        buf[:, w:] = -np.inf


@numba.njit(cache=True, nogil=True)
def _tile_scores(buf: F32, cols_v: I32, acc: F32) -> None:  # pragma: no cover - compiled
    """``acc[i]`` = the body's float32 sum over markers (in marker order) for family ``i`` of the tile."""
    n = acc.size  # a run-time width: the add loop below is vectorised (16 pairs per AVX-512 add)
    for i in range(n):
        acc[i] = 0.0
    for m in range(cols_v.size):
        r = buf[cols_v[m]]
        for i in range(n):  # the same float32 operations per pair, in the same order
            acc[i] += r[i]


@numba.njit(cache=True, nogil=True)
def _record(
    acc: F32,
    w: int,
    v: int,
    f0: int,
    base: int,
    vs: F32,
    vi: I32,
    fs: F32,
    fi: I32,
    cv: I64,
    cf: I64,
    thr: np.float32,
    low: F32,
    below: np.float32,
) -> None:  # pragma: no cover - compiled
    """Enter body ``v``'s scores against the tile's families (ascending, so ties keep the lower index)."""
    kv, kf = vs.shape[1], fs.shape[1]
    for i in range(w):
        s = acc[i]
        if s > vs[v, kv - 1]:
            _insert(vs[v], vi[v], s, base + f0 + i)
        if kf > 0 and s > fs[f0 + i, kf - 1]:
            _insert(fs[f0 + i], fi[f0 + i], s, v)
            low[i] = min(fs[f0 + i, kf - 1], below)
        if s >= thr:
            cv[v] += 1
            cf[f0 + i] += 1


@numba.njit(parallel=True, cache=True, nogil=True)
def _kernel(
    tab: F32, cols: I32, base: int, n_parts: int, kv: int, kf: int, thr: np.float32, tile: int
) -> tuple[F32, I32, F32, I32, I64, I64]:  # pragma: no cover - compiled
    n_fam, n_vic = tab.shape[0], cols.shape[0]
    vs = np.full((n_parts, n_vic, kv), -np.inf, dtype=np.float32)
    vi = np.full((n_parts, n_vic, kv), -1, dtype=np.int32)
    fs = np.full((n_fam, kf), -np.inf, dtype=np.float32)
    fi = np.full((n_fam, kf), -1, dtype=np.int32)
    cv = np.zeros((n_parts, n_vic), dtype=np.int64)
    cf = np.zeros(n_fam, dtype=np.int64)
    below = np.nextafter(thr, np.float32(-np.inf))  # s > below  <=>  s >= thr
    for p in numba.prange(n_parts):
        buf = np.empty((tab.shape[1], tile), dtype=np.float32)  # one tile of families, transposed
        acc = np.empty(tile, dtype=np.float32)
        low = np.empty(tile, dtype=np.float32)  # per family: below its k-th best and the threshold
        vsp, vip, cvp = vs[p], vi[p], cv[p]
        hi = (p + 1) * n_fam // n_parts
        for f0 in range(p * n_fam // n_parts, hi, tile):
            w = min(tile, hi - f0)
            _transpose(tab, f0, w, buf)
            for i in range(tile):
                low[i] = below if kf == 0 or i >= w else min(fs[f0 + i, kf - 1], below)
            for v in range(n_vic):
                _tile_scores(buf, cols[v], acc)
                cut = vsp[v, kv - 1]
                hit = 0
                for i in range(tile):  # the common case: nothing to record for the whole tile
                    hit += (acc[i] > cut) | (acc[i] > low[i])
                if hit:
                    _record(acc, w, v, f0, base, vsp, vip, fs, fi, cvp, cf, thr, low, below)
    return vs, vi, fs, fi, cv, cf


@numba.njit(parallel=True, cache=True, nogil=True)
def _pair_scores(
    tab64: F64, ok: U8, cols: I32, fam: I64, vic: I64, use_ok: bool
) -> tuple[F64, I64]:  # pragma: no cover - compiled
    n = fam.size
    out = np.zeros(n)
    excl = np.zeros(n, dtype=np.int64)
    for q in numba.prange(n):
        s = 0.0
        e = 0
        for m in range(cols.shape[1]):
            c = cols[vic[q], m]
            x = tab64[fam[q], c]
            s += x
            if use_ok:
                e += ok[fam[q], c] == 0
            else:
                e += x == -np.inf
        out[q] = s
        excl[q] = e
    return out, excl


@numba.njit(parallel=True, cache=True, nogil=True)
def _order(scores: F32 | F64, ids: I32) -> I64:  # pragma: no cover - compiled
    """Per row the stable order by score descending, then id ascending (-1 = missing, after all ids)."""
    out = np.empty(scores.shape, dtype=np.int64)
    big = np.iinfo(np.int32).max
    for r in numba.prange(scores.shape[0]):
        o = out[r]
        for j in range(scores.shape[1]):  # insertion sort: rows are short and made of sorted runs
            s, d = scores[r, j], ids[r, j] if ids[r, j] >= 0 else big
            q = j
            while q > 0:
                t, e = scores[r, o[q - 1]], ids[r, o[q - 1]] if ids[r, o[q - 1]] >= 0 else big
                if not (s > t or (s == t and d < e)):
                    break
                o[q] = o[q - 1]
                q -= 1
            o[q] = j
    return out
