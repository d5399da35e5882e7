"""Accuracy of ``homecoming link`` on the development set of person lists (issue 14).

Runs the real command (``python -m homecoming.cli link``, in a fresh process) on the three lists of
``../shared/data/linkage-dev`` and scores its clusters against ``truth.csv``: pairwise precision, recall
and F1 over the record pairs put in one cluster, and B-cubed precision, recall and F1 (per record: the
share of its cluster that is truly its person, and of its person found in its cluster). Targets:
pairwise F1 >= 0.97, B-cubed F1 >= 0.98. Figures last, as ``name=value`` lines.

    .venv/bin/python benchmarks/linkage_dev.py [--threshold 0.9] [--data DIR] [--backend spark]
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HOMECOMING_SHARED_DIR", REPO.parent / "shared")).resolve()


def read_assignment(path: Path, key: str, value: str) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row[key]: row[value] for row in csv.DictReader(handle)}


def pairs(assignment: dict[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for record, group in assignment.items():
        groups[group].append(record)
    return {pair for members in groups.values() for pair in combinations(sorted(members), 2)}


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def scores(found: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    """Pairwise and B-cubed precision, recall and F1 of ``found`` against ``truth`` (same records)."""
    found_pairs, true_pairs = pairs(found), pairs(truth)
    both = len(found_pairs & true_pairs)
    precision = both / len(found_pairs) if found_pairs else 1.0
    recall = both / len(true_pairs) if true_pairs else 1.0
    clusters: dict[str, set[str]] = defaultdict(set)
    persons: dict[str, set[str]] = defaultdict(set)
    for record in truth:
        clusters[found[record]].add(record)
        persons[truth[record]].add(record)
    b_precision = b_recall = 0.0
    for record in truth:
        cluster, person = clusters[found[record]], persons[truth[record]]
        shared = len(cluster & person)
        b_precision += shared / len(cluster)
        b_recall += shared / len(person)
    b_precision /= len(truth)
    b_recall /= len(truth)
    return {
        "pairwise_precision": precision,
        "pairwise_recall": recall,
        "pairwise_f1": f1(precision, recall),
        "bcubed_precision": b_precision,
        "bcubed_recall": b_recall,
        "bcubed_f1": f1(b_precision, b_recall),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=SHARED / "data" / "linkage-dev")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb")
    args = parser.parse_args()
    lists = sorted(args.data.glob("list_*.csv"))
    truth = read_assignment(args.data / "truth.csv", "record_id", "person_id")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "clusters.csv"
        command = [sys.executable, "-m", "homecoming.cli", "link", *map(str, lists), "--out", str(out)]
        command += ["--backend", args.backend]
        if args.threshold is not None:
            command += ["--threshold", str(args.threshold)]
        started = time.perf_counter()
        subprocess.run(command, check=True)
        seconds = time.perf_counter() - started
        found = read_assignment(out, "record_id", "cluster_id")
    if set(found) != set(truth):
        sys.exit(f"the clusters name {len(found)} records, the truth {len(truth)}")
    figures = scores(found, truth)
    print(f"backend={args.backend}")
    print(f"records={len(truth)}")
    print(f"load_average_1m={os.getloadavg()[0]:.1f}")
    print(f"link_seconds={seconds:.1f}")
    for name, value in figures.items():
        print(f"{name}={value:.4f}")


if __name__ == "__main__":
    main()
