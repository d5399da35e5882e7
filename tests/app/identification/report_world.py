"""Builders of the comparison-report tests: a missing person's family (father and sister typed) and a body
that is their son and brother, with profiles drawn (seeded) from the built-in Norwegian table.

Synthetic data only: genotypes are simulated, names invented.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db import transaction

from homecoming.app.genetics import families, family_records
from homecoming.app.genetics.models import FamilyMember, Profile, ReferenceFamily
from homecoming.kinship.formats.frequencies import FrequencyTable

MARKERS = [
    "CSF1PO", "D1S1656", "D2S441", "D2S1338", "D3S1358", "D5S818", "D7S820", "D8S1179", "D10S1248",
    "D12S391", "D13S317", "D16S539", "D18S51", "D19S433", "D21S11", "D22S1045", "FGA", "TH01", "TPOX", "VWA",
]  # fmt: skip
PASSWORD = "correct horse battery 9"


def _draw(rng: np.random.Generator, marker: str) -> str:
    alleles, freqs = FrequencyTable.builtin("norwegian").markers[marker]
    p = np.array(freqs) / sum(freqs)
    return str(alleles[rng.choice(len(alleles), p=p)])


def trio(seed: int = 7, markers: list[str] = MARKERS) -> dict[str, dict[str, list[str]]]:
    """Father, mother's-side draws, a son (the body) and a daughter (the sister): Mendelian, no mutation."""
    rng = np.random.default_rng(seed)
    father = {m: [_draw(rng, m), _draw(rng, m)] for m in markers}
    mother = {m: [_draw(rng, m), _draw(rng, m)] for m in markers}

    def child() -> dict[str, list[str]]:
        return {m: [father[m][rng.integers(2)], mother[m][rng.integers(2)]] for m in markers}

    return {"father": father, "body": child(), "sister": child()}


def loci(genos: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [{"locus": m, "used": list(a), "written": list(a), "flags": []} for m, a in genos.items()]


def typed(
    actor: Any, member: FamilyMember, lab: str, genos: dict[str, list[str]], method: str = "autosomal_str"
) -> Profile:
    sample = family_records.record_sample(actor=actor, member=member, lab_reference=lab)
    return Profile.objects.create(
        reference=f"PR-{lab}",
        kind="reference",
        reference_sample=sample,
        specimen=lab,
        category="father",
        method=method,
        locus_count=len(genos),
        loci=loci(genos),
    )


def family(
    liaison: Any,
    person: Any,
    genos: dict[str, dict[str, list[str]]],
    *,
    sister: bool = True,
    scope: str = "domestic",
) -> ReferenceFamily:
    fam = families.create_family(actor=liaison, persons=[person.pk])
    father = families.add_relative(actor=liaison, family=fam, relation="father")
    typed(liaison, father, f"LAB-F-{fam.pk}", genos["father"])
    if sister:
        sis = families.add_relative(actor=liaison, family=fam, relation="full_sibling", sex="female")
        typed(liaison, sis, f"LAB-S-{fam.pk}", genos["sister"])
    family_records.record_consent(
        actor=liaison, family=fam, scope=scope, action="given", on=dt.date(2026, 1, 2)
    )
    fam.refresh_from_db()
    return fam


def body(
    examiner: Any,
    genos: dict[str, list[str]],
    *,
    bag: str = "BAG-1",
    batch: Any = None,
    profiled: bool = True,
) -> Any:
    """A body in ``batch`` (a new recovery batch by default), sampled, with a post-mortem profile."""
    from homecoming.app.remains import examinations, services

    if batch is None:
        batch = services.create_batch(
            actor=examiner,
            data={
                "source": "recovery",
                "transport": "train",
                "receiving_facility": "Morgue (synthetic)",
                "handed_over_by": "A",
                "received_by": "B",
            },
        )
    unit = services.register_unit(actor=examiner, batch=batch, data={"bag_number": bag, "kind": "body"})
    services.transition(actor=examiner, unit_id=unit.pk, target="registered")
    unit.refresh_from_db()
    examinations.record_examination(actor=examiner, unit=unit, data={"external": "synthetic"})
    sample = examinations.take_sample(actor=examiner, unit=unit, kind="bone", description="femur")
    if profiled:
        Profile.objects.create(
            reference=f"PR-{bag}-{unit.pk}",
            kind="post_mortem",
            sample=sample,
            specimen=bag,
            category="unidentified_person",
            method="autosomal_str",
            locus_count=len(genos),
            loci=loci(genos),
        )
        with transaction.atomic():  # as the lab import does, in its transaction
            services.mark_profiled(actor=examiner, unit_ids=[unit.pk], reason="profile imported")
    unit.refresh_from_db()
    assert unit.state == ("profiled" if profiled else "sampled"), unit.state
    return unit
