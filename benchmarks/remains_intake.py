"""Benchmark: registering a 1,000-bag intake batch from a manifest; a custody history of 200 events.

Run:  .venv/bin/python benchmarks/remains_intake.py
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/remains_intake.py
(SQLite in a temporary folder; on PostgreSQL in its own database ``hc_bench_remains``, dropped first.)
Targets: intake ≤ 10 s; custody history (load + check + render data) ≤ 100 ms.
Prints figures last as name=value lines (seconds for the intake, milliseconds for the history).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench_database import prepare_database

BAGS = 1000
EVENTS = 200
BENCH_DB = "hc_bench_remains"


def manifest(rng: random.Random, folder: Path) -> Path:
    """1,000 rows: 900 bodies, 50 commingled bags each with one body part listed, synthetic values."""
    lines = [
        "bag_number,kind,part_of,seal_number,condition,apparent_sex,apparent_age,date_of_recovery,region"
    ]
    conditions = ["decomposed", "skeletonised", "fragmented", "burnt"]
    for i in range(BAGS - 100):
        lines.append(
            f"B-{i:05d},body,,S-{i:06d},{rng.choice(conditions)},{rng.choice(['male', 'undetermined'])},"
            f"{rng.randint(18, 40)}-{rng.randint(41, 60)},2024-{rng.randint(1, 12):02d},"
            f"Region {rng.randint(1, 5)}"
        )
    for j in range(50):
        lines.append(f"C-{j:03d},commingled_container,,SC-{j:04d},fragmented,,,,")
        lines.append(f"C-{j:03d}-P,body_part,C-{j:03d},,fragmented,,,,")
    path = folder / "manifest.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def custody_history(examiner: object, unit: object, rng: random.Random) -> None:
    from django.utils import timezone

    from homecoming.app.remains import custody

    holders = ["Morgue North", "Courier A", "Lab East", "Courier B", "Lab West"]
    at = timezone.now() - timedelta(days=399)
    holder = custody.current(unit).custodian  # type: ignore[arg-type]
    seal = custody.current(unit).seal  # type: ignore[arg-type]
    for i in range(EVENTS - 1):
        nxt = holders[(i + 1) % len(holders)]
        at += timedelta(hours=rng.randint(1, 40))
        new_seal = f"T-{i}"
        custody.record_event(
            actor=examiner,
            obj=unit,
            data={  # type: ignore[arg-type]
                "at": at,
                "from_custodian": holder,
                "to_custodian": nxt,
                "from_signer": holder,
                "to_signer": nxt,
                "seal_before": seal,
                "seal_after": new_seal,
                "location": nxt,
                "storage_unit": f"shelf {i % 9}",
            },
        )
        holder, seal = nxt, new_seal


def main() -> None:
    backend = prepare_database(BENCH_DB)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from homecoming.app.accounts.roles import Role
    from homecoming.app.accounts.services import create_user
    from homecoming.app.remains import custody, importing
    from homecoming.app.remains.custody import chain_data as chain_out

    rng = random.Random(20250)
    examiner = create_user(
        username="bench-examiner",
        password="bench password 12345",
        role=Role.forensic_examiner,
        check_password=False,
    )
    path = manifest(rng, Path(tempfile.mkdtemp(prefix="hc-bench-manifest-")))
    batch_data = {
        "source": "recovery",
        "receiving_facility": "Facility North",
        "handed_over_by": "Sender",
        "received_by": "Morgue North",
        "containers_declared": 950,
        "received_at": timezone.now() - timedelta(days=400),
    }
    start = time.perf_counter()
    report = importing.import_intake(actor=examiner, path=path, batch_data=batch_data)
    intake_s = time.perf_counter() - start
    assert report.units == BAGS, report

    from homecoming.app.remains.models import RemainsUnit

    unit = RemainsUnit.objects.filter(kind="body").order_by("id").first()
    custody_history(examiner, unit, rng)
    timings = []
    for _ in range(20):
        start = time.perf_counter()
        data = chain_out(unit)  # type: ignore[arg-type]
        timings.append((time.perf_counter() - start) * 1000)
    assert len(data["events"]) == EVENTS and data["problems"] == [], data["problems"][:3]
    assert len(custody.events_of(unit)) == EVENTS  # type: ignore[arg-type]

    print(f"backend={backend}", file=sys.stderr)
    print(f"intake_bags={BAGS}")
    print(f"intake_seconds={intake_s:.2f}")
    print(f"custody_events={EVENTS}")
    print(f"custody_history_ms_median={statistics.median(timings):.1f}")
    print(f"custody_history_ms_max={max(timings):.1f}")


if __name__ == "__main__":
    main()
