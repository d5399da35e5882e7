"""Preview of a 10,000-row person list against a registry of 1,000,000 persons (issue 14).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/import_preview.py \
      [--persons 1000000] [--rows 10000] [--known 0.3] [--reuse]

Loads ``--persons`` synthetic persons in bulk (``registry_persons.bulk_load``; ``--reuse`` keeps the
database a previous run loaded), then writes a list of ``--rows`` rows: a share ``--known`` are registry
persons written again as another list would (Russian or Latin spelling, a typo in the surname, day and
month swapped, the number or the patronymic left out), the rest persons the registry does not know (drawn
from the same name pools with another seed, so they share surnames with the registry). Times
``import_persons(dry_run=True)`` — reading and checking the file, recognising registered rows, the pool
from the database and the Splink model — and scores its classes against the truth. Target: <= 60 s.
Figures last, as ``name=value`` lines.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_database import prepare_database

BENCH_DB = "hc_bench_preview"


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def known_rows(count: int, rng: random.Random) -> list[dict[str, object]]:
    """``count`` registry persons (drawn at random) as another list writes them; ``_person`` is the truth."""
    from homecoming.app.registry.models import NameForm, Person
    from homecoming.linkage.names import romanize_uk

    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = sorted(rng.sample(range(1, top + 1), min(count, top)))
    persons = {
        p[0]: p
        for p in Person.objects.filter(pk__in=ids).values_list(
            "pk", "sex", "birth_date", "service_number", "unit"
        )
    }
    forms: dict[int, list[tuple[str, str, str, str]]] = {}
    for pid, family, given, patronymic, script in NameForm.objects.filter(person_id__in=ids).values_list(
        "person_id", "family_name", "given_name", "patronymic", "script"
    ):
        forms.setdefault(pid, []).append((family, given, patronymic, script))
    rows = []
    for pid in ids:
        _, sex, birth, number, unit = persons[pid]
        cyrillic = next(f for f in forms[pid] if f[3] == "cyrillic")
        family, given, patronymic = cyrillic[:3]
        how = rng.random()
        if how < 0.3:  # a Latin list
            family, given, patronymic = (romanize_uk(x).upper() for x in (family, given, patronymic))
        elif how < 0.45:
            family = _typo(family, rng)
        if rng.random() < 0.3:
            patronymic = ""
        if rng.random() < 0.1 and len(birth) == 10 and int(birth[8:]) <= 12:
            birth = f"{birth[:4]}-{birth[8:]}-{birth[5:7]}"
        rows.append(
            {
                "family_name": family,
                "given_name": given,
                "patronymic": patronymic,
                "sex": sex,
                "birth_date": birth,
                "service_number": number if rng.random() < 0.5 else "",
                "unit": unit if rng.random() < 0.5 else "",
                "_person": pid,
            }
        )
    return rows


def new_rows(count: int, seed: int) -> list[dict[str, object]]:
    from registry_persons import PersonMaker, name_pools

    maker = PersonMaker(name_pools(seed + 1))
    fields = ("family_name", "given_name", "patronymic", "sex", "birth_date", "unit", "place_of_birth")
    out = []
    for i, row in enumerate(maker.rows(np.random.default_rng(seed + 1), 5_000_000, count)):
        item: dict[str, object] = {f: row[f] for f in fields}
        item["service_number"] = f"N{i:08d}"
        item["_person"] = None
        out.append(item)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--known", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: the database the last run loaded")
    args = parser.parse_args()
    backend = prepare_database(BENCH_DB, reuse=args.reuse)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from django.db import connection
    from registry_persons import PersonMaker, bulk_load, name_pools
    from rich.progress import Progress

    from homecoming.app.registry.importing import import_persons
    from homecoming.app.registry.models import Person
    from homecoming.io.persons import write_persons

    t0 = time.perf_counter()
    if args.reuse and backend == "postgresql":
        args.persons = Person.objects.count()
    else:
        maker = PersonMaker(name_pools(args.seed))
        with Progress(transient=True) as bar:
            task = bar.add_task("loading the registry", total=args.persons)
            bulk_load(maker, np.random.default_rng(args.seed), args.persons, lambda n: bar.advance(task, n))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    print(f"registry of {args.persons:,} persons ready in {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    rng = random.Random(args.seed)
    n_known = int(args.rows * args.known)
    rows = known_rows(n_known, rng) + new_rows(args.rows - n_known, args.seed)
    rng.shuffle(rows)
    truth = [r.pop("_person") for r in rows]
    folder = Path(tempfile.mkdtemp(prefix="hc-preview-"))
    path = folder / "list.csv"
    write_persons(rows, path, fmt="csv")

    load = os.getloadavg()[0]
    started = time.perf_counter()
    cpu = time.process_time()
    report = import_persons(actor=None, path=path, dry_run=True)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    preview = report.preview
    assert preview is not None
    found = {"match": 0, "uncertain": 0, "new": 0}
    right = wrong = missed = 0
    for row, person in zip(preview.rows, truth, strict=True):
        found[row.kind] = found.get(row.kind, 0) + 1
        best = row.candidates[0].person.pk if row.candidates else None
        if row.kind == "match":
            right += best == person
            wrong += best != person
        elif person is not None and row.kind == "new":
            missed += 1
    print(
        f"backend={backend} persons={args.persons:,} rows={args.rows:,} known={n_known:,} load={load:.1f}; "
        f"classes: {found}; stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in preview.seconds.items()),
        file=sys.stderr,
    )
    print(f"preview_seconds={seconds:.1f}")
    print(f"preview_cpu_seconds={cpu:.1f}")
    print(f"matches_right={right}")
    print(f"matches_wrong={wrong}")
    print(f"known_rows_called_new={missed}")
    print(f"uncertain_rows={found['uncertain']}")


if __name__ == "__main__":
    main()
