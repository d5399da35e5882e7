"""Benchmark: importing laboratory files (CODIS CMF 3.2) into the database.

1. 100,000 reference profiles (24 loci each: 23 autosomal STRs and amelogenin) onto 100,000 reference
   samples of 10,000 families — read, checked against the database, written (target ≤ 60 s on PostgreSQL).
2. 1,000 post-mortem profiles onto the samples of one intake batch, each compared with 50 staff
   elimination profiles and with 2,000 post-mortem profiles (1,000 stored from another batch and the
   other 999 new ones); 5 match a staff member, 10 are second samples of stored bodies (target ≤ 10 s).

Run:  .venv/bin/python benchmarks/genetics_import.py
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/genetics_import.py
(SQLite in a temporary folder; on PostgreSQL in its own database ``hc_bench_genetics``, dropped first.)
``--references N`` imports N reference profiles instead of 100,000. Genotypes are drawn (seed 2026) from
the built-in forrel Norwegian frequencies: synthetic data only. Prints figures last as name=value lines.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Sequence

import numpy as np
from bench_database import prepare_database

from homecoming.kinship.formats.loci import KITS

BENCH_DB = "hc_bench_genetics"
LOCI = list(KITS["PowerPlex Fusion 6C"].required)  # 23 autosomal STRs, all in the built-in table
STAFF, STORED_PM, NEW_PM, STAFF_HITS, DUPLICATES = 50, 1000, 1000, 5, 10

Genotypes = list[tuple[str, str]]


class Population:
    """Draws genotypes at the 23 loci from the built-in table, vectorised."""

    def __init__(self, rng: np.random.Generator) -> None:
        from homecoming.app.genetics.frequencies import table_marker
        from homecoming.kinship.formats.frequencies import FrequencyTable

        table = FrequencyTable.builtin("norwegian")
        self.rng = rng
        markers = [table.markers[table_marker(table, n) or n] for n in LOCI]
        self.alleles = [alleles for alleles, _freqs in markers]
        self.cdf = [np.cumsum(np.array(freqs)) for _alleles, freqs in markers]

    def draw(self, n: int) -> list[Genotypes]:
        columns = []
        for alleles, cdf in zip(self.alleles, self.cdf, strict=True):
            idx = np.minimum(np.searchsorted(cdf / cdf[-1], self.rng.random((n, 2))), len(alleles) - 1)
            idx.sort(axis=1)
            columns.append([(alleles[a], alleles[b]) for a, b in idx.tolist()])
        return [list(row) for row in zip(*columns, strict=True)]


def cmf(specimens: Iterable[tuple[str, str, Genotypes]]) -> bytes:
    """A CMF 3.2 file (the layout of the CODIS Interface Specification) of (id, category, genotypes)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<CODISImportFile xmlns="urn:CODISImportFile-schema">',
        "<HEADERVERSION>3.2</HEADERVERSION><MESSAGETYPE>Import</MESSAGETYPE>",
        "<DESTINATIONORI>UA0000000</DESTINATIONORI><SOURCELAB>Synthetic Lab</SOURCELAB>",
        "<SUBMITBYUSERID>bench</SUBMITBYUSERID><SUBMITDATETIME>2026-01-02T03:04:05</SUBMITDATETIME>",
        "<KIT>GlobalFiler</KIT>",
    ]
    reading = "<READINGBY>bench</READINGBY><READINGDATETIME>2026-01-02T03:04:05</READINGDATETIME>"

    def locus(name: str, alleles: Sequence[str]) -> str:
        values = "".join(f"<ALLELE><ALLELEVALUE>{a}</ALLELEVALUE></ALLELE>" for a in alleles)
        return f"<LOCUS><LOCUSNAME>{name}</LOCUSNAME>{reading}{values}</LOCUS>"

    for sid, category, genotypes in specimens:
        loci = "".join(locus(n, g) for n, g in zip(LOCI, genotypes, strict=True))
        out.append(
            f"<SPECIMEN><SPECIMENID>{sid}</SPECIMENID><SPECIMENCATEGORY>{category}</SPECIMENCATEGORY>"
            f"{loci}{locus('Amelogenin', ('X', 'Y'))}</SPECIMEN>"
        )
    out.append("</CODISImportFile>")
    return "\n".join(out).encode()


def reference_samples(n: int) -> list[str]:
    """``n`` reference samples of n/10 families (bulk, not timed); their laboratory references."""
    from homecoming.app.genetics.models import FamilyMember, ReferenceFamily, ReferenceSample

    families = ReferenceFamily.objects.bulk_create(
        [ReferenceFamily(reference=f"RF-B{i:07d}") for i in range((n + 9) // 10)], batch_size=5000
    )
    members = FamilyMember.objects.bulk_create(
        [FamilyMember(family=families[i // 10], code=f"M{i % 10}", relation="mother") for i in range(n)],
        batch_size=5000,
    )
    refs = [f"LAB-R{i:07d}" for i in range(n)]
    ReferenceSample.objects.bulk_create(
        [
            ReferenceSample(reference=f"RS-B{i:07d}", member=m, lab_reference=r)
            for i, (m, r) in enumerate(zip(members, refs, strict=True))
        ],
        batch_size=5000,
    )
    return refs


def batch_samples(actor: object, n: int, label: str) -> list[str]:
    """A batch of ``n`` bodies with one sample each (bulk, not timed); the sample references."""
    from django.utils import timezone

    from homecoming.app.remains import services
    from homecoming.app.remains.models import RemainsUnit, Sample
    from homecoming.app.remains.references import new_references

    batch = services.create_batch(
        actor=actor,
        data={
            "source": "recovery",
            "receiving_facility": f"Facility {label}",
            "handed_over_by": "Sender",
            "received_by": "Morgue",
            "received_at": timezone.now(),
        },
    )
    units = RemainsUnit.objects.bulk_create(
        [
            RemainsUnit(reference=r, batch=batch, bag_number=f"{label}-{i}", kind="body")
            for i, r in enumerate(new_references("RU", n))
        ]
    )
    samples = Sample.objects.bulk_create(
        [
            Sample(reference=r, unit=u, kind="bone")
            for r, u in zip(new_references("SM", n), units, strict=True)
        ]
    )
    return [s.reference for s in samples]


def timed_import(actor: object, data: bytes, name: str) -> tuple[float, float, object]:
    """Seconds in all, seconds until the file was read, checked and compared (the rest is writing)."""
    from homecoming.app.genetics.importing import import_lab_file

    marks: list[float] = []
    start = time.perf_counter()
    report = import_lab_file(
        actor=actor,
        data=data,
        name=name,
        format="cmf",
        progress=lambda stage, n: marks.append(time.perf_counter()) if stage == "compared" else None,
    )
    end = time.perf_counter()
    return end - start, (marks[0] if marks else end) - start, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--references", type=int, default=100_000)
    args = parser.parse_args()
    backend = prepare_database(BENCH_DB)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from homecoming.app.accounts.roles import Role
    from homecoming.app.accounts.services import create_user

    analyst = create_user(
        username="bench-analyst", password="bench password 12345", role=Role.dna_analyst, check_password=False
    )
    pop = Population(np.random.default_rng(2026))

    refs = reference_samples(args.references)
    reference_file = cmf((r, "Biological Mother", g) for r, g in zip(refs, pop.draw(len(refs)), strict=True))
    reference_s, reference_checked_s, report = timed_import(analyst, reference_file, "references.xml")
    assert report.counts["reference"] == len(refs), report.counts  # type: ignore[attr-defined]

    staff = pop.draw(STAFF)
    stored = pop.draw(STORED_PM)
    timed_import(analyst, cmf((f"STAFF-{i}", "Staff", g) for i, g in enumerate(staff)), "staff.xml")
    old = batch_samples(analyst, STORED_PM, "OLD")
    timed_import(analyst, cmf(zip(old, ["Unidentified Person"] * STORED_PM, stored, strict=True)), "old.xml")
    new = batch_samples(analyst, NEW_PM, "NEW")
    genotypes = pop.draw(NEW_PM)
    genotypes[:STAFF_HITS] = staff[:STAFF_HITS]
    genotypes[STAFF_HITS : STAFF_HITS + DUPLICATES] = stored[:DUPLICATES]
    pm_file = cmf(zip(new, ["Unidentified Person"] * NEW_PM, genotypes, strict=True))
    postmortem_s, postmortem_checked_s, report = timed_import(analyst, pm_file, "postmortem.xml")
    counts = report.counts  # type: ignore[attr-defined]
    assert counts["elimination_matches"] == STAFF_HITS and counts["proposals"] == DUPLICATES, counts

    print(f"backend={backend}", file=sys.stderr)
    print(f"reference_profiles={len(refs)}")
    print(f"reference_file_megabytes={len(reference_file) / 1e6:.0f}")
    print(f"reference_read_and_check_seconds={reference_checked_s:.1f}")
    print(f"reference_write_seconds={reference_s - reference_checked_s:.1f}")
    print(f"reference_import_seconds={reference_s:.1f}")
    print(f"postmortem_profiles={NEW_PM}")
    print(f"postmortem_compared_with={STAFF} elimination + {STORED_PM + NEW_PM - 1} post-mortem")
    print(f"postmortem_elimination_matches={counts['elimination_matches']}")
    print(f"postmortem_proposals={counts['proposals']}")
    print(f"postmortem_read_check_compare_seconds={postmortem_checked_s:.2f}")
    print(f"postmortem_import_seconds={postmortem_s:.2f}")


if __name__ == "__main__":
    main()
