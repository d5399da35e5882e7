"""Allele values as laboratories write them, read once for every lab-file reader.

The rules (``docs/formats/genetics-read.md`` says them for users):

* ``8``, ``08``, ``8.2``, ``9.3``: repeat numbers, canonical as ``8``, ``8.2`` (leading zeros and a
  trailing ``.0`` dropped). ``8.2.1``, ``abc``, ``?`` are problems naming the locus and the value.
* ``<6`` / ``>15`` (below / above the allelic ladder): kept as their own allele class, labelled ``<6`` /
  ``>15``, flagged ``below_ladder`` / ``above_ladder``. Such an allele is not guessed to be 5 or 16: it is
  an allele outside the ladder, which kinship gives the frequency table's rare-allele frequency (as
  Familias and EuroForMix give an allele missing from the database its minimum frequency). Two
  persons both reported ``<6`` share that class.
* ``OL`` (off-ladder, no designation): the allele exists but has no name; the locus is kept as written
  with ``used`` empty (kinship leaves the locus out) and flagged ``off_ladder``.
* ``X`` / ``Y`` only at amelogenin; amelogenin is read for sex and never used for kinship flags.
* One allele seen (``8``) is one allele, flagged ``one_allele``, never doubled: it may be a homozygote or
  a drop-out. ``8,8`` (written twice) is a homozygote. CODIS CMF asks labs to write homozygotes once,
  so a single CMF allele is this same ambiguous case.
* More than two different alleles at an autosomal locus: ``more_than_two`` (the profile is a mixture).
  At Y loci an allele written twice is one allele; two copies are normal at DYS385 and DYF387S1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from homecoming.errors import Problem
from homecoming.kinship.formats.lab import LabLocus
from homecoming.kinship.formats.loci import (
    AMELOGENIN,
    AUTOSOMAL,
    X,
    canonical_locus,
    is_quality_sensor,
    locus_kind,
    unknown_locus,
)

_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,2})?$")
_LADDER = re.compile(r"^([<>])\s*(\d{1,3}(?:\.\d{1,2})?)$")


def canonical_number(text: str) -> str:
    """``"08"`` → ``"8"``, ``"9.30"`` → ``"9.3"``, ``"8.0"`` → ``"8"``."""
    head, _, tail = text.partition(".")
    tail = tail.rstrip("0")
    return f"{int(head)}.{tail}" if tail else str(int(head))


def parse_allele(text: str, *, kind: str) -> tuple[str | None, str] | None:
    """``(label used, flag)`` of one written allele value; ``None`` when it is not an allele value.

    The label is None for an off-ladder allele (``OL``); the flag is ``""`` for an ordinary allele.
    """
    value = text.strip()
    if value.upper() in ("OL", "OFF LADDER", "OFF-LADDER"):
        return None, "off_ladder"
    if kind == AMELOGENIN:
        up = value.upper()
        return (up, "") if up in ("X", "Y") else None
    if _NUMBER.match(value):
        return canonical_number(value), ""
    found = _LADDER.match(value)
    if found:
        sign, number = found.groups()
        return f"{sign}{canonical_number(number)}", "below_ladder" if sign == "<" else "above_ladder"
    return None


@dataclass
class LocusRead:
    """What one written locus gave: the locus (None when dropped or unreadable), problems and a note."""

    locus: LabLocus | None
    problems: list[Problem] = field(default_factory=list)
    note: str = ""


def read_locus(
    written_name: str,
    values: Sequence[str],
    *,
    field: str,
    row: int | None = None,
    kit: str = "",
    batch: str = "",
) -> LocusRead:
    """One locus from its written name and allele values (empty values are skipped).

    ``field`` names where the locus is (``"specimen IMP_0001A, locus D8"``) for the problems.
    """
    name = written_name.strip()
    if is_quality_sensor(name):
        return LocusRead(None, note=f"quality sensor {name!r} is not a locus: left out")
    canonical = canonical_locus(name)
    if canonical is None:
        return LocusRead(None, [unknown_locus(name, field=field, row=row)])
    kind = locus_kind(canonical)
    written = tuple(v.strip() for v in values if v and v.strip() and v.strip() != "NA")  # NA: R's empty
    labels: list[str] = []
    flags: list[str] = []
    problems: list[Problem] = []
    notes: list[str] = []
    for value in written:
        parsed = parse_allele(value, kind=kind)
        if parsed is None and kind == AMELOGENIN:
            # the sex marker, not a kinship one: a value that is neither X nor Y (SmartRank's CMF example
            # writes Z) is kept as written and flagged; the sex is not read from it, the profile is read
            if "amelogenin_unread" not in flags:
                flags.append("amelogenin_unread")
                notes.append(
                    f"amelogenin {value!r} is neither X nor Y: kept as written and flagged "
                    "amelogenin_unread; the sex is not read from it"
                )
            continue
        if parsed is None:
            problems.append(_bad_allele(value, canonical, kind, field=field, row=row))
            continue
        label, flag = parsed
        if flag and flag not in flags:
            flags.append(flag)
        if label is not None:
            labels.append(label)
    if problems:
        return LocusRead(None, problems)
    used = _used(labels, kind, flags)
    locus = LabLocus(canonical, name, written, used, tuple(flags), kit, batch)
    return LocusRead(locus, note="; ".join(notes))


def _used(labels: list[str], kind: str, flags: list[str]) -> tuple[str, ...]:
    """The alleles kinship sees, adding ``one_allele`` / ``more_than_two`` to ``flags``."""
    if "off_ladder" in flags:
        return ()
    distinct = tuple(dict.fromkeys(labels))
    if kind == AUTOSOMAL:
        if len(distinct) > 2:
            flags.append("more_than_two")
            return distinct
        if len(labels) == 1:
            flags.append("one_allele")
            return distinct
        return distinct * 2 if len(distinct) == 1 else distinct  # 8,8: a homozygote written twice
    if kind == X and len(labels) > 1 and len(distinct) == 1:
        return distinct * 2
    return distinct  # Y (haploid; two copies at DYS385, DYF387S1), amelogenin, X as written


def _bad_allele(value: str, locus: str, kind: str, *, field: str, row: int | None) -> Problem:
    if kind == AMELOGENIN:
        hint = "amelogenin alleles are X or Y"
    elif value.upper() in ("X", "Y"):
        hint = f"X and Y are amelogenin alleles, not {locus} alleles; is the locus name right?"
    else:
        hint = "write a repeat number (8, 9.3), <n or >n outside the ladder, or OL for off-ladder"
    return Problem(field, f"{value!r} is not an allele value at {locus}", value, hint, row)
