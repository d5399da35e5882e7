"""What a laboratory file holds, whatever its format: the shared shape of every lab-file reader.

A reader (CODIS CMF 3.2 XML, GeneMapper-style genotype tables, Familias ``.fam``) turns bytes into one
:class:`LabFile`: every profile it found and every problem, at once. A reader never raises on bad
content: a problem is a :class:`~homecoming.errors.Problem` naming the specimen or row, the locus, the
value and the fix, and a file with any problem must import nothing (the application refuses it whole).

Canonical vocabularies (the application's choices are built from them):

* ``CATEGORIES``: who a specimen is (``unidentified_person`` for post-mortem remains; the reference
  relatives; ``staff`` and ``elimination_known`` for elimination profiles).
* ``METHODS``: autosomal STR, Y-STR, X-STR, SNP panel.
* ``LOCUS_FLAGS`` / ``PROFILE_FLAGS``: quality flags. A profile flagged ``mixture`` (more than two
  alleles at an autosomal locus) is stored but never used for kinship (``LabProfile.usable`` is False
  and ``excluded_reason`` says why).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from homecoming.errors import Problem

#: canonical specimen categories → the English label (CMF 3.2 category names where CMF has one)
CATEGORIES: dict[str, str] = {
    "unidentified_person": "Unidentified Person",
    "missing_person": "Missing Person",
    "mother": "Biological Mother",
    "father": "Biological Father",
    "sibling": "Biological Sibling",
    "child": "Biological Child",
    "maternal_relative": "Maternal Relative",
    "paternal_relative": "Paternal Relative",
    "spouse": "Spouse",
    "staff": "Staff",
    "elimination_known": "Elimination Known",
    "reference": "Reference (relation not stated)",
}
#: categories whose profiles are compared with post-mortem profiles to eliminate contamination
ELIMINATION_CATEGORIES = frozenset({"staff", "elimination_known"})
#: categories of relatives' reference samples
REFERENCE_CATEGORIES = frozenset(
    {"mother", "father", "sibling", "child", "maternal_relative", "paternal_relative", "spouse", "reference"}
)

METHODS: dict[str, str] = {
    "autosomal_str": "Autosomal STR",
    "y_str": "Y-STR",
    "x_str": "X-STR",
    "snp": "SNP panel",
}

LOCUS_FLAGS: dict[str, str] = {
    "off_ladder": "off-ladder allele (OL)",
    "below_ladder": "below the allelic ladder (<n)",
    "above_ladder": "above the allelic ladder (>n)",
    "one_allele": "one allele seen: possible drop-out, not assumed homozygous",
    "homozygote_written_once": "homozygote written once",
    "more_than_two": "more than two alleles at the locus",
    "no_frequencies": "no allele frequencies for the locus",
    "amelogenin_unread": "amelogenin value neither X nor Y: sex not read from it",
}
PROFILE_FLAGS: dict[str, str] = {
    "mixture": "mixture: more than two alleles at an autosomal locus; never used for kinship",
    "partial": "partial profile: fewer loci than the kit types",
    "elimination_match": "matches an elimination profile (staff or known contamination)",
    "duplicate": "matches another post-mortem profile",
}


@dataclass(frozen=True)
class LabLocus:
    """One locus of one profile: the name and alleles as written, and as used.

    ``used`` holds canonical allele labels after the rare-allele rule (``<6`` → the documented rule in
    ``docs/formats/genetics-read.md``); it keeps a single allele as one allele (``one_allele`` flag),
    never doubling it. ``kit`` and ``batch`` are the per-locus kit and batch where the file gives them.
    """

    locus: str
    written_name: str
    written: tuple[str, ...]
    used: tuple[str, ...]
    flags: tuple[str, ...] = ()
    kit: str = ""
    batch: str = ""


@dataclass(frozen=True)
class LabProfile:
    """One specimen's profile as the laboratory reported it."""

    specimen: str
    category: str
    category_written: str
    kit: str
    method: str
    loci: tuple[LabLocus, ...]
    line: int
    replicate: int = 1
    flags: tuple[str, ...] = ()
    excluded_reason: str = ""
    source_lab: str = ""
    raw: Mapping[str, str] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        """Whether kinship may use the profile (a mixture never is)."""
        return not self.excluded_reason

    def genotypes(self) -> dict[str, tuple[str, ...]]:
        """Canonical locus → alleles as used (what kinship sees)."""
        return {lc.locus: lc.used for lc in self.loci if lc.used}


@dataclass(frozen=True)
class LabFile:
    """Everything one lab file holds: its profiles, every problem, and notes on what was assumed."""

    format: str
    sha256: str
    profiles: tuple[LabProfile, ...]
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    header: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems
