"""Conclusions (``conclude``, dvir's dviSolve workflow) on the seeded DVI problems of ``benchmarks/dvi.py``.

For each case: the time of ``conclude`` (pairwise LRs included), how many bodies get each conclusion,
and against the simulated truth how many identified / probable bodies are right and wrong, and how many
bodies the best assignment of ``identify`` pairs with a missing person that ``conclude`` does not
identify (a guess that must not read as an identification)::

    .venv/bin/python benchmarks/conclusions.py [--case NAME ...]

Figures go to stdout, last, as ``name=value`` lines.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dvi

from homecoming.kinship.dvi.conclusions import conclude
from homecoming.kinship.dvi.identification import identify

CASES = ("family12", "untyped8", "large", "pairwise100", "overlimit")


def bench(name: str) -> dict[str, float]:
    problem, truth = dvi.build_case_with_truth(name)
    t0 = time.perf_counter()
    res = conclude(problem)
    seconds = time.perf_counter() - t0
    counts = Counter(c.conclusion for c in res.victims)
    right = {c.conclusion: 0 for c in res.victims}
    wrong = dict(right)
    for c in res.victims:
        if c.missing is not None:
            if truth.get(c.victim) == c.missing:
                right[c.conclusion] += 1
            else:
                wrong[c.conclusion] += 1
    best = identify(problem).best_pairs
    guessed = sum(1 for v, _m in best if res.victims[v].conclusion != "identified")
    out: dict[str, float] = {
        f"conclusions_{name}_seconds": seconds,
        f"conclusions_{name}_bodies": len(res.victims),
    }
    for word in ("identified", "probable", "inconclusive", "no_match", "excluded"):
        out[f"conclusions_{name}_{word}"] = counts.get(word, 0)
    out[f"conclusions_{name}_identified_right"] = right.get("identified", 0)
    out[f"conclusions_{name}_identified_wrong"] = wrong.get("identified", 0)
    out[f"conclusions_{name}_probable_right"] = right.get("probable", 0)
    out[f"conclusions_{name}_probable_wrong"] = wrong.get("probable", 0)
    out[f"conclusions_{name}_best_assignment_not_identified"] = guessed
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=CASES, help="a case (default: all)")
    args = parser.parse_args()
    out: dict[str, float] = {}
    for name in args.case or CASES:
        print(f"{name} ...", file=sys.stderr, flush=True)
        out |= bench(name)
    for k, v in out.items():
        print(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}")


if __name__ == "__main__":
    main()
