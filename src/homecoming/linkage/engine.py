"""Linking person lists with Splink on DuckDB: train without labels, score the blocked pairs, cluster.

:func:`train` learns the model from the records themselves: u probabilities from random pairs (seeded),
m probabilities by expectation maximisation over the training blocks of :mod:`homecoming.linkage.model`,
the prior from near-certain rules. :func:`link` trains (or takes a saved model), scores every pair that
shares a block, and joins records whose match probability reaches the threshold into clusters
(connected components). A model is a JSON-able dict: Splink's settings with their trained m and u, and
the provenance of the training (input digest, date, Splink version, seed).

Results do not depend on the order the records come in, nor on the machine's threads: the same records
and seed give the same model and the same clusters.

Two backends run the same model: ``"duckdb"`` (one machine, the default) and ``"spark"``
(:mod:`homecoming.linkage.spark`: a local session, or the caller's cluster session at national scale).
A model trained on either is saved alike (DuckDB's SQL, the trained m and u) and scores the same pairs
with the same match probabilities on both.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from homecoming.errors import InputError
from homecoming.linkage.clusters import constrained_clusters
from homecoming.linkage.model import (
    DETERMINISTIC_RULES,
    TRAINING_BLOCKS,
    LinkRecord,
    record_row,
    settings,
)

MODEL_FORMAT = "homecoming-linkage-model/1"
Progress = Callable[[str], None]

#: what the given-name disagreement weighs at least, in bits against (brothers and twins share the rest)
MIN_GIVEN_NAME_PENALTY = 16.0
#: what a disagreement EM could not learn (never among its pairs) weighs against, in bits
UNSEEN_DISAGREEMENT = 10.0
#: the engines Splink runs on: one machine, or Spark (local or a cluster)
BACKENDS = ("duckdb", "spark")
#: stages reported to ``progress``
STAGES = ("features", "training: u", "training: EM", "scoring pairs", "clustering")


@dataclass(frozen=True)
class LinkResult:
    """Each record's cluster (in input order), the number of scored pairs at or above the threshold, the
    model, and those pairs (record ids, match probability; sorted)."""

    clusters: list[tuple[str, str]]
    pairs: int
    threshold: float
    model: dict[str, Any] = field(repr=False)
    scored: list[tuple[str, str, float]] = field(default_factory=list, repr=False)

    @property
    def cluster_count(self) -> int:
        return len({c for _, c in self.clusters})


def _splink() -> Any:
    import splink

    return splink


@contextmanager
def _quiet() -> Iterator[None]:
    """Splink logs every step at INFO and some libraries warn about their own internals: keep it quiet."""
    _splink()  # imported first: importing it sets its logger's level
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def records_digest(records: Sequence[LinkRecord]) -> str:
    """SHA-256 of the records' fields (in the order given), to name the training input in the model's
    provenance (the engine gives them in its canonical order: the digest does not depend on input order)."""
    digest = hashlib.sha256()
    for r in records:
        digest.update(json.dumps(_fields(r), ensure_ascii=False).encode())
    return digest.hexdigest()


def _fields(r: LinkRecord) -> tuple[str, ...]:
    return tuple(
        value or ""
        for value in (
            r.record_id,
            r.source,
            r.family_name,
            r.given_name,
            r.patronymic,
            r.sex,
            r.birth_date,
            r.place_of_birth,
            r.service_number,
            r.unit,
        )
    )


def _rows(records: Sequence[LinkRecord]) -> list[dict[str, Any]]:
    return [record_row(i, r) for i, r in enumerate(records)]


def _frame(rows: list[dict[str, Any]]) -> Any:
    import pandas as pd

    return pd.DataFrame({name: [row[name] for row in rows] for name in rows[0]})


def _connection(threads: int | None) -> Any:
    import duckdb

    connection = duckdb.connect()
    if threads:
        connection.execute(f"SET threads TO {int(threads)}")
    return connection


@dataclass(frozen=True)
class _Engine:
    """Where Splink runs: a backend, DuckDB's threads, or Spark's session (a local one when None)."""

    backend: str = "duckdb"
    threads: int | None = None
    session: Any = None

    def linker(self, rows: list[dict[str, Any]], model_settings: Mapping[str, Any]) -> Any:
        if self.backend == "spark":
            from homecoming.linkage import spark

            return spark.linker(rows, model_settings, self.session or spark.local_session(self.threads))
        from splink import DuckDBAPI, Linker

        connection = _connection(self.threads)
        connection.from_df(_frame(rows)).create("records")  # a DuckDB table: scanning pandas is slow
        api = DuckDBAPI(connection=connection)
        return Linker("records", dict(model_settings), db_api=api, set_up_basic_logging=False)

    def pairs(self, linker: Any, scored: Any) -> list[tuple[int, int, float]]:
        """The pairs Splink scored: left row, right row, match probability."""
        if self.backend == "spark":
            from homecoming.linkage import spark

            return spark.pairs(linker, scored)
        return [
            (int(a), int(b), float(p))
            for a, b, p in linker._db_api._con.execute(  # the DuckDB table Splink wrote
                f"SELECT unique_id_l, unique_id_r, match_probability FROM {scored.physical_name}"
            ).fetchall()
        ]


def _engine(backend: str, threads: int | None, session: Any) -> _Engine:
    if backend not in BACKENDS:
        raise InputError(
            f"backend: unknown backend {backend!r}",
            field="backend",
            value=backend,
            hint=f"one of {', '.join(BACKENDS)}",
        )
    if backend == "spark" and session is None:
        from homecoming.linkage.spark import available

        missing = available()
        if missing:
            raise InputError(
                f"backend: Spark cannot run here: {missing}", field="backend", value=backend, hint=missing
            )
    return _Engine(backend, threads, session)


def _swap_counted_once(comparison: dict[str, Any]) -> None:
    """Swapped names are one piece of evidence that both name comparisons see: the surname's swap
    level weighs it, the given name's weighs nothing (m = u)."""
    for level in comparison["comparison_levels"]:
        if level["label_for_charts"].startswith("swapped") and level.get("u_probability"):
            level["m_probability"] = level["u_probability"]


def _floor_given_name_penalty(model: dict[str, Any]) -> None:
    """Twins and brothers share surname, patronymic, birth date or place: a different given name must
    weigh at least :data:`MIN_GIVEN_NAME_PENALTY` bits against, whatever EM learnt. A disagreement EM
    never saw among its pairs (its m untrained) weighs :data:`UNSEEN_DISAGREEMENT` bits against."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            u = level.get("u_probability")
            if level["sql_condition"] != "ELSE" or not u:
                continue
            if comparison["output_column_name"] == "given_name":
                _swap_counted_once(comparison)
                ceiling = u * 2.0**-MIN_GIVEN_NAME_PENALTY
                if level.get("m_probability", 1.0) > ceiling:
                    level["m_probability"] = ceiling
            elif level.get("m_probability") is None:
                level["m_probability"] = u * 2.0**-UNSEEN_DISAGREEMENT


#: the most a disagreement of a weak identifier may weigh against, in bits: soldiers move between units
#: and lists write units and places in their own words, so a different unit or place of birth is weak
#: evidence of two people (EM on lists that agree on them learns -36 bits)
DISAGREEMENT_FLOORS: dict[str, float] = {"unit": -3.0, "place_of_birth": -3.0}


def _weight(level: Mapping[str, Any]) -> float | None:
    m, u = level.get("m_probability"), level.get("u_probability")
    return math.log2(m / u) if m and u else None


def _bounded(model: dict[str, Any]) -> None:
    """Two corrections of what EM learnt on the lists it saw: a different unit or place of birth weighs
    no more than :data:`DISAGREEMENT_FLOORS` against; and the strongest agreement level of a comparison
    (the same text) weighs at least as much as the next (the same key, the same digits), which EM can
    put a little above it by chance (the looser level is brought down to it: m never grows)."""
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        floor = DISAGREEMENT_FLOORS.get(name)
        for level in levels:
            w = _weight(level)
            if floor is not None and w is not None and w < floor:
                level["m_probability"] = level["u_probability"] * 2.0**floor
        if len(levels) >= 2:
            first, second = _weight(levels[0]), _weight(levels[1])
            if first is not None and second is not None and 0 < first < second:
                levels[1]["m_probability"] = levels[1]["u_probability"] * 2.0**first


def _too_few(records: int, exc: Exception) -> InputError:
    return InputError(
        f"records: {records} records give a linkage model nothing to learn from: too few, or no two share "
        f"a name key or a service number ({type(exc).__name__})",
        field="records",
        value=records,
        hint="give more records (a few hundred), or a trained model: --model shipped (the model "
        "shipped with Homecoming) or --model FILE (saved by --save-model)",
    )


def train(
    records: Sequence[LinkRecord],
    *,
    seed: int = 1,
    provenance: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    threads: int | None = None,
    max_pairs: float = 1e6,
    backend: str = "duckdb",
    spark_session: Any = None,
) -> dict[str, Any]:
    """A model trained on ``records`` without labels (deterministic given ``seed``), on ``backend``
    (Spark: ``spark_session``, or a local session when None)."""
    if not records:
        raise InputError("no records to train on", field="records", value=0, hint="give at least one list")
    engine = _engine(backend, threads, spark_session)
    say = progress or (lambda _: None)
    say("features")
    canonical = [records[i] for i in _canonical_order(records)]
    return _train_rows(
        _rows(canonical),
        engine,
        seed=seed,
        digest=records_digest(canonical),
        provenance=provenance,
        say=say,
        max_pairs=max_pairs,
    )


def _train_rows(
    rows: list[dict[str, Any]],
    engine: _Engine,
    *,
    seed: int,
    digest: str,
    provenance: Mapping[str, Any] | None,
    say: Progress,
    max_pairs: float,
) -> dict[str, Any]:
    from splink.internals.exceptions import EMTrainingException

    with _quiet():
        linker = engine.linker(rows, settings())
        try:
            # more certain pairs than the recall allows (tiny lists): the default prior stays
            with contextlib.suppress(ValueError):
                linker.training.estimate_probability_two_random_records_match(
                    list(DETERMINISTIC_RULES), recall=0.7
                )
            say("training: u")
            linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
            say("training: EM")
            for rule in TRAINING_BLOCKS:
                linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except (EMTrainingException, ZeroDivisionError) as exc:
            raise _too_few(len(rows), exc) from exc
        trained = linker.misc.save_model_to_json()
    if engine.backend == "spark":
        from homecoming.linkage.spark import duckdb_model

        trained = duckdb_model(trained, settings())
    _floor_given_name_penalty(trained)
    _bounded(trained)
    return {
        "format": MODEL_FORMAT,
        "provenance": {
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "records": len(rows),
            "records_sha256": digest,
            "seed": seed,
            "max_pairs": max_pairs,
            "backend": engine.backend,
            "splink_version": _splink().__version__,
            **dict(provenance or {}),
        },
        "splink_settings": trained,
    }


#: how many random pairs the u of the model being adapted counts as (:func:`retrain_u`)
U_PRIOR_PAIRS = 100_000.0


def retrain_u(
    records: Sequence[LinkRecord],
    model: Mapping[str, Any],
    *,
    seed: int = 1,
    provenance: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    max_pairs: float = 1e6,
) -> dict[str, Any]:
    """``model`` with its u probabilities learnt anew from ``records`` (random pairs, seeded), its m
    probabilities and prior kept.

    For a registry, whose persons are (nearly) all different people: how often two records agree by
    chance is what it shows well — its own names, dates and units — while how often the records of one
    person agree (m) can only be learnt from lists that hold one person more than once (the model's own
    training). Each person should give one record (one name form), or two forms of one person would be
    taken for chance agreement. Each level's new u is the registry's, averaged with the model's as if the
    model's came from :data:`U_PRIOR_PAIRS` random pairs: a registry of a few hundred persons moves it a
    little, one of a million replaces it.
    """
    if len(records) < 2:
        raise _too_few(len(records), ValueError("fewer than two records"))
    base = check_model(model)
    say = progress or (lambda _: None)
    say("features")
    canonical = [records[i] for i in _canonical_order(records)]
    engine = _engine("duckdb", None, None)
    with _quiet():
        linker = engine.linker(_rows(canonical), base)
        say("training: u")
        try:
            linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        except ZeroDivisionError as exc:
            raise _too_few(len(records), exc) from exc
        fresh = linker.misc.save_model_to_json()
    kept = {
        (c["output_column_name"], level["sql_condition"]): level
        for c in base["comparisons"]
        for level in c["comparison_levels"]
    }
    pairs = min(max_pairs, len(canonical) * (len(canonical) - 1) / 2)
    for comparison in fresh["comparisons"]:
        for level in comparison["comparison_levels"]:
            old = kept.get((comparison["output_column_name"], level["sql_condition"]))
            if old is None or level.get("is_null_level"):
                continue
            if old.get("m_probability") is not None:
                level["m_probability"] = old["m_probability"]
            # a small registry's few random pairs say little: its u leans on the model's, in proportion
            u_old, u_new = old.get("u_probability"), level.get("u_probability") or 0.0
            if u_old:
                level["u_probability"] = (pairs * u_new + U_PRIOR_PAIRS * u_old) / (pairs + U_PRIOR_PAIRS)
    fresh["probability_two_random_records_match"] = base["probability_two_random_records_match"]
    _floor_given_name_penalty(fresh)
    _bounded(fresh)
    return {
        "format": MODEL_FORMAT,
        "provenance": {
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "records": len(canonical),
            "records_sha256": records_digest(canonical),
            "seed": seed,
            "max_pairs": max_pairs,
            "backend": "duckdb",
            "splink_version": _splink().__version__,
            "m_from": dict(model.get("provenance", {})),
            **dict(provenance or {}),
        },
        "splink_settings": fresh,
    }


def check_model(model: Mapping[str, Any]) -> dict[str, Any]:
    """The Splink settings of a saved model, or an :class:`InputError` saying why it is not one."""
    if model.get("format") != MODEL_FORMAT or not isinstance(model.get("splink_settings"), dict):
        raise InputError(
            "model: not a Homecoming linkage model",
            field="model",
            value=str(model.get("format")),
            hint=f"give a file saved by 'homecoming link --save-model' (format {MODEL_FORMAT})",
        )
    return dict(model["splink_settings"])


def _canonical_order(records: Sequence[LinkRecord]) -> list[int]:
    """The records' positions sorted by what they hold: the model sees the same table (and its seeded
    sampling the same rows) whatever order the lists and rows come in."""
    return sorted(range(len(records)), key=lambda i: _fields(records[i]))


def _clusters(
    rows: list[dict[str, Any]],
    pairs: list[Any],
    threshold: float,
    records: Sequence[LinkRecord],
    order: list[int],
) -> list[tuple[str, str]]:
    """Clusters of the pairs at or above ``threshold`` (:mod:`homecoming.linkage.clusters`) over the
    records in ``order`` (row k is ``records[order[k]]``), numbered in input order."""
    roots = constrained_clusters(rows, ((int(a), int(b), float(p)) for a, b, p in pairs), threshold)
    root_of = [0] * len(records)
    for k, position in enumerate(order):
        root_of[position] = roots[k]
    names: dict[int, str] = {}
    out = []
    for record, top in zip(records, root_of, strict=True):
        if top not in names:
            names[top] = str(len(names) + 1)
        out.append((record.record_id, names[top]))
    return out


def link(
    records: Sequence[LinkRecord],
    *,
    threshold: float = 0.9,
    model: Mapping[str, Any] | None = None,
    seed: int = 1,
    provenance: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    threads: int | None = None,
    backend: str = "duckdb",
    spark_session: Any = None,
) -> LinkResult:
    """Cluster ``records`` (records of one person share a cluster id); train first unless ``model``.
    ``backend`` is where Splink runs (:data:`BACKENDS`; Spark: ``spark_session`` or a local one)."""
    if not 0.0 < threshold < 1.0:
        raise InputError(
            "threshold: must be a probability between 0 and 1",
            field="threshold",
            value=threshold,
            hint="e.g. 0.9",
        )
    if not records:
        raise InputError("no records to link", field="records", value=0, hint="give at least one list")
    model_settings = check_model(model) if model is not None else None
    engine = _engine(backend, threads, spark_session)
    say = progress or (lambda _: None)
    say("features")
    order = _canonical_order(records)
    canonical = [records[i] for i in order]
    rows = _rows(canonical)
    if model is None:
        model = _train_rows(
            rows,
            engine,
            seed=seed,
            digest=records_digest(canonical),
            provenance=provenance,
            say=say,
            max_pairs=1e6,
        )
        model_settings = check_model(model)
    say("scoring pairs")
    with _quiet():
        linker = engine.linker(rows, model_settings or {})
        pairs = engine.pairs(linker, linker.inference.predict(threshold_match_probability=threshold))
    say("clustering")
    clusters = _clusters(rows, pairs, threshold, records, order)
    ids = [r.record_id for r in canonical]
    scored = sorted((min(ids[a], ids[b]), max(ids[a], ids[b]), p) for a, b, p in pairs if p >= threshold)
    return LinkResult(
        clusters=clusters, pairs=len(pairs), threshold=threshold, model=dict(model), scored=scored
    )


def explain_pair(
    left: LinkRecord, right: LinkRecord, *, model: Mapping[str, Any] | None = None
) -> list[tuple[str, str, float | None]]:
    """How two records compare: each comparison's level (its label) and, given a trained ``model``, the
    level's match weight in bits (log2 m/u; None for a missing value)."""
    import duckdb

    model_settings = check_model(model) if model is not None else settings()
    connection = duckdb.connect()
    frame = _frame(_rows([left, right]))
    connection.from_df(frame).create("records")
    columns = [c for c in frame.columns if c != "unique_id"]
    select = ", ".join(f'l."{c}" AS "{c}_l", r."{c}" AS "{c}_r"' for c in columns)
    connection.execute(
        f"CREATE TABLE pair AS SELECT {select} FROM records l, records r "
        "WHERE l.unique_id = 0 AND r.unique_id = 1"
    )
    out = []
    for comparison in model_settings["comparisons"]:
        levels = comparison["comparison_levels"]
        cases = " ".join(
            f"WHEN {level['sql_condition']} THEN {i}"
            for i, level in enumerate(levels)
            if level["sql_condition"] != "ELSE"
        )
        index = connection.execute(f"SELECT CASE {cases} ELSE {len(levels) - 1} END FROM pair").fetchall()[0][
            0
        ]
        level = levels[index]
        m, u = level.get("m_probability"), level.get("u_probability")
        weight = math.log2(m / u) if m and u and not level.get("is_null_level") else None
        out.append((comparison["output_column_name"], level["label_for_charts"], weight))
    return out


__all__ = [
    "BACKENDS",
    "MIN_GIVEN_NAME_PENALTY",
    "MODEL_FORMAT",
    "STAGES",
    "UNSEEN_DISAGREEMENT",
    "LinkResult",
    "check_model",
    "explain_pair",
    "link",
    "records_digest",
    "retrain_u",
    "train",
]
