"""The linkage model on Spark: the same settings, the same trained m and u, the same pairs as on DuckDB.

A model is written in DuckDB's SQL (:mod:`homecoming.linkage.model`) and saved that way; on Spark its
conditions are translated when a linker is made (:func:`spark_settings`): sqlglot rewrites the dialect,
and DuckDB's ``jaro_winkler_similarity`` and ``hamming``, which Spark lacks, become Spark SQL expressions
computing the same values. Not the ``jaro_winkler`` of Splink's bundled Scala jar: it counts
transpositions otherwise (0.675 for andr/bondarenko where DuckDB has 0.717), and a model's levels would
mean other things on the two engines; plain SQL also runs on any cluster without a jar. A model trained
on Spark is saved with the DuckDB conditions and Spark's parameters (:func:`duckdb_model`), so either
engine reads either engine's model.

:func:`local_session` starts Spark on this machine (the tests, and ``homecoming link --backend spark``
without a cluster); at national scale the caller gives a session of its cluster to :func:`linker`.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from copy import deepcopy
from pathlib import Path
from typing import Any

#: DuckDB's ``jaro_winkler_similarity`` (rapidfuzz's: window max(len)/2 - 1, the second string's letters
#: matched in order to the first's, prefix weight 0.1 up to 4 letters when Jaro > 0.7) in Spark SQL, with
#: higher-order functions: the state is the first string's match flags followed by the second string's
#: matched positions. Equal to DuckDB's to the last bit but one (DuckDB's build fuses the last
#: multiply-add); the model's thresholds sit 1e-9 below their fractions, so decisions are equal.
_JARO_WINKLER = """CASE WHEN {a} IS NULL OR {b} IS NULL THEN CAST(NULL AS DOUBLE)
WHEN length({a}) = 0 OR length({b}) = 0 THEN CAST(0 AS DOUBLE)
WHEN length({a}) = 1 AND length({b}) = 1 THEN IF({a} = {b}, CAST(1 AS DOUBLE), CAST(0 AS DOUBLE))
ELSE aggregate(array(aggregate(
  sequence(1, length({b})),
  array_repeat(0, length({a})),
  (hc_s, hc_j) -> aggregate(
    array(coalesce(try_element_at(filter(sequence(1, length({a})),
      hc_i -> hc_s[hc_i - 1] = 0 AND abs(hc_i - hc_j) <= greatest(length({a}), length({b})) div 2 - 1
      AND substring({a}, hc_i, 1) = substring({b}, hc_j, 1)), 1), 0)),
    hc_s,
    (hc_t, hc_i) -> IF(hc_i = 0, hc_t,
      concat(transform(slice(hc_t, 1, length({a})), (hc_x, hc_k) -> IF(hc_k + 1 = hc_i, 1, hc_x)),
             slice(hc_t, length({a}) + 1, size(hc_t)), array(hc_j)))),
  hc_s -> IF(size(hc_s) = length({a}), CAST(0 AS DOUBLE),
    ((CAST(size(hc_s) - length({a}) AS DOUBLE) / length({a})
      + CAST(size(hc_s) - length({a}) AS DOUBLE) / length({b}))
      + CAST(size(hc_s) - length({a}) - size(filter(zip_with(
          filter(sequence(1, length({a})), hc_i -> hc_s[hc_i - 1] = 1),
          slice(hc_s, length({a}) + 1, size(hc_s)),
          (hc_p, hc_q) -> substring({a}, hc_p, 1) <> substring({b}, hc_q, 1)), hc_x -> hc_x)) div 2 AS DOUBLE)
        / CAST(size(hc_s) - length({a}) AS DOUBLE)) / CAST(3 AS DOUBLE))
)), CAST(0 AS DOUBLE), (hc_acc, hc_sim) -> IF(hc_sim > CAST(0.7 AS DOUBLE),
  hc_sim + CAST(size(filter(sequence(1, least(4, length({a}), length({b}))),
    hc_k -> substring({a}, 1, hc_k) = substring({b}, 1, hc_k))) AS DOUBLE) * CAST(0.1 AS DOUBLE)
    * (CAST(1 AS DOUBLE) - hc_sim), hc_sim))
END"""

#: Spark's counting of differing positions of two strings of the same length (DuckDB's ``hamming``)
_HAMMING = "size(filter(sequence(1, length({a})), i -> substring({a}, i, 1) <> substring({b}, i, 1)))"

#: log4j 2 configuration of the local session's JVM: errors only (Spark logs every stage at INFO/WARN)
_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


def available() -> str | None:
    """Why Spark cannot run here (no PySpark, no Java), or None when it can."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (it is in requirements.lock: make install)"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").exists()) and not _on_path("java"):
        return "Java is not installed (Spark needs Java 17 or later: apt-get install openjdk-17-jre-headless)"
    return None


def _on_path(program: str) -> bool:
    return shutil.which(program) is not None


def translate(condition: str) -> str:
    """A DuckDB condition (a comparison level's or a blocking rule's) in Spark SQL."""
    import sqlglot
    from sqlglot import exp

    def rewrite(node: exp.Expression) -> exp.Expression:
        name = node.sql_name().lower() if isinstance(node, exp.Func) else ""
        if isinstance(node, exp.Anonymous):
            name = str(node.name).lower()
        if name in ("jarowinkler_similarity", "jaro_winkler_similarity"):
            template, (a, b) = _JARO_WINKLER, (node.this, node.expression or node.expressions[0])
        elif name == "hamming":
            template, (a, b) = _HAMMING, node.expressions
        else:
            return node
        sql = template.format(a=a.sql("spark"), b=b.sql("spark"))
        return sqlglot.parse_one(sql, read="spark")  # type: ignore[return-value]

    tree = sqlglot.parse_one(condition, read="duckdb").transform(rewrite)
    return str(tree.sql("spark"))


def spark_settings(model_settings: Mapping[str, Any]) -> dict[str, Any]:
    """Splink settings of a model (DuckDB dialect) for a Spark linker: the same levels, m and u."""
    out = deepcopy(dict(model_settings))
    out["sql_dialect"] = "spark"
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"] != "ELSE":
                level["sql_condition"] = translate(level["sql_condition"])
    out["blocking_rules_to_generate_predictions"] = [
        {**_rule(rule), "blocking_rule": translate(_rule(rule)["blocking_rule"]), "sql_dialect": "spark"}
        for rule in out.get("blocking_rules_to_generate_predictions", [])
    ]
    return out


def _rule(rule: Any) -> dict[str, Any]:
    return dict(rule) if isinstance(rule, Mapping) else {"blocking_rule": str(rule)}


def duckdb_model(trained: Mapping[str, Any], untrained: Mapping[str, Any]) -> dict[str, Any]:
    """A model trained on Spark, saved as DuckDB's: ``untrained``'s conditions, ``trained``'s parameters."""
    out = deepcopy(dict(trained))
    for key in ("sql_dialect", "blocking_rules_to_generate_predictions"):
        out[key] = deepcopy(untrained[key])
    for comparison, original in zip(out["comparisons"], untrained["comparisons"], strict=True):
        levels = zip(comparison["comparison_levels"], original["comparison_levels"], strict=True)
        for level, first in levels:
            level["sql_condition"] = first["sql_condition"]
    return out


@functools.cache
def local_session(threads: int | None = None) -> Any:
    """A Spark session on this machine (one per process): ``threads`` cores (all when None), few shuffle
    partitions, no web UI, errors-only logging, scratch files and checkpoints in a temporary folder."""
    from pyspark.sql import SparkSession

    scratch = Path(tempfile.mkdtemp(prefix="homecoming-spark-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)  # before Spark's own: runs after it stops
    (scratch / "log4j2.properties").write_text(_LOG4J, encoding="utf-8")
    cores = int(threads) if threads else (os.cpu_count() or 1)
    java_options = f"-Dlog4j2.configurationFile=file:{scratch / 'log4j2.properties'}"
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("homecoming-linkage")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.default.parallelism", str(max(2, cores * 2)))
        .config("spark.local.dir", str(scratch / "local"))
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        .config("spark.driver.extraJavaOptions", java_options)
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(scratch / "checkpoints"))
    return session


def _schema(rows: Sequence[Mapping[str, Any]]) -> Any:
    """Spark types of the model's columns, from their values (a column of only None is text)."""
    from pyspark.sql.types import BooleanType, LongType, StringType, StructField, StructType

    fields = []
    for name in rows[0]:
        value = next((row[name] for row in rows if row[name] is not None), None)
        kind = BooleanType() if isinstance(value, bool) else LongType() if isinstance(value, int) else None
        fields.append(StructField(name, kind or StringType(), nullable=True))
    return StructType(fields)


def linker(rows: Sequence[Mapping[str, Any]], model_settings: Mapping[str, Any], session: Any) -> Any:
    """A Splink linker on Spark over the model's ``rows`` (:func:`homecoming.linkage.model.record_row`)."""
    from splink import Linker
    from splink.backends.spark import SparkAPI

    schema = _schema(rows)
    names = schema.fieldNames()
    frame = session.createDataFrame([tuple(row[n] for n in names) for row in rows], schema)
    api = SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=session, break_lineage_method="persist", register_udfs_automatically=False
    )
    return Linker(frame, spark_settings(model_settings), db_api=api, set_up_basic_logging=False)


def pairs(linker_: Any, scored: Any) -> list[tuple[int, int, float]]:
    """The scored pairs Splink wrote: left id, right id, match probability."""
    table = linker_._db_api.spark.table(scored.physical_name)
    return [
        (int(a), int(b), float(p))
        for a, b, p in table.select("unique_id_l", "unique_id_r", "match_probability").collect()
    ]


__all__ = ["available", "duckdb_model", "linker", "local_session", "pairs", "spark_settings", "translate"]
