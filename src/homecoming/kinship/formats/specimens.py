"""What every lab-file reader does once it has a specimen's loci: its category, method, kit and flags.

* :func:`category_of`: a written category (CMF 3.2 Appendix D spellings, or the canonical key, or a
  plain relation word) → a key of ``lab.CATEGORIES``. ``Forensic, Unknown`` and ``Forensic Mixture`` (a
  sample of unknown source) are read as ``unidentified_person``, a ``Forensic Mixture`` flagged
  ``mixture`` and never used for kinship. The CODIS categories of known people of criminal casework
  (``Convicted Offender``, ``Arrestee``, ``Suspect, Known``, ...) are problems.
* :func:`make_profile`: the :class:`~homecoming.kinship.formats.lab.LabProfile` with its method (from its
  loci), the ``mixture`` flag and excluded reason, and ``partial`` (fewer loci than its kit types, or
  the file says so).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from homecoming.errors import Problem
from homecoming.kinship.formats.lab import CATEGORIES, LabLocus, LabProfile
from homecoming.kinship.formats.loci import AMELOGENIN, AUTOSOMAL, KIND_METHOD, kit_named, locus_kind

#: written category (compared by :func:`_key`) → canonical category; CMF 3.2 Appendix D names first
CATEGORY_NAMES: dict[str, str] = {
    "unidentifiedperson": "unidentified_person",
    "missingperson": "missing_person",
    "biologicalmother": "mother",
    "allegedmother": "mother",
    "biologicalfather": "father",
    "allegedfather": "father",
    "biologicalsibling": "sibling",
    "biologicalchild": "child",
    "maternalrelative": "maternal_relative",
    "paternalrelative": "paternal_relative",
    "spouse": "spouse",
    "staff": "staff",
    "eliminationknown": "elimination_known",
    "other": "reference",
    # CODIS casework categories of a sample of unknown source (a body's sample in a DVI laboratory that
    # works with CODIS software): read as remains, so the importer accepts them only on a remains sample
    "forensicunknown": "unidentified_person",
    "forensicmixture": "unidentified_person",
    # plain words a table may use
    "mother": "mother",
    "father": "father",
    "sibling": "sibling",
    "brother": "sibling",
    "sister": "sibling",
    "child": "child",
    "son": "child",
    "daughter": "child",
    "remains": "unidentified_person",
    "victim": "unidentified_person",
    "reference": "reference",
    "relative": "reference",
}
#: written categories (compared by :func:`_key`) that say the specimen is a mixture
MIXTURE_CATEGORIES = frozenset({"forensicmixture"})
#: the CMF 3.2 name written for each canonical category (``reference`` as ``Other``)
CMF_CATEGORY: dict[str, str] = {
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
    "elimination_known": "Elimination, Known",
    "reference": "Other",
}


def _key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def category_of(written: str) -> str | None:
    """The canonical category of a written one, or None (not a category Homecoming takes)."""
    text = written.strip()
    if text in CATEGORIES:
        return text
    return CATEGORY_NAMES.get(_key(text))


def category_problem(written: str, *, field: str, row: int | None = None) -> Problem:
    known = ", ".join(CMF_CATEGORY[c] for c in CMF_CATEGORY)
    return Problem(
        field,
        "is not a specimen category Homecoming takes (remains, missing persons, relatives, elimination)",
        written,
        f"use one of: {known}",
        row,
    )


def method_of(loci: Sequence[LabLocus]) -> str:
    """``y_str`` / ``x_str`` when every locus but amelogenin is one; otherwise ``autosomal_str``."""
    kinds = {locus_kind(lc.locus) for lc in loci} - {AMELOGENIN}
    if len(kinds) == 1:
        return KIND_METHOD[kinds.pop()]
    return "autosomal_str"


def make_profile(
    specimen: str,
    category: str,
    category_written: str,
    *,
    kit: str,
    loci: Sequence[LabLocus],
    line: int,
    replicate: int = 1,
    partial: bool = False,
    source_lab: str = "",
    raw: Mapping[str, str] | None = None,
) -> LabProfile:
    """The profile, with its method, ``mixture`` / ``partial`` flags and the excluded reason."""
    flags: list[str] = []
    kinds: set[str] = set()
    mixed: list[str] = []
    typed: set[str] = set()
    for lc in loci:
        kind = locus_kind(lc.locus)
        kinds.add(kind)
        if lc.flags and "more_than_two" in lc.flags and kind == AUTOSOMAL:
            mixed.append(lc.locus)
        if lc.used:
            typed.add(lc.locus)
    reason = ""
    if mixed:
        flags.append("mixture")
        reason = f"mixture: more than two alleles at {', '.join(mixed)}; never used for kinship"
    elif _key(category_written) in MIXTURE_CATEGORIES:
        flags.append("mixture")
        reason = f"mixture: the laboratory's category is {category_written.strip()}; never used for kinship"
    known = kit_named(kit) if kit else None
    if partial or (known is not None and not typed.issuperset(known.required)):
        flags.append("partial")
    kinds.discard(AMELOGENIN)
    method = KIND_METHOD[kinds.pop()] if len(kinds) == 1 else "autosomal_str"
    return LabProfile(
        specimen=specimen,
        category=category,
        category_written=category_written,
        kit=kit,
        method=method,
        loci=tuple(loci),
        line=line,
        replicate=replicate,
        flags=tuple(flags),
        excluded_reason=reason,
        source_lab=source_lab,
        raw=dict(raw or {}),
    )
