"""The fulfilment ledger: for each category of an agreement and each direction, quota against delivered.

What one operation delivered in one direction is taken, in this order, from

1. its executed manifest (the current version at stage ``executed``): lines whose outcome is transferred,
   substituted or an unexpected arrival — counted by one aggregate query;
2. else the receiver's count, else the sender's declaration, else the best-graded other source
   (reliability A before F; on a tie the earliest reported).

Operations without a date (``date_qualifier`` unknown) cannot be placed in time: they are listed as
``undated`` and added only to ``total_with_undated``, which is then approximate. Running totals reported
for the whole agreement (``ReportedFigure.cumulative``) are shown beside the ledger as ``reported_totals``.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count

from homecoming.app.exchanges.choices import DELIVERED_OUTCOMES, FigureRole, Qualifier, QuotaRule
from homecoming.app.exchanges.models import (
    Agreement,
    AgreementCategory,
    ManifestLine,
    ManifestVersion,
    Operation,
    ReportedFigure,
)
from homecoming.io.tables import SafeCsvWriter

_ROLE_RANK = {
    FigureRole.counted_by_receiver: 0,
    FigureRole.declared_by_sender: 1,
    FigureRole.reported_by_source: 2,
}
APPROXIMATE = (Qualifier.approximate, Qualifier.lower_bound)


@dataclass(frozen=True)
class Delivery:
    operation: str
    date: date | None
    date_qualifier: str
    date_note: str
    delivered: int
    qualifier: str
    basis: str  # manifest | counted_by_receiver | declared_by_sender | reported_by_source
    source: str

    @property
    def approximate(self) -> bool:
        return self.qualifier in APPROXIMATE

    @property
    def date_inferred(self) -> bool:
        return self.date_qualifier in ("approximate", "assumed")


@dataclass(frozen=True)
class Point:
    date: date
    operation: str
    delivered: int
    cumulative: int
    approximate: bool
    date_inferred: bool
    date_note: str
    basis: str
    source: str


@dataclass
class Series:
    category: str
    category_name: str
    sending: str
    receiving: str
    rule: str
    quota: int | None
    points: list[Point] = field(default_factory=list)
    undated: list[Delivery] = field(default_factory=list)
    reported_totals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def delivered(self) -> int:
        return self.points[-1].cumulative if self.points else 0

    @property
    def total_with_undated(self) -> int:
        return self.delivered + sum(d.delivered for d in self.undated)

    @property
    def approximate(self) -> bool:
        return bool(self.undated) or any(p.approximate for p in self.points)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["undated"] = [dict(asdict(d), approximate=d.approximate) for d in self.undated]
        data.update(
            delivered=self.delivered,
            total_with_undated=self.total_with_undated,
            approximate=self.approximate,
            outstanding=None if self.quota is None else max(self.quota - self.delivered, 0),
        )
        return data


@dataclass
class Ledger:
    agreement: str
    series: list[Series]

    def as_dict(self) -> dict[str, Any]:
        return {"agreement": self.agreement, "series": [s.as_dict() for s in self.series]}


def quota_for(category: AgreementCategory, receiving_id: int) -> int | None:
    """The quota of a category toward ``receiving_id``: None for all-for-all (no number), 0 if not owed."""
    if category.rule == QuotaRule.all_for_all:
        return None
    if category.rule == QuotaRule.unilateral:
        return category.quota if category.giving_party_id not in (None, receiving_id) else 0
    return category.quota


def _manifest_counts(agreement: Agreement) -> dict[tuple[int, int, str], int]:
    """Delivered lines per (operation, receiving party, category) of the current executed versions.

    Two aggregate queries: the current executed versions of the agreement (a few hundred rows), then the
    lines of those versions grouped by version and category (served by the (version, outcome) index).
    """
    versions = dict(
        (pk, (op, to))
        for pk, op, to in ManifestVersion.objects.filter(
            manifest__operation__agreement=agreement, stage="executed", superseded_by__isnull=True
        ).values_list("pk", "manifest__operation_id", "manifest__receiving_party_id")
    )
    counts: dict[tuple[int, int, str], int] = defaultdict(int)
    rows = (
        ManifestLine.objects.filter(version_id__in=list(versions), outcome__in=DELIVERED_OUTCOMES)
        .values_list("version_id", "category_code")
        .annotate(n=Count("id"))
        .order_by()
    )
    for version, cat, n in rows:
        op, to = versions[version]
        counts[(op, to, cat)] += n
    return dict(counts)


def _figure_choice(agreement: Agreement, default_category: dict[str, str]) -> dict[tuple[int, int, str], Any]:
    """The best per-operation figure for each (operation, receiving party, category)."""
    best: dict[tuple[int, int, str], Any] = {}
    figures = (
        ReportedFigure.objects.filter(
            operation__agreement=agreement, cumulative=False, receiving_party__isnull=False
        )
        .exclude(qualifier=Qualifier.silent)
        .values(
            "operation_id",
            "receiving_party_id",
            "category__code",
            "unit",
            "value",
            "qualifier",
            "role",
            "reliability",
            "reported_on",
            "id",
            "source_name",
        )
    )
    for f in figures:
        cat = f["category__code"] or default_category.get(f["unit"], "")
        key = (f["operation_id"], f["receiving_party_id"], cat)
        rank = (_ROLE_RANK.get(f["role"], 3), f["reliability"], f["reported_on"] or date.max, f["id"])
        if key not in best or rank < best[key][0]:
            best[key] = (rank, f)
    return {k: v[1] for k, v in best.items()}


def _reported_totals(agreement: Agreement) -> dict[tuple[int, str], list[dict[str, Any]]]:
    totals: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for f in ReportedFigure.objects.filter(
        agreement=agreement, cumulative=True, measure="delivered"
    ).select_related("category"):
        cat = f.category.code if f.category else ""
        totals[(f.receiving_party_id or 0, cat)].append(
            {
                "value": f.value,
                "qualifier": f.qualifier,
                "source": f.source_name,
                "reported_on": f.reported_on,
                "date_note": f.date_note,
                "reliability": f.reliability,
            }
        )
    return totals


def compute(agreement: Agreement) -> Ledger:
    """The ledger of one agreement, from a handful of aggregate queries (no loop over manifest lines)."""
    categories = list(agreement.categories.select_related("giving_party"))
    default_category = {}
    for cat in categories:
        default_category.setdefault(cat.unit, cat.code)
    parties = {agreement.party_a_id: agreement.party_a.code, agreement.party_b_id: agreement.party_b.code}
    operations = list(
        Operation.objects.filter(agreement=agreement).exclude(state="cancelled").order_by("date", "reference")
    )
    counts = _manifest_counts(agreement)
    figures = _figure_choice(agreement, default_category)
    totals = _reported_totals(agreement)
    series = []
    for cat in categories:
        for receiving, sending in (
            (agreement.party_a_id, agreement.party_b_id),
            (agreement.party_b_id, agreement.party_a_id),
        ):
            s = Series(
                category=cat.code,
                category_name=cat.name,
                sending=parties[sending],
                receiving=parties[receiving],
                rule=cat.rule,
                quota=quota_for(cat, receiving),
                reported_totals=totals.get((receiving, cat.code), [])
                + (totals.get((receiving, ""), []) if cat.code == default_category.get(cat.unit) else []),
            )
            _fill(s, operations, counts, figures, receiving, cat.code)
            series.append(s)
    return Ledger(agreement=agreement.reference, series=series)


def _delivery(
    op: Operation, key: tuple[int, int, str], counts: dict[Any, int], figures: dict[Any, Any]
) -> Delivery | None:
    if key in counts:
        return Delivery(
            op.reference,
            op.date,
            op.date_qualifier,
            op.date_note,
            counts[key],
            Qualifier.exact,
            "manifest",
            "executed manifest",
        )
    f = figures.get(key)
    if f is None:
        return None
    return Delivery(
        op.reference,
        op.date,
        op.date_qualifier,
        op.date_note,
        f["value"],
        f["qualifier"],
        f["role"],
        f["source_name"],
    )


def _fill(
    s: Series,
    operations: list[Operation],
    counts: dict[Any, int],
    figures: dict[Any, Any],
    receiving: int,
    category: str,
) -> None:
    running = 0
    for op in operations:
        d = _delivery(op, (op.pk, receiving, category), counts, figures)
        if d is None:
            continue
        if op.date is None:
            s.undated.append(d)
            continue
        running += d.delivered
        approximate = d.approximate or (bool(s.points) and s.points[-1].approximate)
        s.points.append(
            Point(
                op.date,
                op.reference,
                d.delivered,
                running,
                approximate,
                d.date_inferred,
                op.date_note,
                d.basis,
                d.source,
            )
        )


CSV_COLUMNS = (
    "agreement",
    "category",
    "from",
    "to",
    "quota",
    "operation",
    "date",
    "date_inferred",
    "date_note",
    "delivered",
    "cumulative",
    "approximate",
    "basis",
    "source",
)


def to_csv(ledger: Ledger) -> str:
    """One row per point (and per undated delivery, with an empty date and cumulative)."""
    out = io.StringIO(newline="")
    w = SafeCsvWriter(out)  # a source or note typed as "=..." is text, not a formula
    w.writerow(CSV_COLUMNS)
    for s in ledger.series:
        base = [ledger.agreement, s.category, s.sending, s.receiving, "" if s.quota is None else s.quota]
        for p in s.points:
            w.writerow(
                base
                + [
                    p.operation,
                    p.date.isoformat(),
                    p.date_inferred,
                    p.date_note,
                    p.delivered,
                    p.cumulative,
                    p.approximate,
                    p.basis,
                    p.source,
                ]
            )
        for d in s.undated:
            w.writerow(base + [d.operation, "", True, d.date_note, d.delivered, "", True, d.basis, d.source])
    return out.getvalue()
