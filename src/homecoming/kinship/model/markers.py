"""Loci, allele frequencies, genotypes and profiles.

A :class:`Locus` is one marker: its allele labels (strings such as ``"9.3"``), their frequencies in the
same order, the chromosome (``"autosomal"`` or ``"X"``), an optional :class:`SexMutation` and an optional
silent (null) allele frequency. Allele labels are compared after canonicalisation (``"09"`` -> ``"9"``,
``"9.30"`` -> ``"9.3"``), never by position.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from homecoming.errors import FrequencyError, MarkerError, Problem
from homecoming.kinship.model.hardy_weinberg import ordered_joint
from homecoming.kinship.model.mutation import SexMutation

FloatArray = NDArray[np.float64]
Chromosome = Literal["autosomal", "X"]
SUM_TOLERANCE = 1e-6
_NUMERIC = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _fields_only(obj: object) -> dict[str, object]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}  # type: ignore[arg-type]


def canonical_allele(label: object) -> str:
    """The canonical text of an allele label: ``9`` and ``"09"`` -> ``"9"``, ``"9.30"`` -> ``"9.3"``."""
    text = str(label).strip()
    if _NUMERIC.match(text):
        if "." in text:
            head, tail = text.split(".")
            tail = tail.rstrip("0")
            head = str(int(head))
            return head if not tail else f"{head}.{tail}"
        return str(int(text))
    return text


@dataclass(frozen=True, eq=False)
class Locus:
    """One marker: allele labels, frequencies (same order), chromosome, mutation models."""

    name: str
    alleles: tuple[str, ...]
    frequencies: tuple[float, ...]
    chromosome: Chromosome = "autosomal"
    mutation: SexMutation | None = None
    silent_frequency: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "alleles", tuple(canonical_allele(a) for a in self.alleles))
        object.__setattr__(self, "frequencies", tuple(float(f) for f in self.frequencies))
        problems = self._problems()
        if problems:
            cls = (
                MarkerError
                if any(p.field.endswith("alleles") or p.field.endswith("chromosome") for p in problems)
                else FrequencyError
            )
            raise cls(
                str(problems[0]) if len(problems) == 1 else f"{len(problems)} problems in marker {self.name}",
                field=problems[0].field,
                value=problems[0].value,
                hint=problems[0].hint,
                problems=problems,
            )

    def _problems(self) -> list[Problem]:
        out: list[Problem] = []
        where = f"marker {self.name}"
        if self.chromosome not in ("autosomal", "X"):
            out.append(Problem(f"{where}: chromosome", "must be 'autosomal' or 'X'", self.chromosome))
        if len(self.alleles) != len(self.frequencies):
            out.append(
                Problem(
                    f"{where}: alleles",
                    "alleles and frequencies differ in length",
                    (len(self.alleles), len(self.frequencies)),
                )
            )
            return out
        if not self.alleles:
            out.append(Problem(f"{where}: alleles", "a marker needs at least one allele", 0))
        seen: set[str] = set()
        for a in self.alleles:
            if a in seen:
                out.append(
                    Problem(f"{where}: alleles", f"allele {a} is listed twice", a, "merge the duplicate rows")
                )
            seen.add(a)
        for a, f in zip(self.alleles, self.frequencies, strict=True):
            if not (f >= 0) or math.isinf(f):
                out.append(
                    Problem(
                        f"{where}: allele {a}: frequency", "must be a finite number >= 0", f, "fix the table"
                    )
                )
        total = sum(self.frequencies)
        if not out and abs(total - 1) > SUM_TOLERANCE:
            out.append(
                Problem(
                    f"{where}: frequencies",
                    "do not sum to 1",
                    total,
                    "fix the table or renormalise it explicitly (FrequencyTable.normalised())",
                )
            )
        if not (0 <= self.silent_frequency < 1):
            out.append(Problem(f"{where}: silent_frequency", "must be in [0, 1)", self.silent_frequency))
        return out

    def __getstate__(self) -> dict[str, object]:
        """Pickle the fields only: the caches (allele spaces, matrices, the mutation-free twin) are
        rebuilt where the locus lands, not shipped to every worker."""
        return _fields_only(self)

    @cached_property
    def allele_index(self) -> dict[str, int]:
        """Canonical allele label -> position (do not modify)."""
        return {a: i for i, a in enumerate(self.alleles)}

    @cached_property
    def population_joint(self) -> FloatArray:
        """``p pᵀ``: the ordered genotype distribution of an unrelated person (θ = 0; read-only)."""
        out = ordered_joint(self.freq_array)
        out.flags.writeable = False
        return out

    @cached_property
    def space_cache(self) -> dict[object, Any]:
        """Allele spaces of this locus by named alleles (kept by :func:`.alleles.lumped_space`)."""
        return {}

    @property
    def n_alleles(self) -> int:
        return len(self.alleles)

    @cached_property
    def freq_array(self) -> FloatArray:
        return np.array(self.frequencies, dtype=np.float64)

    def has(self, allele: str) -> bool:
        return allele in self.allele_index or canonical_allele(allele) in self.allele_index

    def index(self, allele: str, *, who: str = "") -> int:
        """Position of ``allele``; a clear MarkerError names marker, allele (and person) if unknown."""
        got = self.allele_index.get(allele)  # labels of a Genotype are canonical already
        if got is not None:
            return got
        key = canonical_allele(allele)
        try:
            return self.allele_index[key]
        except KeyError:
            owner = f" of {who}" if who else ""
            raise MarkerError(
                f"allele {key}{owner} is not in the frequency table of marker {self.name}",
                field=f"{self.name}",
                value=key,
                hint="add it to the table, or use unknown_alleles='minimum' to give it the minimum frequency",
            ) from None

    @cached_property
    def female_matrix(self) -> FloatArray | None:
        if self.mutation is None:
            return None
        return self.mutation.female.matrix_for(self.alleles, self.freq_array)

    @cached_property
    def male_matrix(self) -> FloatArray | None:
        if self.mutation is None:
            return None
        return self.mutation.male.matrix_for(self.alleles, self.freq_array)

    @cached_property
    def without_mutation(self) -> Locus:
        """This locus with no mutation model (the same object each time, so its caches are shared)."""
        return self if self.mutation is None else replace(self, mutation=None)

    def with_alleles(self, extra: Iterable[str], frequency: float) -> Locus:
        """A copy with ``extra`` alleles at ``frequency`` each, the table renormalised to sum 1."""
        new = [canonical_allele(a) for a in extra if not self.has(a)]
        if not new:
            return self
        freqs = np.array(list(self.frequencies) + [frequency] * len(new))
        freqs = freqs / freqs.sum()
        return replace(self, alleles=self.alleles + tuple(new), frequencies=tuple(freqs.tolist()))

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "chromosome": self.chromosome,
            "n_alleles": self.n_alleles,
            "mutation": None if self.mutation is None else self.mutation.describe(),
            "silent_frequency": self.silent_frequency,
        }


@dataclass(frozen=True)
class Genotype:
    """An unordered pair of allele labels; ``a2=None`` is a partial genotype (one allele seen)."""

    a1: str
    a2: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "a1", canonical_allele(self.a1))
        if self.a2 is not None:
            object.__setattr__(self, "a2", canonical_allele(self.a2))

    @classmethod
    def parse(cls, value: object) -> Genotype | None:
        """From ``"16/17"``, ``"16,17"``, ``["16", "17"]``, ``["16", None]``; ``None`` -> untyped."""
        if value is None:
            return None
        if isinstance(value, Genotype):
            return value
        if isinstance(value, str):
            parts: list[object] = [p for p in re.split(r"[/,\s]+", value.strip()) if p]
        elif isinstance(value, Sequence):
            parts = list(value)
        else:
            raise MarkerError(
                "a genotype must be two alleles",
                field="genotype",
                value=value,
                hint='write it as "16/17" or ["16", "17"]',
            )
        seen = [p for p in parts if p is not None and str(p).strip() not in ("", "-", "NA")]
        if len(parts) > 2 or len(seen) > 2:
            raise MarkerError(
                "a genotype has at most two alleles",
                field="genotype",
                value=value,
                hint="remove the extra alleles (mixtures are not supported)",
            )
        if not seen:
            return None
        return cls(str(seen[0]), None if len(seen) == 1 else str(seen[1]))

    @property
    def alleles(self) -> tuple[str, ...]:
        return (self.a1,) if self.a2 is None else (self.a1, self.a2)

    @property
    def is_partial(self) -> bool:
        return self.a2 is None

    def __str__(self) -> str:
        return f"{self.a1}/{self.a2 if self.a2 is not None else '-'}"


@dataclass(frozen=True)
class Profile:
    """The genotypes of one sample: marker name -> Genotype (absent or ``None`` = untyped)."""

    sample: str
    genotypes: Mapping[str, Genotype | None] = field(default_factory=dict)
    dropout: float = 0.0

    def __post_init__(self) -> None:
        if not (0.0 <= self.dropout < 1.0):
            raise MarkerError(
                f"drop-out probability of sample {self.sample} must be in [0, 1)",
                field=f"{self.sample}.dropout",
                value=self.dropout,
            )
        object.__setattr__(self, "genotypes", dict(self.genotypes))

    @classmethod
    def from_mapping(
        cls, sample: str, genotypes: Mapping[str, object], /, *, dropout: float = 0.0
    ) -> Profile:
        out: dict[str, Genotype | None] = {}
        for marker, value in genotypes.items():
            try:
                out[marker] = Genotype.parse(value)
            except MarkerError as exc:
                raise MarkerError(
                    f"sample {sample}, marker {marker}: {exc.message}",
                    field=f"{sample}.{marker}",
                    value=value,
                    hint=exc.hint,
                ) from None
        return cls(sample, out, dropout=dropout)

    def get(self, marker: str) -> Genotype | None:
        return self.genotypes.get(marker)

    def __getstate__(self) -> dict[str, object]:
        """Pickle the fields only (the per-locus allele indices are a cache keyed by loci)."""
        return _fields_only(self)

    @cached_property
    def code_cache(self) -> dict[object, object]:
        """Per locus, this profile's allele indices there (kept by :func:`.evidence.profile_code`)."""
        return {}

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the canonical JSON ``[sample, dropout, [[marker, "a/b"], ...]]`` (markers sorted).

        For provenance: two profiles with the same sample name, drop-out and typed genotypes have the
        same digest, whatever the order their markers were given in.
        """
        typed = sorted((m, str(g)) for m, g in self.genotypes.items() if g is not None)
        text = json.dumps([self.sample, self.dropout, typed], ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def markers(self) -> tuple[str, ...]:
        return tuple(m for m, g in self.genotypes.items() if g is not None)


def reconcile_loci(
    loci: Sequence[Locus],
    profiles: Iterable[Profile],
    /,
    *,
    unknown_alleles: Literal["error", "minimum"] = "error",
    database_size: int | None = None,
) -> tuple[list[Locus], list[str]]:
    """Check every profile allele against the tables; optionally add unseen ones at 5/2N (NRC II).

    Returns the loci to use and notes saying what was changed (empty when nothing was).
    """
    profiles = list(profiles)
    notes: list[str] = []
    out: list[Locus] = []
    problems: list[Problem] = []
    for locus in loci:
        missing: dict[str, str] = {}
        known = locus.allele_index
        name = locus.name
        for prof in profiles:
            g = prof.genotypes.get(name)
            if g is None or (g.a1 in known and (g.a2 is None or g.a2 in known)):  # labels are canonical
                continue
            for a in g.alleles:
                if not locus.has(a):
                    missing.setdefault(a, prof.sample)
        if missing and unknown_alleles == "minimum":
            if database_size is None or database_size <= 0:
                raise FrequencyError(
                    "unknown_alleles='minimum' needs the database size N",
                    field="database_size",
                    value=database_size,
                    hint="pass database_size= the number of people behind the table",
                )
            fmin = 5.0 / (2.0 * database_size)
            locus = locus.with_alleles(missing, fmin)
            notes.append(
                f"marker {locus.name}: allele(s) {', '.join(missing)} not in the table; given the "
                f"minimum frequency 5/2N = {fmin:.6g} and the table renormalised"
            )
        else:
            problems += [
                Problem(
                    f"{prof} / {locus.name}",
                    f"allele {a} of sample {prof} is not in the frequency table of marker {locus.name}",
                    a,
                    "add it to the table or use unknown_alleles='minimum'",
                )
                for a, prof in missing.items()
            ]
        out.append(locus)
    if problems:
        raise MarkerError(
            problems[0].message
            if len(problems) == 1
            else f"{len(problems)} alleles are not in the frequency tables: "
            + "; ".join(p.message for p in problems[:5]),
            field=problems[0].field,
            value=problems[0].value,
            hint=problems[0].hint,
            problems=problems,
        )
    return out, notes
