"""What identification established about the remains an agreement's operations delivered.

For each direction (sending → receiving) and category: the remains lines of the executed manifests
(lines with a bag number whose outcome is a delivery), and of them how many identification confirmed
(the handing party's claim held: "identified"), how many it contradicted ("identified as someone
else") and how many have no conclusive result yet ("still unknown"; an inconclusive result counts
here). A line's latest result counts (``IdentificationResult`` rows are insert-only; a later one
supersedes). Signing an IDEN comparison report writes the result of the body's line
(:mod:`homecoming.app.identification.reports`), so this table follows the identifications.
"""

from __future__ import annotations

from dataclasses import dataclass

from homecoming.app.exchanges.choices import DELIVERED_OUTCOMES
from homecoming.app.exchanges.models import Agreement, IdentificationResult, ManifestLine


@dataclass(frozen=True)
class Identified:
    sending: str
    receiving: str
    category: str
    delivered: int
    identified: int
    someone_else: int

    @property
    def unknown(self) -> int:
        return self.delivered - self.identified - self.someone_else


def remains_identified(agreement: Agreement) -> list[Identified]:
    """One row per direction and category that delivered remains (two queries, whatever the size)."""
    lines = ManifestLine.objects.filter(
        version__manifest__operation__agreement=agreement,
        version__stage="executed",
        version__superseded_by__isnull=True,
        outcome__in=DELIVERED_OUTCOMES,
    ).exclude(container_number="")
    rows = list(
        lines.values_list(
            "pk",
            "version__manifest__sending_party__code",
            "version__manifest__receiving_party__code",
            "category_code",
        )
    )
    latest: dict[int, str] = {}
    for line_id, verdict in (
        IdentificationResult.objects.filter(line__in=[r[0] for r in rows])
        .order_by("recorded", "id")
        .values_list("line_id", "verdict")
    ):
        latest[line_id] = verdict
    counts: dict[tuple[str, str, str], list[int]] = {}
    for line_id, sending, receiving, category in rows:
        c = counts.setdefault((sending, receiving, category), [0, 0, 0])
        c[0] += 1
        verdict = latest.get(line_id)
        if verdict == "confirms":
            c[1] += 1
        elif verdict == "contradicts":
            c[2] += 1
    return [Identified(s, r, cat, *c) for (s, r, cat), c in sorted(counts.items())]
