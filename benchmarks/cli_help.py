"""How long ``homecoming --help`` takes, start to exit (a fresh interpreter each time).

Runs the installed ``homecoming`` script beside this Python (or ``python -m homecoming.cli``) ``--runs``
times for the root help and for one command's help (``dvi --help``, whose command needs the kinship
engine). Prints ``name=value`` lines last: medians in seconds, ``cli_help_seconds`` last. Target ≤ 1 s.

    .venv/bin/python benchmarks/cli_help.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def command() -> list[str]:
    script = Path(sys.executable).with_name("homecoming")
    return [str(script)] if script.exists() else [sys.executable, "-m", "homecoming.cli"]


def median_seconds(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*command(), *args], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    median_seconds(["--help"], 1)  # warm the file cache and the bytecode
    dvi = median_seconds(["dvi", "--help"], runs)
    root = median_seconds(["--help"], runs)
    print(f"load_average_1m={os.getloadavg()[0]:.2f}")
    print(f"cli_dvi_help_seconds={dvi:.3f}")
    print(f"cli_help_seconds={root:.3f}")


if __name__ == "__main__":
    main()
