"""The Spark path equals the DuckDB path: the same saved model scores the same pairs with the same match
probabilities and gives the same clusters; training on Spark gives DuckDB's model; the translated
Jaro-Winkler and Hamming give DuckDB's values.

Spark needs Java and PySpark (both installed by ``make install`` and ``.ci/run``): without them these
tests are skipped with the reason, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

import duckdb
import pytest
from test_engine import labelled_set
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.errors import InputError
from homecoming.linkage import spark
from homecoming.linkage.engine import link, train
from homecoming.linkage.model import LinkRecord

MISSING = spark.available()


@pytest.fixture(autouse=True)
def _needs_spark() -> None:
    if MISSING:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but Spark cannot run: {MISSING}")
        pytest.skip(MISSING)


@pytest.fixture(scope="module")
def records() -> list[LinkRecord]:
    found, _, _ = labelled_set(n=40, seed=11)  # about ninety records with twins, brothers and sons
    return found


@pytest.fixture(scope="module")
def duckdb_model(records: list[LinkRecord]) -> dict[str, Any]:
    return train(records, seed=7)


def _spark(sql: str) -> list[Any]:
    from homecoming.linkage.engine import _quiet

    with _quiet():
        return list(spark.local_session(2).sql(sql).collect())


@pytest.mark.slow
def test_a_saved_model_links_the_same_on_spark_as_on_duckdb(
    records: list[LinkRecord], duckdb_model: dict[str, Any]
) -> None:
    model = json.loads(json.dumps(duckdb_model))  # as saved and read back
    on_duckdb = link(records, threshold=0.5, model=model)
    on_spark = link(records, threshold=0.5, model=model, backend="spark", threads=2)
    assert on_duckdb.pairs > 20  # a real test: many pairs, and many clusters of two
    assert on_spark.clusters == on_duckdb.clusters
    assert [p[:2] for p in on_spark.scored] == [p[:2] for p in on_duckdb.scored]
    for (_, _, p_spark), (_, _, p_duckdb) in zip(on_spark.scored, on_duckdb.scored, strict=True):
        assert p_spark == pytest.approx(p_duckdb, rel=1e-9, abs=1e-12)


@pytest.mark.slow
def test_training_on_spark_gives_the_duckdb_model(
    records: list[LinkRecord], duckdb_model: dict[str, Any]
) -> None:
    """Every pair is sampled for u on a list this small, so both engines see the same pairs; EM then
    agrees but for the order of floating-point sums (measured: relative differences below 1e-14)."""
    on_spark = train(records, seed=7, backend="spark", threads=2)
    assert on_spark["provenance"]["backend"] == "spark"
    mine, theirs = on_spark["splink_settings"], duckdb_model["splink_settings"]
    assert mine["sql_dialect"] == "duckdb"  # saved alike: either engine reads it
    assert mine["probability_two_random_records_match"] == pytest.approx(
        theirs["probability_two_random_records_match"], rel=1e-9
    )
    compared = 0
    for left, right in zip(mine["comparisons"], theirs["comparisons"], strict=True):
        for a, b in zip(left["comparison_levels"], right["comparison_levels"], strict=True):
            assert a["sql_condition"] == b["sql_condition"]
            for key in ("m_probability", "u_probability"):
                assert (a.get(key) is None) == (b.get(key) is None), (left["output_column_name"], key)
                if a.get(key) is not None:
                    assert a[key] == pytest.approx(b[key], rel=1e-9), (a["label_for_charts"], key)
                    compared += 1
    assert compared > 30


def _pairs_of_words() -> list[tuple[str, str]]:
    rng = random.Random(3)
    found = set()
    for n in range(1500):
        alphabet = "abc" if n % 2 else "abcdefgh"  # few letters: many matches and transpositions
        found.add(tuple("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 11))) for _ in "ab"))
    found |= {("andr", "bondarenko"), ("martha", "marhta"), ("dixon", "dicksonx"), ("a", "a"), ("", "")}
    return sorted(found)  # type: ignore[arg-type]


@pytest.mark.slow
def test_spark_jaro_winkler_and_hamming_are_duckdbs() -> None:
    pairs = _pairs_of_words()
    connection = duckdb.connect()
    connection.execute("CREATE TABLE p (a VARCHAR, b VARCHAR)")
    connection.executemany("INSERT INTO p VALUES (?, ?)", pairs)
    sql = (
        "SELECT a, b, jaro_winkler_similarity(a, b), "
        "CASE WHEN length(a) = length(b) AND length(a) > 0 THEN hamming(a, b) END FROM p"
    )
    expected = {(a, b): (jw, h) for a, b, jw, h in connection.execute(sql).fetchall()}
    values = ", ".join(f"('{a}', '{b}')" for a, b in pairs)
    jw, hamming = (spark.translate(f) for f in ("jaro_winkler_similarity(a, b)", "hamming(a, b)"))
    rows = _spark(
        f"SELECT a, b, {jw}, CASE WHEN length(a) = length(b) AND length(a) > 0 THEN {hamming} END "
        f"FROM VALUES {values} AS p(a, b)"
    )
    assert len(rows) == len(pairs)
    for a, b, similarity, distance in rows:
        assert similarity == pytest.approx(expected[a, b][0], abs=3e-16), (
            a,
            b,
        )  # DuckDB fuses a multiply-add
        assert distance == expected[a, b][1], (a, b)
    assert expected["andr", "bondarenko"][0] == pytest.approx(0.7166666666666667)  # not Splink's jar's 0.675


def test_an_unknown_backend_is_refused(records: list[LinkRecord]) -> None:
    with pytest.raises(InputError, match="unknown backend 'dask'"):
        link(records, backend="dask")


@pytest.mark.slow
def test_homecoming_link_backend_spark(tmp_path: Path, duckdb_model: dict[str, Any]) -> None:
    from test_link_cli import LIST_A, LIST_B, clusters, write

    a, b = write(tmp_path, "a.csv", LIST_A), write(tmp_path, "b.csv", LIST_B)
    model = write(tmp_path, "model.json", json.dumps(duckdb_model))
    outs = {}
    for backend in ("duckdb", "spark"):
        outs[backend] = tmp_path / f"{backend}.csv"
        arguments = ["link", str(a), str(b), "--out", str(outs[backend]), "--model", str(model)]
        result = CliRunner().invoke(app, [*arguments, "--backend", backend, "--json"])
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["backend"] == backend
    assert clusters(outs["spark"]) == clusters(outs["duckdb"])
    assert len(set(clusters(outs["spark"]).values())) < 6
    refused = CliRunner().invoke(app, ["link", str(a), "--out", str(tmp_path / "x.csv"), "--backend", "dask"])
    assert refused.exit_code != 0 and "--backend" in refused.stderr
    assert not (tmp_path / "x.csv").exists()


def test_translation_keeps_the_model_and_names_spark_functions(duckdb_model: dict[str, Any]) -> None:
    settings = duckdb_model["splink_settings"]
    translated = spark.spark_settings(settings)
    assert translated["sql_dialect"] == "spark" and settings["sql_dialect"] == "duckdb"
    text = json.dumps(translated["comparisons"])
    assert "jaro_winkler_similarity" not in text.lower() and "hamming" not in text.lower()
    for left, right in itertools.zip_longest(translated["comparisons"], settings["comparisons"]):
        for a, b in zip(left["comparison_levels"], right["comparison_levels"], strict=True):
            assert (a.get("m_probability"), a.get("u_probability")) == (
                b.get("m_probability"),
                b.get("u_probability"),
            )
    assert spark.duckdb_model(translated, settings)["comparisons"] == settings["comparisons"]
