"""Benchmark: schemathesis over the whole JSON API for every role (and without a token).

Run:  .venv/bin/python benchmarks/api_fuzz.py [--examples 25] [--persons 20]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/api_fuzz.py
(SQLite in a temporary folder; on PostgreSQL in its own database ``hc_bench_api_fuzz``, dropped first.)

The driver is ``tests/api_fuzzing.py`` (shared with the bounded test ``tests/app/test_api_fuzz.py``): the
schema is loaded in-process, the requests go through Django's WSGI handler with every middleware; for
every operation ``--examples`` schema-fitting and as many schema-breaking requests (derandomized), sent
as each role. A documented 429 (per-token rate limit) counts as a conforming answer. Findings are
listed on stderr; the figures are printed last: ``api_requests``, ``server_errors``, ``shape_breaks``,
``roles``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from bench_database import prepare_database

BENCH_DB = "hc_bench_api_fuzz"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=25, help="requests per operation, mode and role")
    parser.add_argument("--persons", type=int, default=20, help="demo persons to seed")
    parser.add_argument(
        "--rate-limit",
        default="1000000000/60",
        help="HOMECOMING_API_RATE_LIMIT of the run: REQUESTS/SECONDS",
    )
    args = parser.parse_args()
    backend = prepare_database(BENCH_DB, unlimited_api=True)
    # Each role sends thousands of requests a minute: the per-token rate limit is raised so they reach
    # the views (a 429 is a documented answer and would conform, but would test nothing else).
    os.environ["HOMECOMING_API_RATE_LIMIT"] = args.rate_limit

    import django

    django.setup()
    from django.core.management import call_command
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    import api_fuzzing

    console = Console(stderr=True)
    call_command("migrate", verbosity=0)
    api_fuzzing.seed_data(persons=args.persons, seed=10)
    tokens = api_fuzzing.role_tokens()
    schema = api_fuzzing.load_schema()
    operations = len(api_fuzzing.operations(schema))
    started = time.monotonic()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[now]}"),
        console=console,
    ) as progress:
        task = progress.add_task(
            f"fuzzing ({backend})", total=operations * len(tokens), now="generating requests"
        )

        def advance(role: str, operation: str) -> None:
            progress.update(task, advance=1, now=f"{role}: {operation}")

        report = api_fuzzing.fuzz(schema, tokens, examples=args.examples, progress=advance)
    seconds = time.monotonic() - started
    if report.findings:
        console.print(report.summary(limit=50))
    console.print(f"statuses: {dict(sorted(report.statuses.items()))}")
    print(f"backend={backend}")
    print(f"operations={report.operations}")
    print(f"examples_per_operation_mode_role={args.examples}")
    print(f"seconds={seconds:.0f}")
    print(f"rate_limited={report.statuses.get(429, 0)}")
    print(f"api_requests={report.requests}")
    print(f"server_errors={report.server_errors}")
    print(f"shape_breaks={report.shape_breaks}")
    print(f"roles={len(report.roles)}")
    return 0 if report.server_errors == 0 and report.shape_breaks == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
