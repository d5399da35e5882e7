"""A seeded synthetic screening world in the database: one intake batch of bodies, many reference
families with consent (for the screening tests and ``benchmarks/identification.py``; synthetic only).

Families and bodies come from :func:`homecoming.kinship.populations.simulate_population` on the
built-in Norwegian table's markers: five family kinds in turn, half of the bodies (by default) are
missing persons of distinct families, the rest unrelated. Rows are written in bulk (profiles by COPY on
PostgreSQL through :func:`~homecoming.app.genetics.profile_rows.insert_profiles`), without audit
records: this is seeding, not a user's change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from homecoming.app.genetics.models import ConsentEvent, FamilyMember, ReferenceFamily, ReferenceSample
from homecoming.app.genetics.profile_rows import Json, insert_profiles
from homecoming.app.remains.models import IntakeBatch, RemainsUnit, Sample
from homecoming.kinship.formats.frequencies import FrequencyTable
from homecoming.kinship.model.markers import Profile
from homecoming.kinship.model.pedigree import Pedigree
from homecoming.kinship.populations import simulate_population

MARKERS = 21
_RELATION = {
    "FA": "father",
    "MO": "mother",
    "SP": "spouse",
    "GM": "paternal_grandmother",
    "GF": "paternal_grandfather",
}
_SEX = {1: "male", 2: "female"}
CHUNK = 2000


@dataclass(frozen=True)
class World:
    batch: IntakeBatch
    truth: dict[str, str]  # body profile reference -> family reference
    families: int
    bodies: int


def _relation(code: str) -> str:
    if code == "MP":
        return "missing"
    if code in _RELATION:
        return _RELATION[code]
    if code.startswith("S"):
        return "full_sibling"
    if code.startswith("C"):
        return "child"
    return "connecting"


def _loci_json(p: Profile) -> Json:
    import json

    rows = [
        {
            "locus": m,
            "written_name": m,
            "written": list(g.alleles),
            "used": list(g.alleles),
            "flags": [],
            "kit": "",
            "batch": "",
        }
        for m, g in p.genotypes.items()
        if g is not None
    ]
    return Json(json.dumps(rows))


def _profile_row(reference: str, kind: str, owner: int, p: Profile, now: dt.datetime) -> dict[str, Any]:
    return {
        "reference": reference,
        "kind": kind,
        "sample_id": owner if kind == "post_mortem" else None,
        "reference_sample_id": owner if kind == "reference" else None,
        "specimen": reference[:64],
        "category": "unidentified_person" if kind == "post_mortem" else "reference",
        "category_written": "",
        "kit": "synthetic",
        "method": "autosomal_str",
        "replicate": 1,
        "loci": _loci_json(p),
        "locus_count": sum(1 for g in p.genotypes.values() if g is not None),
        "flags": [],
        "excluded_reason": "",
        "consensus_of": [],
        "conflicts": [],
        "source_lab": "synthetic",
        "raw": {},
        "lab_file_id": None,
        "line": None,
        "created": now,
        "created_by_id": None,
    }


def build_world(
    *,
    n_families: int,
    n_bodies: int,
    seed: int,
    n_planted: int | None = None,
    prefix: str = "SYN",
    progress: Callable[[str], None] | None = None,
) -> World:
    """Write the world (see the module docstring); ``prefix`` keeps several worlds' references apart."""
    table = FrequencyTable.builtin("norwegian")
    loci = table.loci(list(table.markers)[:MARKERS])
    rng = np.random.default_rng(seed)
    planted = min(n_bodies // 2, n_families) if n_planted is None else n_planted
    pop = simulate_population(loci, rng, n_families=n_families, n_bodies=n_bodies, n_planted=planted)
    if progress:
        progress("simulated")
    now = timezone.now()
    with transaction.atomic():
        batch = IntakeBatch.objects.create(
            reference=f"IB-{prefix}-{seed}", source="recovery", receiving_facility="Synthetic morgue"
        )
        units = RemainsUnit.objects.bulk_create(
            [
                RemainsUnit(
                    reference=f"RU-{prefix}-{b.sample}", batch=batch, bag_number=b.sample, kind="body"
                )
                for b in pop.bodies
            ],
            batch_size=CHUNK,
        )
        samples = Sample.objects.bulk_create(
            [
                Sample(reference=f"SA-{prefix}-{b.sample}", unit=u, kind="bone")
                for b, u in zip(pop.bodies, units, strict=True)
            ],
            batch_size=CHUNK,
        )
        insert_profiles(
            [
                _profile_row(f"PM-{prefix}-{b.sample}", "post_mortem", s.pk, b, now)
                for b, s in zip(pop.bodies, samples, strict=True)
            ]
        )
        if progress:
            progress("bodies")
        truth = {f"PM-{prefix}-{b}": f"RF-{prefix}-{f}" for b, f in pop.truth.items()}
        for lo in range(0, len(pop.families), CHUNK):
            _families(pop.families[lo : lo + CHUNK], prefix, now)
            if progress:
                progress(f"families {min(lo + CHUNK, len(pop.families))}")
    return World(batch, truth, len(pop.families), len(pop.bodies))


def _families(families: Sequence[Any], prefix: str, now: dt.datetime) -> None:
    made = ReferenceFamily.objects.bulk_create(
        [ReferenceFamily(reference=f"RF-{prefix}-{f.id}", label=f.id) for f in families], batch_size=CHUNK
    )
    ConsentEvent.objects.bulk_create(
        [ConsentEvent(family=fam, scope="domestic", action="given", on=now.date()) for fam in made],
        batch_size=CHUNK,
    )
    ids: dict[tuple[int, int], int] = {}
    peds: list[tuple[ReferenceFamily, Pedigree]] = [
        (fam, f.pedigree) for fam, f in zip(made, families, strict=True)
    ]
    depth = [_depths(ped) for _fam, ped in peds]
    for level in range(max((max(d) for d in depth), default=0) + 1):
        rows, keys = [], []
        for k, ((fam, ped), d) in enumerate(zip(peds, depth, strict=True)):
            for i, code in enumerate(ped.ids):
                if d[i] != level:
                    continue
                fa, mo = ped.father[i], ped.mother[i]
                rows.append(
                    FamilyMember(
                        family=fam,
                        code=code,
                        relation=_relation(code),
                        sex=_SEX.get(ped.sex[i], "unknown"),
                        father_id=ids[(k, fa)] if fa >= 0 else None,
                        mother_id=ids[(k, mo)] if mo >= 0 else None,
                        created=now,
                    )
                )
                keys.append((k, i))
        for key, m in zip(keys, FamilyMember.objects.bulk_create(rows, batch_size=CHUNK), strict=True):
            ids[key] = m.pk
    samples, profiles = [], []
    for k, f in enumerate(families):
        for p in f.profiles:
            lab = f"{prefix}-{f.id}-{p.sample}"
            samples.append(
                ReferenceSample(
                    reference=f"RS-{lab}", member_id=ids[(k, f.pedigree.index(p.sample))], lab_reference=lab
                )
            )
            profiles.append(p)
    made_samples = ReferenceSample.objects.bulk_create(samples, batch_size=CHUNK)
    insert_profiles(
        [
            _profile_row(f"RP-{s.lab_reference}", "reference", s.pk, p, now)
            for s, p in zip(made_samples, profiles, strict=True)
        ]
    )


def _depths(ped: Pedigree) -> list[int]:
    d = [0] * len(ped)
    for _ in range(len(ped)):
        for i in range(len(ped)):
            for p in (ped.father[i], ped.mother[i]):
                if p >= 0 and d[i] < d[p] + 1:
                    d[i] = d[p] + 1
    return d
