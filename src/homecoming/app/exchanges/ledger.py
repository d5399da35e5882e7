"""The fulfilment ledger: for each category of an agreement and each direction, quota against delivered.

What one operation delivered in one direction rests on two kinds of evidence, both kept and shown
(``Delivery.evidence``):

* the **reported figures**, as each source reported them; the best one is chosen (receiver's count, else
  the sender's declaration, else another source; reliability A before F; on a tie the earliest reported);
* the **executed manifest** (the current version at stage ``executed``): its lines whose outcome is
  transferred, substituted or an unexpected arrival — counted by one aggregate query.

When only one kind exists, it is used. When both exist and agree (the manifest count equals the figure, or
is at least a lower-bound figure), the manifest's exact count is used. When they **disagree**, the ledger
keeps the sourced figure and flags the disagreement (``Delivery.disagreement``; the finding
``manifest_disagrees_with_figure``) until a person decides which evidence the total uses: a
:class:`~homecoming.app.exchanges.models.LedgerDecision` with a reason, accepted by a second person. A
decision names the evidence it was made on; when a new manifest version or a better figure arrives, it no
longer applies and the disagreement is open again (``decision_state`` ``stale``). A manifest never
silently replaces a sourced figure, nor a figure a manifest.

Operations without a date (``date_qualifier`` unknown) cannot be placed in time: they are listed as
``undated`` and added only to ``total_with_undated``, which is then approximate; the chart draws them in a
separate "undated" column after the dated ones, so its last value is the table's total. Running totals
reported for the whole agreement (``ReportedFigure.cumulative``) are shown beside the ledger as
``reported_totals``.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from django.db.models import Count, Q

from homecoming.app.exchanges.choices import DELIVERED_OUTCOMES, FigureRole, Qualifier, QuotaRule
from homecoming.app.exchanges.models import (
    Agreement,
    AgreementCategory,
    LedgerDecision,
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

# decision_state of a delivery whose manifest and figure disagree
UNDECIDED = "undecided"  # no decision: the total keeps the figure
AWAITING_REVIEW = "awaiting_review"  # a decision waits for a second person: the total keeps the figure
REJECTED = "rejected"  # the last decision was rejected: the total keeps the figure
STALE = "stale"  # the accepted decision was made on other evidence: the total keeps the figure
DECIDED = "decided"  # an accepted decision on this evidence: the total uses what it chose
OPEN_STATES = (UNDECIDED, AWAITING_REVIEW, REJECTED, STALE)


def _shallow(obj: Any) -> dict[str, Any]:
    """The fields of a dataclass as a dict, one level deep (``asdict`` deep-copies, and is slow)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


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
    operation_id: int = 0
    manifest_count: int | None = None
    manifest_version: int | None = None  # the version's number
    manifest_version_id: int | None = None
    figure_value: int | None = None  # the best figure, as its source reported it
    figure_qualifier: str = ""
    figure_source: str = ""
    figure_role: str = ""
    figures: tuple[dict[str, Any], ...] = ()  # every figure, as each source reported it
    disagreement: bool = False
    decision_state: str = ""  # "" when there is nothing to decide; else one of OPEN_STATES or DECIDED
    decision: dict[str, Any] | None = None

    @property
    def approximate(self) -> bool:
        return self.qualifier in APPROXIMATE

    @property
    def date_inferred(self) -> bool:
        return self.date_qualifier in ("approximate", "assumed")

    @property
    def open(self) -> bool:
        """A disagreement no accepted decision settles."""
        return self.decision_state in OPEN_STATES

    def as_dict(self) -> dict[str, Any]:
        data = _shallow(self)
        data.update(
            figures=[dict(f) for f in self.figures],
            decision=dict(self.decision) if self.decision else None,
            approximate=self.approximate,
            date_inferred=self.date_inferred,
            open=self.open,
        )
        return data


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
    disputed: bool = False


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
    deliveries: list[Delivery] = field(default_factory=list)  # dated and undated, in date order

    @property
    def rule_label(self) -> str:
        """The quota rule as the pages name it (``n for n ...``), in the active language."""
        return str(dict(QuotaRule.choices).get(self.rule, self.rule))

    @property
    def delivered(self) -> int:
        return self.points[-1].cumulative if self.points else 0

    @property
    def total_with_undated(self) -> int:
        return self.delivered + sum(d.delivered for d in self.undated)

    @property
    def total(self) -> int:
        """The total the table shows: with the undated deliveries when there are any."""
        return self.total_with_undated

    @property
    def approximate(self) -> bool:
        return bool(self.undated) or any(p.approximate for p in self.points)

    @property
    def disagreements(self) -> list[Delivery]:
        """Deliveries whose manifest and figure disagree and no accepted decision settles it."""
        return [d for d in self.deliveries if d.open]

    def as_dict(self) -> dict[str, Any]:
        data = _shallow(self)
        data["points"] = [_shallow(p) for p in self.points]
        data["reported_totals"] = [dict(t) for t in self.reported_totals]
        data["undated"] = [d.as_dict() for d in self.undated]
        data["deliveries"] = [d.as_dict() for d in self.deliveries]
        data.update(
            delivered=self.delivered,
            total_with_undated=self.total_with_undated,
            approximate=self.approximate,
            outstanding=None if self.quota is None else max(self.quota - self.delivered, 0),
            disagreements=[d.operation for d in self.disagreements],
        )
        return data


@dataclass
class Ledger:
    agreement: str
    series: list[Series]

    @property
    def disagreements(self) -> list[tuple[Series, Delivery]]:
        return [(s, d) for s in self.series for d in s.disagreements]

    def as_dict(self) -> dict[str, Any]:
        return {
            "agreement": self.agreement,
            "series": [s.as_dict() for s in self.series],
            "disagreements": [
                {
                    "operation": d.operation,
                    "category": s.category,
                    "from": s.sending,
                    "to": s.receiving,
                    "figure": d.figure_value,
                    "figure_qualifier": d.figure_qualifier,
                    "figure_source": d.figure_source,
                    "manifest_count": d.manifest_count,
                    "counted": d.delivered,
                    "decision_state": d.decision_state,
                }
                for s, d in self.disagreements
            ],
        }


def quota_for(category: AgreementCategory, receiving_id: int) -> int | None:
    """The quota of a category toward ``receiving_id``: None for all-for-all (no number), 0 if not owed."""
    if category.rule == QuotaRule.all_for_all:
        return None
    if category.rule == QuotaRule.unilateral:
        return category.quota if category.giving_party_id not in (None, receiving_id) else 0
    return category.quota


@dataclass(frozen=True)
class _Manifest:
    version_id: int
    number: int
    count: int


def _manifest_counts(operations: Any) -> dict[tuple[int, int, str], _Manifest]:
    """Delivered lines per (operation, receiving party, category) of the current executed versions.

    Two aggregate queries: the current executed versions (a few hundred rows), then the lines of those
    versions grouped by version and category (served by the (version, outcome) index). A category with
    lines on the version but none delivered counts 0: an executed manifest that delivered nothing is
    evidence too.
    """
    versions = {
        pk: (op, to, number)
        for pk, op, to, number in ManifestVersion.objects.filter(
            manifest__operation__in=operations, stage="executed", superseded_by__isnull=True
        ).values_list("pk", "manifest__operation_id", "manifest__receiving_party_id", "number")
    }
    counts: dict[tuple[int, int, str], _Manifest] = {}
    rows = (
        ManifestLine.objects.filter(version_id__in=list(versions))
        .values_list("version_id", "category_code")
        .annotate(n=Count("id", filter=Q(outcome__in=DELIVERED_OUTCOMES)))
        .order_by()
    )
    for version, cat, n in rows:
        op, to, number = versions[version]
        counts[(op, to, cat)] = _Manifest(version, number, n)
    return counts


def _figures(operations: Any, default_category: dict[str, str]) -> dict[tuple[int, int, str], list[Any]]:
    """Every per-operation delivered figure for each (operation, receiving party, category), best first."""
    found: dict[tuple[int, int, str], list[Any]] = defaultdict(list)
    figures = (
        ReportedFigure.objects.filter(
            operation__in=operations, cumulative=False, receiving_party__isnull=False, measure="delivered"
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
        found[(f["operation_id"], f["receiving_party_id"], cat)].append(f)
    for figs in found.values():
        figs.sort(
            key=lambda f: (
                _ROLE_RANK.get(f["role"], 3),
                f["reliability"],
                f["reported_on"] or date.max,
                f["id"],
            )
        )
    return dict(found)


def _decisions(operations: Any) -> dict[tuple[int, int, str], LedgerDecision]:
    """The last decision of each (operation, receiving party, category), with its reviews."""
    last: dict[tuple[int, int, str], LedgerDecision] = {}
    for d in (
        LedgerDecision.objects.filter(operation__in=operations)
        .select_related("category", "decided_by")
        .prefetch_related("reviews__reviewer")
        .order_by("decided_at", "id")
    ):
        last[(d.operation_id, d.receiving_party_id, d.category.code)] = d
    return last


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


@dataclass
class _Evidence:
    counts: dict[tuple[int, int, str], _Manifest]
    figures: dict[tuple[int, int, str], list[Any]]
    decisions: dict[tuple[int, int, str], LedgerDecision]


def compute(agreement: Agreement) -> Ledger:
    """The ledger of one agreement, from a handful of aggregate queries (no loop over manifest lines)."""
    categories = list(agreement.categories.select_related("giving_party"))
    default_category: dict[str, str] = {}
    for cat in categories:
        default_category.setdefault(cat.unit, cat.code)
    parties = {agreement.party_a_id: agreement.party_a.code, agreement.party_b_id: agreement.party_b.code}
    operations = list(
        Operation.objects.filter(agreement=agreement).exclude(state="cancelled").order_by("date", "reference")
    )
    ops = Operation.objects.filter(agreement=agreement)
    evidence = _Evidence(_manifest_counts(ops), _figures(ops, default_category), _decisions(ops))
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
            _fill(s, operations, evidence, receiving, cat.code)
            series.append(s)
    return Ledger(agreement=agreement.reference, series=series)


def agrees(count: int, value: int, qualifier: str) -> bool:
    """Whether a manifest count agrees with a reported figure (at least a lower bound; else equal)."""
    return count >= value if qualifier == Qualifier.lower_bound else count == value


def _decision_dict(d: LedgerDecision) -> dict[str, Any]:
    review = d.reviews.all()[0] if d.reviews.all() else None
    return {
        "id": d.pk,
        "use": d.use,
        "reason": d.reason,
        "manifest_count": d.manifest_count,
        "figure_value": d.figure_value,
        "decided_by": d.decided_by.get_username() if d.decided_by else "",
        "decided_at": d.decided_at,
        "verdict": review.verdict if review else "",
        "reviewer": review.reviewer.get_username() if review and review.reviewer else "",
        "reviewed_at": review.reviewed_at if review else None,
        "review_note": review.note if review else "",
    }


def _decision_state(decision: LedgerDecision | None, manifest: _Manifest, figure: dict[str, Any]) -> str:
    if decision is None:
        return UNDECIDED
    reviews = decision.reviews.all()
    if not reviews:
        return AWAITING_REVIEW
    if reviews[0].verdict != "accepted":
        return REJECTED
    if decision.manifest_version_id != manifest.version_id or decision.figure_id != figure["id"]:
        return STALE
    return DECIDED


def _delivery(op: Operation, key: tuple[int, int, str], evidence: _Evidence) -> Delivery | None:
    manifest = evidence.counts.get(key)
    figs = evidence.figures.get(key, [])
    best = figs[0] if figs else None
    if manifest is None and best is None:
        return None
    shown = tuple(
        {
            "id": f["id"],
            "value": f["value"],
            "qualifier": f["qualifier"],
            "role": f["role"],
            "source": f["source_name"],
            "reliability": f["reliability"],
            "reported_on": f["reported_on"],
        }
        for f in figs
    )
    common: dict[str, Any] = {
        "operation": op.reference,
        "date": op.date,
        "date_qualifier": op.date_qualifier,
        "date_note": op.date_note,
        "operation_id": op.pk,
        "manifest_count": manifest.count if manifest else None,
        "manifest_version": manifest.number if manifest else None,
        "manifest_version_id": manifest.version_id if manifest else None,
        "figure_value": best["value"] if best else None,
        "figure_qualifier": best["qualifier"] if best else "",
        "figure_source": best["source_name"] if best else "",
        "figure_role": best["role"] if best else "",
        "figures": shown,
    }
    use_manifest = (
        {"delivered": manifest.count, "qualifier": Qualifier.exact, "basis": "manifest"} if manifest else {}
    )
    use_figure = (
        {"delivered": best["value"], "qualifier": best["qualifier"], "basis": best["role"]} if best else {}
    )
    if best is None:
        return Delivery(**common, **use_manifest, source="executed manifest")
    if manifest is None:
        return Delivery(**common, **use_figure, source=best["source_name"])
    if agrees(manifest.count, best["value"], best["qualifier"]):
        return Delivery(**common, **use_manifest, source=f"executed manifest; {best['source_name']}")
    decision = evidence.decisions.get(key)
    state = _decision_state(decision, manifest, best)
    chosen = use_manifest if state == DECIDED and decision and decision.use == "manifest" else use_figure
    source = "executed manifest" if chosen is use_manifest else best["source_name"]
    return Delivery(
        **common,
        **chosen,
        source=source,
        disagreement=True,
        decision_state=state,
        decision=_decision_dict(decision) if decision else None,
    )


def _fill(s: Series, operations: list[Operation], evidence: _Evidence, receiving: int, category: str) -> None:
    running = 0
    for op in operations:
        d = _delivery(op, (op.pk, receiving, category), evidence)
        if d is None:
            continue
        s.deliveries.append(d)
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
                d.open,
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
    "manifest_count",
    "figure",
    "figure_source",
    "decision_state",
)


def _evidence_cells(d: Delivery) -> list[Any]:
    return [
        "" if d.manifest_count is None else d.manifest_count,
        "" if d.figure_value is None else d.figure_value,
        d.figure_source,
        d.decision_state,
    ]


def to_csv(ledger: Ledger) -> str:
    """One row per point (and per undated delivery, with an empty date and cumulative).

    Each row also gives both kinds of evidence (the manifest count, the best reported figure and its
    source) and, where they disagree, the state of the decision (``undecided``, ``decided``, ...).
    """
    out = io.StringIO(newline="")
    w = SafeCsvWriter(out)  # a source or note typed as "=..." is text, not a formula
    w.writerow(CSV_COLUMNS)
    for s in ledger.series:
        by_op = {d.operation: d for d in s.deliveries}
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
                + _evidence_cells(by_op[p.operation])
            )
        for d in s.undated:
            w.writerow(
                base
                + [d.operation, "", True, d.date_note, d.delivered, "", True, d.basis, d.source]
                + _evidence_cells(d)
            )
    return out.getvalue()
