"""Allele-frequency tables from CSV (``marker,allele,frequency``; extra columns are ignored)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from homecoming.errors import FrequencyError, MarkerError, Problem
from homecoming.kinship.model.markers import Chromosome, Locus, canonical_allele
from homecoming.kinship.model.mutation import SexMutation
from homecoming.provenance import digest

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
        reader = csv.DictReader(io.StringIO(text))
        cols = [c.strip().lower() for c in reader.fieldnames or []]
        missing = [c for c in ("marker", "allele", "frequency") if c not in cols]
        if missing:
            raise FrequencyError(
                f"frequency table lacks column(s) {', '.join(missing)}",
                field="header",
                value=reader.fieldnames,
                hint="the header must be marker,allele,frequency",
            )
        problems: list[Problem] = []
        data: dict[str, tuple[list[str], list[float]]] = {}
        for row_no, raw in enumerate(reader, start=2):
            row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
            marker, allele, value = row["marker"], canonical_allele(row["allele"]), row["frequency"]
            try:
                freq = float(value)
            except ValueError:
                problems.append(
                    Problem("frequency", "not a number", value, "write a decimal number", row=row_no)
                )
                continue
            if not (freq >= 0) or math.isinf(freq):
                problems.append(
                    Problem(
                        "frequency",
                        f"marker {marker}, allele {allele}: must be >= 0",
                        freq,
                        "fix the value",
                        row=row_no,
                    )
                )
            als, fs = data.setdefault(marker, ([], []))
            if allele in als:
                problems.append(
                    Problem(
                        "allele",
                        f"marker {marker}: allele {allele} listed twice",
                        allele,
                        "merge the rows",
                        row=row_no,
                    )
                )
            als.append(allele)
            fs.append(freq)
        for marker, (_als, fs) in data.items():
            if abs(sum(fs) - 1) > 1e-6:
                problems.append(
                    Problem(
                        "frequency",
                        f"marker {marker}: frequencies sum to {sum(fs)!r}, not 1",
                        sum(fs),
                        "fix the table or use .normalised()",
                    )
                )
        if problems:
            raise FrequencyError(
                str(problems[0])
                if len(problems) == 1
                else f"{len(problems)} problems in frequency table {table_id}: "
                + "; ".join(str(p) for p in problems[:5]),
                field=problems[0].field,
                value=problems[0].value,
                hint=problems[0].hint,
                problems=problems,
            )
        return cls(table_id, {m: (tuple(a), tuple(f)) for m, (a, f) in data.items()})

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
