"""Fixtures and builders of the lab-import tests: synthetic profiles, a batch with sampled units, users.

Genotypes are drawn (seeded) from the built-in forrel Norwegian frequencies: synthetic data only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pytest

from homecoming.kinship.formats.frequencies import FrequencyTable
from homecoming.kinship.formats.lab import LabFile, LabLocus, LabProfile
from homecoming.kinship.formats.loci import KITS

#: the 23 autosomal loci of PowerPlex Fusion 6C (canonical names as the readers write them), all in the
#: built-in table; profiles get amelogenin too
LOCI = list(KITS["PowerPlex Fusion 6C"].required)


def random_genotypes(rng: np.random.Generator) -> dict[str, tuple[str, ...]]:
    from homecoming.app.genetics.frequencies import table_marker

    table = FrequencyTable.builtin("norwegian")
    out: dict[str, tuple[str, ...]] = {}
    for locus in LOCI:
        alleles, freqs = table.markers[table_marker(table, locus) or locus]
        p = np.array(freqs) / sum(freqs)
        pair = sorted(rng.choice(len(alleles), size=2, p=p))
        out[locus] = (alleles[pair[0]], alleles[pair[1]])
    out["AMEL"] = ("X", "Y")
    return out


def lab_profile(
    specimen: str,
    genotypes: Mapping[str, Sequence[str]],
    *,
    category: str = "unidentified_person",
    line: int = 1,
    flags: tuple[str, ...] = (),
    excluded_reason: str = "",
    method: str = "autosomal_str",
) -> LabProfile:
    loci = tuple(
        LabLocus(locus, locus, tuple(alleles), tuple(alleles), ("one_allele",) if len(alleles) == 1 else ())
        for locus, alleles in genotypes.items()
    )
    return LabProfile(
        specimen=specimen,
        category=category,
        category_written=category.replace("_", " ").title(),
        kit="GlobalFiler",
        method=method,
        loci=loci,
        line=line,
        flags=flags,
        excluded_reason=excluded_reason,
        source_lab="Synthetic Lab 1",
    )


def mixture(specimen: str, rng: np.random.Generator, *, line: int = 1) -> LabProfile:
    g = random_genotypes(rng)
    g["D3S1358"] = ("14", "15", "16")
    return lab_profile(
        specimen,
        g,
        line=line,
        flags=("mixture",),
        excluded_reason="mixture: more than two alleles at D3S1358",
    )


def lab_file(*profiles: LabProfile, problems: Sequence[Any] = (), seed: str = "") -> tuple[LabFile, Any]:
    """A read lab file and its digest (the bytes: the profiles' text, unique per content and ``seed``)."""
    from homecoming.app.audit.imported import Digest

    data = (seed + repr(profiles)).encode()
    lab = LabFile("cmf", hashlib.sha256(data).hexdigest(), tuple(profiles), tuple(problems))
    return lab, Digest.of_bytes(data, "synthetic.xml")


@pytest.fixture
def analyst(make_user: Callable[..., Any]) -> Any:
    return make_user("dna_analyst", "analyst")


@pytest.fixture
def examiner(make_user: Callable[..., Any]) -> Any:
    return make_user("forensic_examiner", "examiner")


def make_batch(actor: Any, label: str = "") -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from homecoming.app.remains import services

    return services.create_batch(
        actor=actor,
        data={
            "source": "recovery",
            "transport": "train",
            "vehicles": 1,
            "containers_declared": 3,
            "receiving_facility": "Facility North" + label,
            "handed_over_by": "Sender team lead",
            "received_by": "Morgue North",
            "received_at": timezone.now() - timedelta(days=2),
        },
    )


def sampled_units(actor: Any, batch: Any, n: int, prefix: str = "BAG") -> list[Any]:
    """``n`` bodies registered in ``batch``, one bone sample each; the samples in order."""
    from homecoming.app.remains import examinations, services

    out = []
    for i in range(n):
        unit = services.register_unit(
            actor=actor,
            batch=batch,
            seal=f"S-{prefix}-{i}",
            data={"bag_number": f"{prefix}-{i}", "kind": "body"},
        )
        out.append(examinations.take_sample(actor=actor, unit=unit, kind="bone", description="femur"))
    return out


def reference_sample(lab_reference: str, code: str = "M1") -> Any:
    from homecoming.app.genetics.models import FamilyMember, ReferenceFamily, ReferenceSample

    family = ReferenceFamily.objects.create(reference=f"RF-{lab_reference}")
    member = FamilyMember.objects.create(family=family, code=code, relation="mother", sex="female")
    return ReferenceSample.objects.create(
        reference=f"RS-{lab_reference}", member=member, lab_reference=lab_reference
    )


@pytest.fixture
def world(examiner: Any) -> dict[str, Any]:
    """Two batches: the first with three sampled bodies, the second with two."""
    first, second = make_batch(examiner), make_batch(examiner, " 2")
    return {
        "batch": first,
        "other_batch": second,
        "samples": sampled_units(examiner, first, 3),
        "other_samples": sampled_units(examiner, second, 2, prefix="OTHER"),
    }


def cmf_bytes(*profiles: LabProfile) -> bytes:
    """A CODIS CMF 3.2 file of ``profiles`` (the shared writer)."""
    from datetime import datetime

    from homecoming.kinship.formats.cmf import write_cmf

    return write_cmf(
        profiles,
        source_lab="Synthetic Lab 1",
        destination_ori="UA0000000",
        submitted_by="analyst",
        submitted_at=datetime(2026, 1, 2, 3, 4, 5),
        kit="GlobalFiler",
    )
