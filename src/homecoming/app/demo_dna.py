"""Shared pieces of the genetics demo: the kit's loci, synthetic genotypes as a laboratory's profiles, CMF.

Used by :mod:`homecoming.app.demo_genetics` (the batch) and :mod:`homecoming.app.demo_families`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from django.utils import timezone

from homecoming.app.genetics.models import FrequencyTable
from homecoming.kinship.formats.lab import LabLocus, LabProfile
from homecoming.kinship.model.markers import Locus, Profile
from homecoming.kinship.model.pedigree import Pedigree
from homecoming.kinship.simulate import simulate_profiles

FILE_TIME = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)  # the files of demo/lab-files are dated
DEMO_KIT = "GlobalFiler"
DEMO_LAB = "Demo DNA laboratory B"
#: the 21 autosomal STRs of a GlobalFiler-like kit, all in the Norwegian table
DEMO_LOCI = (
    "D3S1358",
    "VWA",
    "D16S539",
    "CSF1PO",
    "TPOX",
    "D8S1179",
    "D21S11",
    "D18S51",
    "D2S441",
    "D19S433",
    "TH01",
    "FGA",
    "D22S1045",
    "D5S818",
    "D13S317",
    "D7S820",
    "SE33",
    "D10S1248",
    "D1S1656",
    "D12S391",
    "D2S1338",
)
BODY_FAMILIES = 8  # the first families: their missing persons are bodies of the demo batch

#: family designs: the relatives added to the missing person (relation, sex or ""), all typed
DESIGNS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("father", ""), ("mother", "")),
    (("mother", ""), ("full_sibling", "male"), ("full_sibling", "female")),
    (("full_sibling", "male"), ("full_sibling", "female"), ("full_sibling", "male")),
    (("spouse", ""), ("child", "female"), ("child", "male")),
    (("paternal_half_sibling", "male"), ("maternal_grandmother", ""), ("paternal_uncle_aunt", "male")),
    (("father", ""), ("full_sibling", "female")),
)
CATEGORY = {
    "father": "father",
    "mother": "mother",
    "full_sibling": "sibling",
    "child": "child",
    "spouse": "spouse",
    "paternal_half_sibling": "paternal_relative",
    "paternal_uncle_aunt": "paternal_relative",
    "paternal_grandfather": "paternal_relative",
    "paternal_grandmother": "paternal_relative",
    "paternal_cousin": "paternal_relative",
    "maternal_half_sibling": "maternal_relative",
    "maternal_uncle_aunt": "maternal_relative",
    "maternal_grandfather": "maternal_relative",
    "maternal_grandmother": "maternal_relative",
    "maternal_cousin": "maternal_relative",
}
#: consent per family, in turn: scopes given, then withdrawn (a domestic withdrawal withdraws the family)
CONSENT_MIX: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("domestic",), ()),
    (("domestic", "icrc"), ()),
    (("domestic", "icmp", "interpol"), ()),
    (("domestic",), ()),
    (("domestic", "icrc", "research"), ("research",)),
    (("domestic",), ()),
    (("domestic", "interpol"), ("interpol",)),
    (("domestic",), ()),
    (("domestic", "icrc"), ()),
    (("domestic",), ("domestic",)),
)


@dataclass
class DemoDna:
    """What the build made: profiles by specimen id, the files written, counts."""

    table: FrequencyTable | None = None
    bodies: list[LabProfile] = field(default_factory=list)
    pending: list[LabProfile] = field(default_factory=list)
    references: list[LabProfile] = field(default_factory=list)
    staff: list[LabProfile] = field(default_factory=list)
    truth: dict[str, int] = field(default_factory=dict)  # body sample -> index of its family
    missing_sex: list[str] = field(default_factory=list)  # the sex of each family's missing person
    files: dict[str, bytes] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def lab_profile(
    specimen: str, category: str, profile: Profile, *, line: int = 0, sex: str = ""
) -> LabProfile:
    """A laboratory's profile of ``profile`` (every locus typed, alleles as written = as used), with
    amelogenin (X,Y or X) when ``sex`` is male or female."""
    loci = []
    for name in DEMO_LOCI:
        g = profile.genotypes.get(name)
        if g is None:
            continue
        alleles = tuple(g.alleles) if g.a2 is not None else (g.a1,)
        loci.append(LabLocus(name, name, alleles, alleles, kit=DEMO_KIT))
    amel = {"male": ("X", "Y"), "female": ("X",)}.get(sex)
    if amel:
        loci.append(LabLocus("AMEL", "AMEL", amel, amel, kit=DEMO_KIT))
    return LabProfile(
        specimen=specimen,
        category=category,
        category_written=category,
        kit=DEMO_KIT,
        method="autosomal_str",
        loci=tuple(loci),
        line=line,
        source_lab=DEMO_LAB,
    )


def single_profiles(loci: Sequence[Locus], rng: np.random.Generator, n: int) -> list[Profile]:
    """``n`` unrelated persons."""
    ped = Pedigree.singleton("U")
    return [simulate_profiles(ped, loci, rng)["U"] for _ in range(n)]


def family_profiles(
    ped: Pedigree, loci: Sequence[Locus], rng: np.random.Generator, typed: Sequence[str], missing: str
) -> dict[str, Profile]:
    """The typed members' and the missing person's genotypes, simulated down the same pedigree."""
    return simulate_profiles(ped, loci, rng, typed=[*typed, missing])


def write_cmf_file(profiles: Sequence[LabProfile], *, batch_id: str, when: datetime | None = None) -> bytes:
    """The profiles as the demo laboratory's CODIS CMF 3.2 file (the lab-file writer)."""
    from homecoming.kinship.formats.cmf import write_cmf

    return write_cmf(
        profiles,
        source_lab=DEMO_LAB,
        destination_ori="UADEMO000",
        submitted_by="demo.analyst",
        submitted_at=when or timezone.now(),
        batch_id=batch_id,
        kit=DEMO_KIT,
    )
