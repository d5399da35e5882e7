"""Replicates of one sample and their consensus.

A sample analysed again (in a later file, or several analyses in one) gets one profile per analysis,
numbered ``replicate`` 1, 2, ... per specimen and method. Once a sample has two or more, a consensus
profile is written as its own row (``consensus_of``: the replicates' references, ``replicate`` 0) with
every conflict listed. The rule, locus by locus over the replicates that typed it:

* all readings the same → that genotype;
* one reading shows one allele and another shows two including it (drop-out) → the two-allele reading,
  listed as a conflict of kind ``dropout``;
* readings that cannot be one genotype → the locus is left out of the consensus, listed as a conflict of
  kind ``disagree`` with every reading;
* a mixture replicate (excluded from kinship) is not used, and listed as a conflict of kind ``excluded``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Replicate:
    reference: str
    loci: Sequence[Mapping[str, Any]]  # Profile.loci rows
    excluded_reason: str = ""


@dataclass(frozen=True)
class Consensus:
    loci: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    consensus_of: list[str]


def _reading(row: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(str(a) for a in row.get("used") or ()))


def _locus(
    name: str, readings: dict[str, tuple[str, ...]], rows: dict[str, Mapping[str, Any]]
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The consensus row of one locus (None: left out) and its conflict (None: none)."""
    distinct = set(readings.values())
    if len(distinct) == 1:
        ref = next(iter(readings))
        return dict(rows[ref]), None
    full = [r for r in distinct if len(r) == 2]
    partial = [r for r in distinct if len(r) == 1]
    shown = {ref: list(r) for ref, r in readings.items()}
    if len(full) == 1 and len(distinct) == 1 + len(partial) and all(p[0] in full[0] for p in partial):
        ref = next(k for k, r in readings.items() if r == full[0])
        return dict(rows[ref]), {"locus": name, "kind": "dropout", "readings": shown, "used": list(full[0])}
    return None, {"locus": name, "kind": "disagree", "readings": shown, "used": []}


def consensus(replicates: Sequence[Replicate]) -> Consensus:
    """The consensus of two or more replicates of one sample, every conflict listed."""
    conflicts: list[dict[str, Any]] = []
    used = [r for r in replicates if not r.excluded_reason]
    conflicts += [
        {
            "locus": "",
            "kind": "excluded",
            "readings": {r.reference: []},
            "used": [],
            "reason": r.excluded_reason,
        }
        for r in replicates
        if r.excluded_reason
    ]
    order: list[str] = []
    readings: dict[str, dict[str, tuple[str, ...]]] = {}
    rows: dict[str, dict[str, Mapping[str, Any]]] = {}
    for rep in used:
        for row in rep.loci:
            name = str(row["locus"])
            if not row.get("used"):
                continue
            if name not in readings:
                order.append(name)
                readings[name], rows[name] = {}, {}
            readings[name][rep.reference] = _reading(row)
            rows[name][rep.reference] = row
    loci: list[dict[str, Any]] = []
    for name in order:
        row, conflict = _locus(name, readings[name], rows[name])
        if row is not None:
            loci.append(row)
        if conflict is not None:
            conflicts.append(conflict)
    return Consensus(loci, conflicts, [r.reference for r in replicates])
