"""Clusters from scored pairs: connected components at a threshold, that never join two records which
plainly are two people unless the model itself scored that very pair a match.

Plain connected components chain: A matches B, B (with no patronymic and no birth date) matches C, and
A and C — brothers — end in one cluster. Here pairs join clusters from the most to the least probable,
and a join is refused when it would put together two records that contradict each other outright
(:func:`contradict`): both give a full given name and the names are neither the same name in another
language nor a typo apart; both give a patronymic and the fathers differ; both give a full birth date
more than a year apart and not a day/month swap or a digit typo; or both give a sex and it differs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance in letters (Python strings: characters, not bytes)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _keys(row: Mapping[str, Any], *names: str) -> set[str]:
    return {row[n] for n in names if row.get(n)}


def _near(left: set[str], right: set[str], limit: int = 2) -> bool:
    return bool(left & right) or any(edit_distance(a, b) <= limit for a in left for b in right)


def _given_differs(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    if a.get("gi") or b.get("gi") or not a.get("gk1") or not b.get("gk1"):
        return False
    if a.get("gg") and a.get("gg") == b.get("gg"):
        return False
    swapped = _keys(a, "gk1", "gk2") & _keys(b, "sk1", "sk2") or (a.get("gg") and a.get("gg") == b.get("sg"))
    return not swapped and not _near(_keys(a, "gk1", "gk2"), _keys(b, "gk1", "gk2"))


def _patronymic_differs(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    if not a.get("ps1") or not b.get("ps1"):
        return False
    if a.get("pg") and a.get("pg") == b.get("pg"):
        return False
    return not _near(_keys(a, "ps1", "ps2"), _keys(b, "ps1", "ps2")) and not _near(
        _keys(a, "pk1", "pk2"), _keys(b, "pk1", "pk2")
    )


def _birth_differs(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    x, y = a.get("dob"), b.get("dob")
    if not x or not y or x == y:
        return False
    if abs(int(a["byr"]) - int(b["byr"])) <= 1:
        return False
    swapped = a["byr"] == b["byr"] and a["bm"] == b["bd"] and a["bd"] == b["bm"]
    typo = sum(p != q for p, q in zip(x, y, strict=True)) <= 2 and sorted(x) == sorted(y)
    one_digit = sum(p != q for p, q in zip(x, y, strict=True)) == 1
    return not (swapped or typo or one_digit)


def contradict(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Are two records (model rows, :func:`homecoming.linkage.model.record_row`) plainly two people?"""
    if a.get("sex") and b.get("sex") and a["sex"] != b["sex"]:
        return True
    return _given_differs(a, b) or _patronymic_differs(a, b) or _birth_differs(a, b)


def constrained_clusters(
    rows: Sequence[Mapping[str, Any]], pairs: Iterable[tuple[int, int, float]], threshold: float
) -> list[int]:
    """The cluster (its smallest member's index) of each row: pairs at or above ``threshold`` join
    clusters, most probable first, unless the join would put two contradicting records together."""
    parent = list(range(len(rows)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(rows))}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    ordered = sorted((p for p in pairs if p[2] >= threshold), key=lambda p: (-p[2], p[0], p[1]))
    linked = {(min(i, j), max(i, j)) for i, j, _ in ordered}
    for left, right, _ in ordered:
        a, b = root(left), root(right)
        if a == b:
            continue
        if any(
            (min(i, j), max(i, j)) not in linked and contradict(rows[i], rows[j])
            for i in members[a]
            for j in members[b]
        ):
            continue
        keep, gone = min(a, b), max(a, b)
        parent[gone] = keep
        members[keep].extend(members.pop(gone))
    return [root(i) for i in range(len(rows))]


__all__ = ["constrained_clusters", "contradict", "edit_distance"]
