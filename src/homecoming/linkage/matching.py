"""Which known records may each new record be? The trained linkage model, new records against known ones.

:func:`match` scores every (new, known) pair that shares a block of the model
(:data:`homecoming.linkage.model.PREDICTION_BLOCKS`) with Splink in ``link_only`` mode on DuckDB: pairs
within the new records and within the known ones are never compared. Each pair at or above
``threshold`` comes back with its evidence: per comparison the level that held (its label in the model)
and what it weighed, in bits (log2 of the Bayes factor m/u; 0 for a missing value).

It is what an import preview and a manifest use to find registry persons among a list's rows; the model
is one trained by :func:`homecoming.linkage.engine.train` (on the registry or on the list itself).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from homecoming.errors import InputError
from homecoming.linkage.engine import _connection, _quiet, check_model
from homecoming.linkage.model import LinkRecord, record_row


@dataclass(frozen=True)
class Evidence:
    """One comparison of a pair: the level that held and its weight in bits (+ for, - against)."""

    comparison: str
    level: str
    weight: float


@dataclass(frozen=True)
class PairMatch:
    """A new record (its index in ``new``) and a known record (its index in ``known``) that may be one."""

    new: int
    known: int
    probability: float
    weight: float
    evidence: tuple[Evidence, ...]

    def agreeing(self) -> list[str]:
        """The comparisons that weighed for the match."""
        return [e.comparison for e in self.evidence if e.weight > 0]


def _levels(model_settings: Mapping[str, Any]) -> dict[str, dict[int, tuple[str, float]]]:
    """Per comparison, Splink's comparison vector value -> (level label, weight in bits)."""
    out: dict[str, dict[int, tuple[str, float]]] = {}
    for comparison in model_settings["comparisons"]:
        levels = comparison["comparison_levels"]
        plain = [level for level in levels if not level.get("is_null_level")]
        values: dict[int, tuple[str, float]] = {-1: ("missing", 0.0)}
        for k, level in enumerate(plain):
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else 0.0
            values[len(plain) - 1 - k] = (level["label_for_charts"], weight)
        out[comparison["output_column_name"]] = values
    return out


def _table(connection: Any, name: str, records: Sequence[LinkRecord], offset: int) -> None:
    import pandas as pd

    rows = [record_row(offset + i, r) for i, r in enumerate(records)]
    frame = pd.DataFrame({column: [row[column] for row in rows] for column in rows[0]})
    connection.from_df(frame).create(name)


def match(
    new: Sequence[LinkRecord],
    known: Sequence[LinkRecord],
    *,
    model: Mapping[str, Any],
    threshold: float = 0.5,
    threads: int | None = None,
) -> list[PairMatch]:
    """Pairs (new, known) whose match probability under ``model`` is at least ``threshold``, best first
    for each new record (then by known index: the order does not depend on the machine)."""
    if not 0.0 < threshold < 1.0:
        raise InputError(
            "threshold: must be a probability between 0 and 1",
            field="threshold",
            value=threshold,
            hint="e.g. 0.5",
        )
    if not new or not known:
        return []
    model_settings = dict(check_model(model))
    model_settings.update(
        link_type="link_only", retain_matching_columns=True, retain_intermediate_calculation_columns=True
    )
    levels = _levels(model_settings)
    names = list(levels)
    connection = _connection(threads)
    _table(connection, "new_records", new, 0)
    _table(connection, "known_records", known, len(new))
    from splink import DuckDBAPI, Linker

    with _quiet():
        linker = Linker(
            ["new_records", "known_records"],
            model_settings,
            db_api=DuckDBAPI(connection=connection),
            input_table_aliases=["new", "known"],
            set_up_basic_logging=False,
        )
        scored = linker.inference.predict(threshold_match_probability=threshold)
        gammas = ", ".join(f'"gamma_{n}"' for n in names)
        rows = connection.execute(
            f"SELECT unique_id_l, unique_id_r, match_probability, match_weight, {gammas} "
            f"FROM {scored.physical_name}"
        ).fetchall()
    out = []
    offset = len(new)
    for row in rows:
        a, b = int(row[0]), int(row[1])
        new_index, known_index = (a, b - offset) if a < offset else (b, a - offset)
        evidence = tuple(
            Evidence(name, *levels[name].get(int(g), ("missing", 0.0)))
            for name, g in zip(names, row[4:], strict=True)
        )
        out.append(PairMatch(new_index, known_index, float(row[2]), float(row[3]), evidence))
    out.sort(key=lambda p: (p.new, -p.probability, p.known))
    return out


__all__ = ["Evidence", "PairMatch", "match"]
