"""Benchmark: the family portal and the matching of tracing requests (issue 13, "Numbers").

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/tracing.py
      [--persons 1000000] [--requests 100000] [--samples 200] [--reuse]
(without DATABASE_URL: SQLite in a temporary folder; on PostgreSQL its own database ``hc_bench_tracing``,
dropped first;
``--reuse`` times again on the database the last run left, without loading.)

Loads ``--persons`` synthetic registry persons in bulk (``registry_persons.bulk_load``: COPY on
PostgreSQL) and ``--requests`` open tracing requests (bulk, with their name keys; a third about registry
persons, in Ukrainian, Russian or Latin spelling), then times, over ``--samples`` requests each:

* ``status_lookup``: the family's POST of code and secret (one password-hash check: Argon2 with Django's
  defaults in production) and the redirect;
* ``status_page``: the status page itself (GET, the pair already checked in the session);
* ``match``: ranked registry candidates and similar requests of one request (``matching``).

Targets (issue 13): status page p95 ≤ 50 ms on 100,000 open requests; matching a new request against
1,000,000 persons and 100,000 requests ≤ 200 ms p95. Prints figures last as name=value lines (ms).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

import numpy as np
from bench_database import prepare_database

BENCH_DB = "hc_bench_tracing"


SYLLABLES = ("ба", "ве", "гі", "до", "ку", "ле", "ми", "но", "пу", "ро", "си", "ту", "фе", "хо", "це", "чу")
GIVEN = ("Іван", "Петро", "Андрій", "Микола", "Олег", "Тарас", "Богдан", "Юрій", "Василь", "Степан")


def _surname(n: int) -> str:
    """A synthetic surname of letters only, one per ``n`` < 16⁴ (four syllables and a suffix)."""
    parts = [SYLLABLES[(n >> (4 * k)) & 15] for k in range(4)]
    return ("".join(parts) + "енко").capitalize()


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def load_requests(total: int, rng: random.Random) -> None:
    """``total`` open requests written in bulk with their name keys (unusable secrets: no hashing)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from homecoming.app.registry.models import NameForm, Person
    from homecoming.app.registry.services import allocate
    from homecoming.app.tracing import portal
    from homecoming.app.tracing.models import RequestNameKey, TracingRequest
    from homecoming.linkage.names import given_name_keys, name_keys, romanize_ru

    unusable = make_password(None)
    last = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    step = 5000
    with transaction.atomic():
        refs = allocate("tracing_request", total)
        for start in range(0, total, step):
            count = min(step, total - start)
            known = {
                f.person_id: f
                for f in NameForm.objects.filter(
                    person_id__in=[rng.randint(1, last) for _ in range(count // 3)], position=0
                )
            }
            forms = list(known.values())
            rows = []
            for i in range(count):
                if forms and i % 3 == 0:
                    f = forms[(i // 3) % len(forms)]
                    family, given, patronymic = f.family_name, f.given_name, f.patronymic
                    if i % 2:
                        family, given = romanize_ru(family), romanize_ru(given)  # a Russian family in Latin
                else:  # someone the registry does not know: a synthetic surname of letters only (digits
                    # fold away: "Name123" and "Name456" are one name key to the matcher)
                    family = _surname(rng.randint(0, 50_000 - 1))
                    given, patronymic = rng.choice(GIVEN), ""
                rows.append(
                    TracingRequest(
                        reference=f"TR-{refs[start + i]:07d}",
                        code=portal._random(portal.CODE_LENGTH),
                        secret_hash=unusable,
                        language=("uk", "ru", "en")[i % 3],
                        enquirer_name="Bench Family",
                        enquirer_relationship="mother",
                        enquirer_phone="+380440000000",
                        family_name=family,
                        given_name=given,
                        patronymic=patronymic,
                        birth_date=str(rng.randint(1965, 2005)),
                    )
                )
            made = TracingRequest.objects.bulk_create(rows, batch_size=2000)
            keys = []
            for r in made:
                found: set[str] = set()
                for part, keyer in (("family_name", name_keys), ("given_name", given_name_keys)):
                    for word in getattr(r, part).split():
                        found |= {k[:64] for k in keyer(word)}
                keys += [RequestNameKey(request_id=r.pk, key=k) for k in sorted(found)]
            RequestNameKey.objects.bulk_create(keys, batch_size=5000)
            print(f"  requests: {start + count:,}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--reuse", action="store_true", help="PostgreSQL: time again on the database the last run loaded"
    )
    args = parser.parse_args()
    backend = prepare_database(BENCH_DB, reuse=args.reuse)
    os.environ["HOMECOMING_TRACING_STATUS_RATE_LIMIT"] = "1000000/60"
    os.environ["HOMECOMING_ALLOWED_HOSTS"] = "testserver"  # the test client's host name
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from registry_persons import PersonMaker, bulk_load, name_pools

    from homecoming.app.registry.models import Person
    from homecoming.app.tracing import matching, portal
    from homecoming.app.tracing.models import TracingRequest

    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    if args.reuse and backend == "postgresql":
        args.persons = Person.objects.count()
    else:
        maker = PersonMaker(name_pools(args.seed))
        bulk_load(maker, np.random.default_rng(args.seed), args.persons, lambda n: None)
        load_requests(args.requests, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"loaded in {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    # the timed pairs: requests submitted through the portal (their secrets hashed as in production)
    form = {
        "enquirer_name": "Bench Family",
        "enquirer_relationship": "sister",
        "enquirer_email": "bench@example.invalid",
    }
    pairs = []
    for i in range(args.samples):
        suffix = "".join("абвгдежзик"[int(d)] for d in str(i))
        done = portal.submit(data={**form, "family_name": f"Бенчмарк{suffix}", "given_name": "Тарас"})
        pairs.append((done.request.code, done.secret))
    lookup, page = [], []
    for code, secret in pairs:
        client = Client()
        t = time.perf_counter()
        response = client.post(reverse("family:status"), {"code": code, "secret": secret})
        lookup.append((time.perf_counter() - t) * 1e3)
        assert response.status_code == 302, response.status_code
        t = time.perf_counter()
        response = client.get(reverse("family:status"))
        page.append((time.perf_counter() - t) * 1e3)
        assert b'id="request-state"' in response.content
    ids = list(TracingRequest.objects.order_by("?").values_list("pk", flat=True)[: args.samples])
    match = []
    found_any = 0
    for pk in ids:
        req = TracingRequest.objects.get(pk=pk)
        t = time.perf_counter()
        persons = matching.person_candidates(req)
        matching.request_candidates(req)
        match.append((time.perf_counter() - t) * 1e3)
        found_any += bool(persons)
    print(
        f"backend: {backend}; persons={args.persons:,}; requests={TracingRequest.objects.count():,}; "
        f"samples={args.samples}; requests with a registry candidate: {found_any}/{len(ids)}; "
        f"load average {os.getloadavg()[0]:.1f}",
        file=sys.stderr,
    )
    for name, values in (("status_lookup", lookup), ("status_page", page), ("match", match)):
        print(f"tracing_{name}_{backend}_median_ms={statistics.median(values):.1f}")
        print(f"tracing_{name}_{backend}_p95_ms={p95(values):.1f}")


if __name__ == "__main__":
    main()
