"""Benchmark (counts, not speed): hostile import files through every real importer (issue 10, items 9-12).

Run:  .venv/bin/python benchmarks/hostile_files.py [--per-importer 320] [--seed 20261203]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/hostile_files.py
(SQLite in a temporary folder; on PostgreSQL in its own database ``hc_bench_hostile``, dropped first.)

For each importer (person lists, intake manifests, exchange manifests) ``tests/hostile_files.py`` makes a
seeded set of CSV and XLSX files, each of one hostile kind (formulas, huge cells, NUL and control
characters, damaged sheet XML, a zip bomb, wrong encodings, BOMs, lookalike letters, duplicates differing
in case or spaces, truncated files, wrong types, empty files, binary garbage, ... and clean files), and
imports each through the import service on a real database. It counts tracebacks (any exception but the
importer's named error), partial writes (row counts before and after), and live formulas in the XLSX and
CSV exports of what was imported. Prints every finding, then ``name=value`` lines last:
``hostile_files``, per importer ``<importer>_files/imported/refused``, ``seconds``, and ``tracebacks``,
``partial_writes``, ``live_formulas`` (targets: 0).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from bench_database import prepare_database

BENCH_DB = "hc_bench_hostile"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-importer", type=int, default=320)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    backend = prepare_database(BENCH_DB)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import hostile_files as hostile

    ctx = hostile.Context()
    totals: Counter[str] = Counter()
    lines: list[str] = []
    start = time.perf_counter()
    for importer in hostile.IMPORTERS:
        files = hostile.generate(importer, args.per_importer, seed=args.seed)
        report = hostile.run(files, ctx)
        for f in report.findings:
            print(f"{importer} {f.what} {f.file} ({f.kind}): {f.detail}", file=sys.stderr)
        totals.update(
            files=report.files,
            tracebacks=report.tracebacks,
            partial_writes=report.partial_writes,
            live_formulas=report.live_formulas,
            refused_clean=sum(1 for f in report.findings if f.what == "refused_clean"),
        )
        lines += [
            f"{importer}_files={report.files}",
            f"{importer}_kinds={len({f.kind for f in files})}",
            f"{importer}_imported={report.imported}",
            f"{importer}_refused={report.refused}",
        ]
    print(f"backend={backend}")
    print(*lines, sep="\n")
    print(f"refused_clean_files={totals['refused_clean']}")
    print(f"seconds={time.perf_counter() - start:.1f}")
    print(f"hostile_files={totals['files']}")
    print(f"tracebacks={totals['tracebacks']}")
    print(f"partial_writes={totals['partial_writes']}")
    print(f"live_formulas={totals['live_formulas']}")


if __name__ == "__main__":
    main()
