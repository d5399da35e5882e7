"""Benchmark: 50 editors saving the same persons at once, with optimistic locking; 0 lost updates.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/concurrent_edits.py
      .venv/bin/python benchmarks/concurrent_edits.py            (SQLite in a temporary folder)
      options: --editors 50 --persons 5 --saves 4
(On PostgreSQL in its own database ``hc_bench_concurrent``, dropped first.)

The driver is ``tests/concurrent_editing.py`` (shared with tests/app/registry/test_concurrent_editors.py):
each editor is a thread with its own database connection and its own registrar; even-numbered editors
read and PATCH through the API (adding an alias name form), the others through the service the API
calls (appending a line to the notes); each retries on 409 edit_conflict until it has made ``--saves``
acknowledged saves. Afterwards every acknowledged save must be in the final state and in the audit
trail (versions 2, 3, … without gap or repeat) and the audit chain must verify.
Prints ``editors``, ``saves``, ``conflicts``, ``lost_updates`` last.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench_database import prepare_database

BENCH_DB = "hc_bench_concurrent"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--persons", type=int, default=5, help="persons the editors share")
    parser.add_argument("--saves", type=int, default=4, help="acknowledged saves per editor")
    args = parser.parse_args()
    backend = prepare_database(BENCH_DB, unlimited_api=True)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    import concurrent_editing

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test client's host
    console = Console(stderr=True)
    call_command("migrate", verbosity=0)
    users, tokens, person_ids = concurrent_editing.prepare(args.editors, args.persons)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task(f"{args.editors} editors ({backend})", total=args.editors * args.saves)
        run = concurrent_editing.run_editors(
            users,
            tokens,
            person_ids,
            saves_each=args.saves,
            progress=lambda: progress.update(task, advance=1),
        )
    lost = concurrent_editing.verify(run, person_ids)
    for line in run.errors[:20] + lost[:50]:
        console.print(line)
    print(f"backend={backend}")
    print(f"persons={args.persons}")
    print(f"seconds={run.seconds:.1f}")
    print(f"errors={len(run.errors)}")
    print(f"editors={run.editors}")
    print(f"saves={len(run.saves)}")
    print(f"conflicts={run.conflicts}")
    print(f"lost_updates={len(lost)}")
    return 0 if not lost and not run.errors else 1


if __name__ == "__main__":
    sys.exit(main())
