"""Frequency tables as versioned records: import, put in force, the table in force, its kinship loci.

* :func:`import_table` reads a table in any layout ``kinship.formats.frequencies.read`` knows, applies the
  minimum-frequency rule and stores it as a :class:`~homecoming.app.genetics.models.FrequencyTable` with
  the SHA-256 of its canonical frequencies; the same frequencies twice are refused (``AlreadyImported``
  naming the table already stored). Audited.
* :func:`activate` puts a table in force from now (an insert-only ``FrequencyTableActivation`` with the
  reason); :func:`table_in_force` is the last one. Audited.
* :func:`kinship_loci` gives the kinship ``Locus`` objects of a table (what screening and matching use);
  :func:`locus_key` and :func:`table_marker` are the one way a profile's locus name (``vWA``) finds the
  table's (``VWA``); :func:`table_genotypes` turns a stored profile's loci into the genotypes a table can
  weigh (the ``.fam`` export and the next-relative ranking);
  :func:`missing_frequencies` names each locus (and allele) of a profile the table has no frequency for,
  so the lab import and the identification code can say so instead of skipping it silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from homecoming.app.audit import services as audit
from homecoming.app.fields import field_problems, required
from homecoming.app.genetics.models import FrequencyTable, FrequencyTableActivation
from homecoming.app.lookup import by_id
from homecoming.app.registry.services import allocate
from homecoming.errors import AlreadyImported, FrequencyError, Problem, StateError, ValidationError
from homecoming.kinship.formats import frequencies as pure
from homecoming.kinship.model.markers import Locus, canonical_allele
from homecoming.kinship.model.mutation import SexMutation

_user = audit.user_or_none
_FIELDS = ("name", "population", "source")


def _reference(number: int) -> str:
    return f"FT-{number:06d}"


def _read(
    text: str, table_id: str, options: Mapping[str, Any]
) -> tuple[pure.FrequencyRead | None, list[Problem]]:
    try:
        return pure.read(text, table_id=table_id, **options), []
    except FrequencyError as exc:
        return None, exc.problems or [Problem(exc.field or "file", exc.message, exc.value, exc.hint)]


def _summary(got: pure.FrequencyRead) -> dict[str, Any]:
    return {
        "layout": got.layout,
        "markers": len(got.table.markers),
        "alleles": sum(len(a) for a, _f in got.table.markers.values()),
        "normalised": list(got.normalised),
        "raised": [[r.marker, r.allele, r.was] for r in got.raised],
        "minimum": got.minimum,
    }


def _refuse_duplicate(sha256: str) -> None:
    existing = FrequencyTable.objects.filter(sha256=sha256).first()
    if existing is not None:
        raise AlreadyImported(
            f"these frequencies were imported before as {existing.reference} “{existing.name}” "
            f"({existing.population}, {existing.imported_at:%Y-%m-%d})",
            field="file",
            value=sha256,
            hint=f"use {existing.reference} (put it in force if it is not), or import a different table",
            previous={
                "reference": existing.reference,
                "name": existing.name,
                "sha256": sha256,
                "imported": existing.imported_at.isoformat(),
            },
        )


@transaction.atomic
def import_table(
    *,
    actor: Any,
    text: str,
    name: str,
    population: str,
    source: str,
    file_name: str = "",
    sample_size: int | None = None,
    minimum_rule: str = "five_over_2n",
    minimum_frequency: float | None = None,
    layout: str | None = None,
    normalise: bool = False,
    notes: str = "",
    activate_reason: str | None = None,
) -> FrequencyTable:
    """Store a frequency table read from ``text``; every problem (fields and rows) is listed at once.

    With ``activate_reason`` (not None) the new table is also put in force, in the same transaction.
    """
    data = {"name": name.strip(), "population": population.strip(), "source": source.strip()}
    problems = required(data, _FIELDS, "frequency table")
    problems += field_problems(FrequencyTable, {**data, "file_name": file_name, "minimum_rule": minimum_rule})
    options = {
        "layout": layout or None,
        "normalise": normalise,
        "minimum_rule": minimum_rule,
        "sample_size": sample_size,
        "fixed_minimum": minimum_frequency,
    }
    got, table_problems = _read(text, data["name"] or file_name or "(unnamed)", options)
    if problems or table_problems:
        cls = ValidationError if problems else FrequencyError
        raise cls.from_problems(problems + table_problems, "the frequency table", listed=5)
    assert got is not None
    _refuse_duplicate(got.sha256)
    table = FrequencyTable(
        **data,
        reference=_reference(allocate("genetics:frequency_table")[0]),
        sample_size=sample_size,
        minimum_rule=minimum_rule,
        minimum_frequency=got.minimum,
        sha256=got.sha256,
        file_name=file_name[:255],
        file_layout=got.layout,
        markers=got.table.as_mapping(),
        notes=notes,
        imported_by=_user(actor),
    )
    table.save(force_insert=True)
    after = audit.snapshot(table, exclude=("markers",)) | _summary(got)
    audit.record(actor=actor, action="import_frequency_table", obj=table, after=after)
    if activate_reason is not None:
        activate(actor=actor, table_id=table.pk, reason=activate_reason)
    return table


@transaction.atomic
def activate(*, actor: Any, table_id: int, reason: str = "") -> FrequencyTableActivation:
    """Put a table in force from now; the one in force before is named in the audit record."""
    table = by_id(FrequencyTable.objects.all(), table_id, what="frequency table", field="table")
    before = table_in_force()
    if before is not None and before.pk == table.pk:
        raise StateError(
            f"{table.reference} is already the table in force",
            field="table",
            value=table.reference,
            hint="nothing to do",
        )
    row = FrequencyTableActivation(table=table, actor=_user(actor), reason=reason.strip())
    row.save(force_insert=True)
    audit.record(
        actor=actor,
        action="activate_frequency_table",
        obj=table,
        before={"in_force": before.reference if before else None},
        after={"in_force": table.reference, "activation": row.pk},
        reason=row.reason,
    )
    return row


def table_in_force() -> FrequencyTable | None:
    """The table of the last activation, or None if no table was ever put in force."""
    last = FrequencyTableActivation.objects.select_related("table").order_by("-at", "-id").first()
    return last.table if last else None


def pure_table(table: FrequencyTable) -> pure.FrequencyTable:
    """The kinship-core table of a stored one; its id names the record and its hash (provenance)."""
    return pure.FrequencyTable.from_mapping(f"{table.reference}#sha256:{table.sha256[:16]}", table.markers)


def kinship_loci(
    table: FrequencyTable, names: Iterable[str] | None = None, *, mutation: SexMutation | None = None
) -> list[Locus]:
    """The kinship loci of ``table`` (all its markers, or ``names`` in that order)."""
    return pure_table(table).loci(names, mutation=mutation)


def locus_key(name: str) -> str:
    """How locus names are compared: ``vWA``, ``VWA``, ``Penta D`` and ``PENTA_D`` are one locus each."""
    return "".join(ch for ch in name.upper() if ch.isalnum())


def table_marker(table: pure.FrequencyTable | FrequencyTable, name: str) -> str | None:
    """The table's name of a profile's locus (``vWA`` → ``VWA``, ``Penta D`` → ``PENTA_D``), or None."""
    if name in table.markers:
        return name
    key = locus_key(name)
    return next((m for m in table.markers if locus_key(m) == key), None)


@dataclass(frozen=True)
class TableGenotypes:
    """A stored profile's loci as kinship genotypes named as ``table`` names them (:func:`table_genotypes`).

    ``gaps`` lists, in the profile's order, each locus the table has no marker for as ``(locus, None)`` and
    each allele it has no frequency for as ``(marker, allele)``; such a locus is left out of ``genotypes``.
    """

    genotypes: dict[str, tuple[str, str]]
    gaps: tuple[tuple[str, str | None], ...]


def table_genotypes(loci: Iterable[Mapping[str, Any]], table: pure.FrequencyTable) -> TableGenotypes:
    """The genotypes of ``loci`` (``Profile.loci`` rows) that ``table`` can weigh: the locus matched by
    :func:`table_marker`, a single allele read as a homozygote, every allele with a frequency. Amelogenin
    (the sex, not a kinship marker) and loci with no allele are skipped."""
    genotypes: dict[str, tuple[str, str]] = {}
    gaps: list[tuple[str, str | None]] = []
    for entry in loci:
        written, used = str(entry.get("locus")), [str(a) for a in entry.get("used") or []]
        if not used or written.upper().startswith("AMEL"):
            continue
        marker = table_marker(table, written)
        if marker is None:
            gaps.append((written, None))
            continue
        alleles = table.markers[marker][0]
        lacking = [a for a in used if a not in alleles]
        gaps += [(marker, a) for a in lacking]
        if not lacking:
            genotypes[marker] = (used[0], used[0]) if len(used) == 1 else (used[0], used[1])
    return TableGenotypes(genotypes, tuple(gaps))


def _profile_alleles(profile: Any) -> dict[str, tuple[str, ...]]:
    """``{locus: alleles used}`` of a stored profile, a kinship ``Profile``, a mapping or locus names."""
    if hasattr(profile, "loci") and isinstance(profile.loci, list):  # genetics.models.Profile
        return {str(e["locus"]): tuple(e.get("used") or ()) for e in profile.loci}
    if hasattr(profile, "genotypes"):  # kinship Profile
        return {m: (g.alleles if g is not None else ()) for m, g in profile.genotypes.items()}
    if isinstance(profile, Mapping):
        return {str(k): tuple(v or ()) for k, v in profile.items()}
    return {str(name): () for name in profile}


def missing_frequencies(profile_or_loci: Any, table: FrequencyTable | None = None) -> list[Problem]:
    """One problem per locus of the profile that ``table`` (default: the one in force) has no frequencies
    for, and per allele it lacks; an empty list when every locus can be used."""
    table = table or table_in_force()
    if table is None:
        hint = "import a frequency table and put it in force"
        return [Problem("frequency_table", "no frequency table is in force", None, hint)]
    problems = []
    for locus, alleles in _profile_alleles(profile_or_loci).items():
        marker = table_marker(table, locus)
        if marker is None:
            problems.append(
                Problem(
                    locus,
                    f"no frequencies for locus {locus} in {table.reference} ({table.name})",
                    locus,
                    "leave the locus out of kinship, or put in force a table that has it",
                )
            )
            continue
        absent = [a for a in alleles if canonical_allele(a) not in table.markers[marker]]
        for allele in absent:
            problems.append(
                Problem(
                    locus,
                    f"allele {allele} of locus {locus} is not in {table.reference} ({table.name})",
                    allele,
                    "check the allele call, or import a new version of the table that lists it",
                )
            )
    return problems
