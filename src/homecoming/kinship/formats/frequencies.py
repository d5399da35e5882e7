"""Allele-frequency tables: read (three layouts), checked, minimum-frequency rule, canonical SHA-256.

:func:`read` takes the text of a table in any layout of :mod:`~homecoming.kinship.formats.frequency_layouts`
(``long`` CSV, Familias text database, EuroForMix wide table; detected unless named) and returns a
:class:`FrequencyRead`: the :class:`FrequencyTable` and what was done to it. Rules, in this order:

1. Every bad entry is listed at once (line, column, value, fix): a frequency that is not a number,
   negative, above 1 or not finite; an allele listed twice for a marker; a layout error.
2. A marker whose frequencies do not sum to 1 within ``tolerance`` (at most ``1e-6``, what a kinship
   locus accepts) is a problem, unless ``normalise=True``: then every marker is divided by its sum and
   the markers that changed are named in ``normalised``.
3. The minimum-frequency rule: ``five_over_2n`` (NRC II, 1996: an allele seen fewer than 5 times among
   the ``2N`` alleles of ``N`` persons is given ``5/2N``; needs the sample size), ``fixed`` (a value given)
   or ``none``. Every allele listed below the minimum is raised to it (listed in ``raised`` with its old
   value) and its marker is then divided by its new sum, because a locus must sum to 1; so a raised
   allele ends slightly below the minimum, as in Familias. Alleles not in the table are not added: a
   profile allele missing from the table is the caller's problem to name.
4. :func:`frequencies_sha256`: SHA-256 of the canonical JSON ``{marker: {allele: frequency}}`` (keys
   sorted, alleles canonical, floats in shortest round-trip form) of the frequencies after 2 and 3, so
   the same frequencies give the same hash whatever the layout, order or file name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from homecoming.errors import FrequencyError, MarkerError, Problem
from homecoming.kinship.formats.frequency_layouts import LAYOUTS, READERS, Entry, detect_layout
from homecoming.kinship.model.markers import SUM_TOLERANCE, Chromosome, Locus, canonical_allele
from homecoming.kinship.model.mutation import SexMutation
from homecoming.provenance import digest

MINIMUM_RULES = ("none", "five_over_2n", "fixed")

BUILTIN = {"norwegian": "forrel_NorwegianFrequencies.csv"}


@dataclass(frozen=True)
class FrequencyTable:
    """Allele frequencies by marker: ``markers[name] = (alleles, frequencies)``; ``id`` names the table."""

    id: str
    markers: Mapping[str, tuple[tuple[str, ...], tuple[float, ...]]] = field(default_factory=dict)

    @classmethod
    def from_csv(cls, source: Path | str, /, *, table_id: str | None = None) -> FrequencyTable:
        """Read a CSV file; every bad row is listed (row number, column, value)."""
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise FrequencyError(
                f"cannot read frequency table {path}: {exc.strerror}", field="path", value=str(path)
            ) from None
        return cls.from_text(text, table_id=table_id or f"{path.name}#sha256:{digest(text.encode())[:16]}")

    @classmethod
    def builtin(cls, name: str = "norwegian") -> FrequencyTable:
        """A table shipped inside the package (``"norwegian"``: forrel::NorwegianFrequencies)."""
        if name not in BUILTIN:
            raise FrequencyError(
                f"no built-in frequency table {name!r}",
                field="name",
                value=name,
                hint=f"choose one of {', '.join(BUILTIN)}",
            )
        text = resources.files("homecoming.kinship").joinpath("data", BUILTIN[name]).read_text("utf-8")
        return cls.from_text(text, table_id=f"{BUILTIN[name]}#sha256:{digest(text.encode())[:16]}")

    @classmethod
    def from_text(cls, text: str, /, *, table_id: str) -> FrequencyTable:
        """A ``marker,allele,frequency`` CSV; every bad row is listed, sums must be 1 (see :func:`read`)."""
        return read(text, table_id=table_id, layout="long").table

    @classmethod
    def from_mapping(cls, table_id: str, markers: Mapping[str, Mapping[str, float]], /) -> FrequencyTable:
        """The trusted constructor from ``{marker: {allele: frequency}}`` (as stored), order kept."""
        return cls(table_id, {m: (tuple(a), tuple(float(f) for f in a.values())) for m, a in markers.items()})

    def as_mapping(self) -> dict[str, dict[str, float]]:
        """``{marker: {allele: frequency}}`` in the table's order (JSON-ready)."""
        return {m: dict(zip(a, f, strict=True)) for m, (a, f) in self.markers.items()}

    @property
    def sha256(self) -> str:
        """SHA-256 of the canonical form of the frequencies (see :func:`frequencies_sha256`)."""
        return frequencies_sha256(self.as_mapping())

    def normalised(self) -> FrequencyTable:
        """Every marker's frequencies divided by their sum (the id records it)."""
        return FrequencyTable(
            f"{self.id}+normalised",
            {m: (a, tuple(x / sum(f) for x in f)) for m, (a, f) in self.markers.items()},
        )

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.markers)

    def locus(
        self,
        name: str,
        /,
        *,
        chromosome: Chromosome = "autosomal",
        mutation: SexMutation | None = None,
        silent_frequency: float = 0.0,
    ) -> Locus:
        if name not in self.markers:
            raise MarkerError(
                f"marker {name} is not in frequency table {self.id}",
                field="marker",
                value=name,
                hint=f"markers are {', '.join(list(self.markers)[:8])}...",
            )
        alleles, freqs = self.markers[name]
        return Locus(
            name, alleles, freqs, chromosome=chromosome, mutation=mutation, silent_frequency=silent_frequency
        )

    def loci(
        self, names: Iterable[str] | None = None, /, *, mutation: SexMutation | None = None
    ) -> list[Locus]:
        return [self.locus(n, mutation=mutation) for n in (names if names is not None else self.markers)]


def frequencies_sha256(markers: Mapping[str, Mapping[str, float]]) -> str:
    """SHA-256 of the canonical JSON of ``{marker: {allele: frequency}}`` (sorted keys, canonical alleles)."""
    return digest({m: {canonical_allele(a): float(f) for a, f in als.items()} for m, als in markers.items()})


@dataclass(frozen=True)
class RaisedAllele:
    """An allele raised to the minimum frequency: its frequency as read (after normalising, if asked)."""

    marker: str
    allele: str
    was: float


@dataclass(frozen=True)
class FrequencyRead:
    """A table as read: the layout, per-marker sums as written, what was normalised or raised."""

    table: FrequencyTable
    layout: str
    sums: Mapping[str, float]
    normalised: tuple[str, ...] = ()
    raised: tuple[RaisedAllele, ...] = ()
    minimum: float | None = None

    @property
    def sha256(self) -> str:
        return self.table.sha256


def minimum_frequency(
    rule: str, /, *, sample_size: int | None = None, fixed: float | None = None
) -> tuple[float | None, list[Problem]]:
    """The minimum frequency of ``rule`` (``none``: None) and the problems of its parameters."""
    if rule == "none":
        return None, []
    if rule == "five_over_2n":
        if not sample_size or sample_size < 3:
            hint = "give the number of persons typed (N >= 3) or choose another rule"
            return None, [Problem("sample_size", "5/2N needs the sample size", sample_size, hint)]
        return 5 / (2 * sample_size), []
    if rule == "fixed":
        if fixed is None or not (0 < fixed < 1):
            return None, [Problem("minimum_frequency", "must be between 0 and 1", fixed, "e.g. 0.001")]
        return fixed, []
    hint = f"choose one of {', '.join(MINIMUM_RULES)}"
    return None, [Problem("minimum_rule", "unknown rule", rule, hint)]


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ".") if "," in text and "." not in text else text)
    except ValueError:
        return None


def _values(entries: list[Entry]) -> tuple[dict[str, dict[str, float]], list[Problem]]:
    data: dict[str, dict[str, float]] = {}
    seen: set[tuple[str, str]] = set()
    problems: list[Problem] = []
    for e in entries:
        allele = canonical_allele(e.allele)
        if (e.marker, allele) in seen:
            problems.append(
                Problem(
                    "allele",
                    f"marker {e.marker}: allele {allele} listed twice",
                    e.allele,
                    "merge the rows",
                    row=e.row,
                )
            )
            continue
        seen.add((e.marker, allele))
        freq = _number(e.value)
        if freq is None or math.isinf(freq) or not (0 <= freq <= 1):
            fix = "write a decimal number between 0 and 1"
            where = f"marker {e.marker}, allele {e.allele}"
            problems.append(Problem(e.column, f"{where}: not a frequency", e.value, fix, row=e.row))
            continue
        data.setdefault(e.marker, {})[allele] = freq
    return data, problems


def _sums(
    data: dict[str, dict[str, float]], *, tolerance: float, normalise: bool
) -> tuple[dict[str, float], list[str], list[Problem]]:
    sums = {m: math.fsum(als.values()) for m, als in data.items()}
    normalised, problems = [], []
    for marker, total in sums.items():
        if normalise and total > 0:
            if total != 1:
                data[marker] = {a: f / total for a, f in data[marker].items()}
                normalised.append(marker)
        elif abs(total - 1) > tolerance:
            hint = "fix the table, or import it asking for the frequencies to be normalised"
            problems.append(
                Problem("frequency", f"marker {marker}: frequencies sum to {total:.10g}, not 1", total, hint)
            )
    return sums, normalised, problems


def _raise(data: dict[str, dict[str, float]], minimum: float) -> list[RaisedAllele]:
    raised = []
    for marker, als in data.items():
        low = [RaisedAllele(marker, a, f) for a, f in als.items() if f < minimum]
        if low:
            raised += low
            lifted = {a: max(f, minimum) for a, f in als.items()}
            total = math.fsum(lifted.values())
            data[marker] = {a: f / total for a, f in lifted.items()}
    return raised


def read(
    text: str,
    /,
    *,
    table_id: str,
    layout: str | None = None,
    tolerance: float = SUM_TOLERANCE,
    normalise: bool = False,
    minimum_rule: str = "none",
    sample_size: int | None = None,
    fixed_minimum: float | None = None,
) -> FrequencyRead:
    """Read a table in ``layout`` (detected if None); every problem listed at once (see the module)."""
    found = layout or detect_layout(text)
    if found not in READERS:
        raise FrequencyError(
            "not a frequency table layout Homecoming reads"
            if layout is None
            else f"unknown layout {layout!r}",
            field="layout",
            value=layout,
            hint="a CSV with marker,allele,frequency columns; a Familias text database; or a wide table "
            f"whose first column is Allele (EuroForMix); layouts: {', '.join(LAYOUTS)}",
        )
    if not (0 <= tolerance <= SUM_TOLERANCE):
        raise FrequencyError(
            "the tolerance on sums must be between 0 and 1e-6",
            field="tolerance",
            value=tolerance,
            hint="a kinship locus accepts no more; ask for the table to be normalised instead",
        )
    entries, problems = READERS[found](text)
    data, value_problems = _values(entries)
    problems += value_problems
    minimum, rule_problems = minimum_frequency(minimum_rule, sample_size=sample_size, fixed=fixed_minimum)
    sums, normalised, sum_problems = _sums(data, tolerance=tolerance, normalise=normalise)
    problems += sum_problems + rule_problems
    if not data and not problems:
        problems.append(
            Problem("file", "no allele frequencies found", None, f"check the file is a {found} table")
        )
    if problems:
        raise FrequencyError.from_problems(problems, f"frequency table {table_id}", listed=5)
    raised = _raise(data, minimum) if minimum is not None else []
    table = FrequencyTable.from_mapping(table_id, data)
    return FrequencyRead(table, found, sums, tuple(normalised), tuple(raised), minimum)
