"""Benchmark: the fulfilment ledger of an agreement with 100 operations and 10,000 manifest lines (seeded).

Run:  .venv/bin/python benchmarks/exchanges_ledger.py
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/exchanges_ledger.py
(SQLite in a temporary folder; on PostgreSQL in its own database ``hc_bench_exchanges``, dropped first.)
Target: ledger ≤ 200 ms server time. Prints figures last as name=value lines (milliseconds).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date, timedelta

from bench_database import prepare_database

OPERATIONS = 100
LINES = 10_000
BENCH_DB = "hc_bench_exchanges"


def build(rng: random.Random) -> object:
    from homecoming.app.exchanges import services
    from homecoming.app.exchanges.manifests import add_manifest_version
    from homecoming.io.manifests import ManifestRow

    services.ensure_party(actor=None, code="UA", name="Ukraine")
    services.ensure_party(actor=None, code="RU", name="Russia")
    agreement = services.create_agreement(
        actor=None, data={"reference": "BENCH", "title": "bench", "party_a": "UA", "party_b": "RU"}
    )
    services.add_category(
        actor=None,
        agreement=agreement,
        data={"code": "bodies", "name": "Bodies", "rule": "n_for_n", "quota": 6000},
    )
    outcomes = ["transferred"] * 8 + ["withdrawn", "not_presented"]
    per_op = LINES // OPERATIONS
    for i in range(OPERATIONS):
        op = services.create_operation(
            actor=None,
            data={
                "reference": f"OP-{i:03d}",
                "kind": "remains_repatriation",
                "agreement": agreement.pk,
                "date": date(2025, 1, 1) + timedelta(days=3 * i),
            },
        )
        to_ua = per_op * 4 // 5
        for sending, receiving, n in (("RU", "UA", to_ua), ("UA", "RU", per_op - to_ua)):
            rows = [
                ManifestRow(
                    line_no=k + 1,
                    category="bodies",
                    container_number=f"{op.reference}-{sending}-{k}",
                    outcome=rng.choice(outcomes),
                )
                for k in range(n)
            ]
            add_manifest_version(
                actor=None, operation=op, sending=sending, receiving=receiving, stage="executed", rows=rows
            )
        services.add_figure(
            actor=None,
            data={
                "operation": op.pk,
                "receiving_party": "UA",
                "value": to_ua,
                "source_kind": "news_agency",
                "source_name": "Agency",
            },
        )
    return agreement


def main() -> None:
    backend = prepare_database(BENCH_DB)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from homecoming.app.exchanges import ledger
    from homecoming.app.exchanges.models import ManifestLine

    t0 = time.perf_counter()
    agreement = build(random.Random(20250918))
    build_s = time.perf_counter() - t0
    assert ManifestLine.objects.count() == LINES
    times, csv_times = [], []
    for _ in range(15):
        t0 = time.perf_counter()
        result = ledger.compute(agreement)  # type: ignore[arg-type]
        result.as_dict()
        times.append((time.perf_counter() - t0) * 1e3)
        t0 = time.perf_counter()
        ledger.to_csv(result)
        csv_times.append((time.perf_counter() - t0) * 1e3)
    ua = next(s for s in result.series if s.receiving == "UA")
    print(
        f"backend: {backend}; operations={OPERATIONS}; manifest lines={LINES}; "
        f"delivered to UA={ua.delivered}; points={len(ua.points)}; build {build_s:.1f} s",
        file=sys.stderr,
    )
    print(f"exchanges_ledger_{backend}_median_ms={statistics.median(times[3:]):.2f}")
    print(f"exchanges_ledger_{backend}_max_ms={max(times[3:]):.2f}")
    print(f"exchanges_ledger_csv_{backend}_median_ms={statistics.median(csv_times[3:]):.2f}")


if __name__ == "__main__":
    main()
