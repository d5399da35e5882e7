"""Benchmark: the registry at national scale — a million persons on PostgreSQL (seeded, synthetic).

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/registry.py --fresh
      (``--size small`` for 20,000 persons; without DATABASE_URL it runs on SQLite in var/bench/)

The benchmark works in its own database ``hc_bench`` on the server DATABASE_URL names (``--fresh`` drops
and recreates it; without it an existing database of the right size is reused and only measured). Persons
are drawn from pools of Faker uk_UA/ru_RU names combined by a seeded NumPy generator. All but the last
100,000 are written straight into the tables (COPY; the same name forms and search keys the import makes,
but no audit records) to fill the database fast; the last 100,000 are written as a CSV file
(``io.persons.write_persons``) and imported through ``registry.importing.import_persons`` — the code
behind ``homecoming import persons`` — into the database that already holds the rest. Then it measures:

- person search (``registry.search.search_persons``, evaluated): 200 seeded queries of mixed kinds;
- the person page (``GET /registry/persons/<id>/`` through Django's test client, as a registrar): 100 persons,
  half of them with a detention and a capture card, a third with a tracing case and an enquirer;
- ``import persons`` of that 100,000-row file (seconds, and the number of SQL queries it made).

On a database already loaded, ``--reimport`` times the import of 100,000 more persons after the other
measurements, inside a transaction that is then rolled back (so the database keeps its size).

Figures are printed last as ``name=value`` lines. Targets: search p95 ≤ 100 ms, person page p95 ≤ 100 ms,
import of 100,000 rows ≤ 60 s. No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from registry_persons import PersonMaker, bulk_load, name_pools  # beside this file
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"small": 20_000, "full": 1_000_000}
CHUNK = 100_000
BENCH_DB = "hc_bench"
console = Console(stderr=True)


# ---------------------------------------------------------------- the database


def _with_database(url: str, name: str) -> str:
    base, _, query = url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")


def prepare_database(*, fresh: bool) -> str:
    """Point DATABASE_URL at ``hc_bench`` (PostgreSQL) or var/bench (SQLite); return a label for it."""
    os.environ.setdefault("HOMECOMING_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["HOMECOMING_DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ.setdefault("HOMECOMING_SECURE_COOKIES", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.app.settings")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        data_dir = Path(os.environ.setdefault("HOMECOMING_DATA_DIR", str(ROOT / "var" / "bench")))
        os.environ.pop("DATABASE_URL", None)
        if fresh:
            for f in data_dir.glob("homecoming.sqlite3*"):
                f.unlink()
        return f"SQLite {data_dir / 'homecoming.sqlite3'}"
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if fresh and exists:
            conn.execute(f'DROP DATABASE "{BENCH_DB}" WITH (FORCE)')
        if fresh or not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = _with_database(url, BENCH_DB)
    return f"PostgreSQL database {BENCH_DB}"


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def load(total: int, *, seed: int, work: Path) -> tuple[float, int, int]:
    """Fill the database with ``total`` persons: all but the last file written in bulk, the last file
    (100,000 rows, or half of a small run) through ``import_persons``. Return that import's seconds,
    rows and database queries."""
    from django.db import connection

    from homecoming.app.registry.importing import import_persons
    from homecoming.io.persons import write_persons

    with console.status("drawing name pools from Faker"):
        maker = PersonMaker(name_pools(seed))
    rng = np.random.default_rng(seed)
    last = min(CHUNK, total // 2)
    with _progress() as bar:
        task = bar.add_task(f"writing {total - last:,} persons in bulk", total=total - last)
        bulk_load(maker, rng, total - last, lambda n: bar.advance(task, n))
        with console.status("VACUUM ANALYZE"):
            analyze()
        path = work / "persons-last.csv"
        write_persons(maker.rows(rng, total - last, last), path, fmt="csv")
        task = bar.add_task(f"homecoming import persons: {last:,} rows", total=last)
        queries = [0]

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            queries[0] += 1
            return execute(sql, params, many, context)

        t0 = time.perf_counter()
        with connection.execute_wrapper(count):
            import_persons(actor=None, path=path, progress=lambda n: bar.advance(task, n))
        seconds = time.perf_counter() - t0
    return seconds, last, queries[0]


class _RolledBack(Exception):
    pass


def reimport(total: int, *, seed: int, work: Path) -> tuple[float, int, int]:
    """Time ``import persons`` of 100,000 more persons into the loaded database, then roll it back
    (the database keeps its size; the import's own transaction becomes a savepoint)."""
    from django.db import connection, transaction

    from homecoming.app.registry.importing import import_persons
    from homecoming.io.persons import write_persons

    with console.status("drawing name pools from Faker"):
        maker = PersonMaker(name_pools(seed))
    path = work / "persons-more.csv"
    write_persons(maker.rows(np.random.default_rng(seed + 2), total, CHUNK), path, fmt="csv")
    queries = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        return execute(sql, params, many, context)

    seconds = 0.0
    with _progress() as bar:
        task = bar.add_task(f"homecoming import persons: {CHUNK:,} rows (rolled back)", total=CHUNK)
        try:
            with transaction.atomic(), connection.execute_wrapper(count):
                t0 = time.perf_counter()
                import_persons(actor=None, path=path, progress=lambda n: bar.advance(task, n))
                seconds = time.perf_counter() - t0
                raise _RolledBack
        except _RolledBack:
            pass
    return seconds, CHUNK, queries[0]


def analyze() -> None:
    """VACUUM ANALYZE on PostgreSQL (what autovacuum does to a table after bulk inserts: statistics, and
    the visibility map that lets index-only scans skip the heap); ANALYZE on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# ---------------------------------------------------------------- measurements


def _ms(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1e3


def sample_persons(rng: np.random.Generator, n: int) -> list[Any]:
    from homecoming.app.registry.models import Person

    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:1]) + list(
        Person.objects.order_by("-pk").values_list("pk", flat=True)[:1]
    )
    lo, hi = ids[0], ids[1]
    chosen = sorted({int(x) for x in rng.integers(lo, hi + 1, n * 3)})
    persons = list(Person.objects.filter(pk__in=chosen).prefetch_related("names"))
    order = rng.permutation(len(persons))
    return [persons[k] for k in order[:n]]


QUERY_KINDS = ("latin name", "cyrillic family name", "family + given", "service number", "name + birth year")


def _query(kind: str, person: Any) -> Any:
    from homecoming.app.registry.search import Query

    forms = list(person.names.all())
    cyr = next(f for f in forms if f.script == "cyrillic")
    lat = next((f for f in forms if f.script == "latin"), cyr)
    if kind == "latin name":
        return Query(text=f"{lat.family_name} {lat.given_name}".lower())
    if kind == "cyrillic family name":
        return Query(text=cyr.family_name)
    if kind == "family + given":
        return Query(text=f"{cyr.family_name} {cyr.given_name}")
    if kind == "service number":
        return Query(text=person.service_number)
    return Query(text=lat.family_name, birth_date=person.birth_date[:4])


def measure_search(rng: np.random.Generator, n: int = 200) -> dict[str, list[float]]:
    from homecoming.app.registry.search import search_persons

    persons = sample_persons(rng, n)
    kinds = [QUERY_KINDS[k] for k in rng.integers(0, len(QUERY_KINDS), len(persons))]
    queries = [(kind, _query(kind, p), p.pk) for kind, p in zip(kinds, persons, strict=True)]
    for _, query, _ in queries[:5]:  # warm the connection and the caches a little
        list(search_persons(query))
    times: dict[str, list[float]] = {k: [] for k in QUERY_KINDS}
    found: dict[str, int] = dict.fromkeys(QUERY_KINDS, 0)
    with _progress() as bar:
        task = bar.add_task("searching", total=len(queries))
        for kind, query, pk in queries:
            result: list[Any] = []
            times[kind].append(_ms(lambda q=query, r=result: r.extend(search_persons(q))))
            found[kind] += any(p.pk == pk for p in result)
            bar.advance(task)
    table = Table(
        "query kind", "queries", "median ms", "p95 ms", "max ms", "target in first 50", title="person search"
    )
    for kind in QUERY_KINDS:
        t = times[kind]
        if t:
            table.add_row(
                kind,
                str(len(t)),
                f"{statistics.median(t):.1f}",
                f"{p95(t):.1f}",
                f"{max(t):.1f}",
                f"{found[kind]}/{len(t)}",
            )
    console.print(table)
    return times


def _stories(persons: list[Any], actor: Any) -> None:
    """Give half of the measured persons a detention and a capture card, a third a tracing case."""
    from homecoming.app.captivity import services as captivity
    from homecoming.app.registry import services as registry

    today = date.today()
    for k, person in enumerate(persons):
        if k % 2 == 0 and not person.detentions.exists():
            record = captivity.create_detention(
                actor=actor,
                person=person,
                data={
                    "detaining_power": "RU",
                    "capture_date": today - timedelta(days=40 + k),
                    "capture_place": "Donetsk region",
                    "internment_number": f"RU-{50000 + k}",
                    "current_place": "Camp No. 3",
                },
            )
            captivity.create_card(
                actor=actor,
                record_id=record.pk,
                data={
                    "health": "good",
                    "family_address": "(synthetic address)",
                    "card_date": today - timedelta(days=30),
                },
            )
        if k % 3 == 0 and not person.cases.exists():
            registry.open_case(
                actor=actor,
                person=person,
                data={
                    "last_contact_date": (today - timedelta(days=60)).isoformat(),
                    "last_contact_place": "Kupiansk",
                },
                enquirers=[
                    {"name": "Synthetic Enquirer", "relationship": "mother", "phone": "+380 44 765 43 21"}
                ],
            )


def measure_person_page(rng: np.random.Generator, n: int = 100) -> list[float]:
    from django.test import Client

    from homecoming.app.accounts.models import User
    from homecoming.app.accounts.roles import Role
    from homecoming.app.accounts.services import create_user

    user = User.objects.filter(username="bench-registrar").first() or create_user(
        username="bench-registrar", password="benchmark-password-1", role=Role.registrar, check_password=False
    )
    persons = sample_persons(rng, n)
    _stories(persons, user)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    for person in persons[:3]:
        client.get(f"/registry/persons/{person.pk}/")
    times = []
    with _progress() as bar:
        task = bar.add_task("person pages", total=len(persons))
        for person in persons:
            response: list[Any] = []
            times.append(_ms(lambda p=person, r=response: r.append(client.get(f"/registry/persons/{p.pk}/"))))
            if response[0].status_code != 200:
                raise SystemExit(f"GET /registry/persons/{person.pk}/ answered {response[0].status_code}")
            bar.advance(task)
    return times


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--persons", type=int, help="override the size's number of persons")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the benchmark database")
    parser.add_argument("--seed", type=int, default=20260522)
    parser.add_argument(
        "--reimport",
        action="store_true",
        help="on a loaded database, also time importing 100,000 more persons (rolled back afterwards)",
    )
    args = parser.parse_args(argv)
    target = args.persons or SIZES[args.size]

    where = prepare_database(fresh=args.fresh)
    console.print(f"[bold]registry benchmark[/]: {target:,} persons in {where}")
    setup_django()
    from homecoming.app.registry.models import Person

    present = Person.objects.count()
    imported: tuple[float, int, int] | None = None
    if present == 0:
        with tempfile.TemporaryDirectory(prefix="hc-bench-") as work:
            imported = load(target, seed=args.seed, work=Path(work))
        with console.status("VACUUM ANALYZE"):
            analyze()
    elif present != target:
        raise SystemExit(
            f"the benchmark database holds {present:,} persons, not {target:,}: run with --fresh"
        )
    else:
        console.print(f"reusing the {present:,} persons already loaded (--fresh rebuilds them)")

    rng = np.random.default_rng(args.seed + 1)
    search = [t for times in measure_search(rng).values() for t in times]
    pages = measure_person_page(rng)
    if args.reimport and imported is None:  # last: the rolled-back rows leave dead index entries behind
        with tempfile.TemporaryDirectory(prefix="hc-bench-") as work:
            imported = reimport(target, seed=args.seed, work=Path(work))
        with console.status("VACUUM ANALYZE"):
            analyze()

    figures = {
        "persons": str(Person.objects.count()),
        "search_p95_ms": f"{p95(search):.1f}",
        "search_median_ms": f"{statistics.median(search):.1f}",
        "person_page_p95_ms": f"{p95(pages):.1f}",
        "person_page_median_ms": f"{statistics.median(pages):.1f}",
    }
    if imported is not None:
        seconds, rows, queries = imported
        label = f"{rows // 1000}k" if rows % 1000 == 0 else str(rows)
        figures[f"import_{label}_seconds"] = f"{seconds:.1f}"
        figures[f"import_{label}_queries"] = str(queries)
    figures["load_average_1m"] = f"{os.getloadavg()[0]:.1f}"
    sys.stdout.flush()
    for name, value in figures.items():
        print(f"{name}={value}")


if __name__ == "__main__":
    main()
