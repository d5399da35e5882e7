"""Consistency findings the system raises itself, about an operation or an agreement.

Kinds (``KINDS``):

* ``wounded_returned_dead`` — a person on the list of the seriously wounded and sick due for exchange
  (captivity: eligible under Art. 110) came back dead: a manifest line names the person (given on the
  line, or its claim linked to them: :mod:`.linking`) with a bag number (remains), or the person's
  accepted status is ``confirmed_dead``; also raised from a reported figure counting such deaths
  (``measure = dead_from_wounded_list``).
* ``line_without_remains`` — an executed manifest line with a bag number that no received remains unit
  of the operation carries.
* ``remains_without_line`` — a remains unit received in the operation whose bag number is on no executed
  manifest line.
* ``count_disagreement`` — reported figures about the same operation and direction that disagree (sender,
  receiver, sources).
* ``manifest_disagrees_with_figure`` — the executed manifest's count of an operation and direction differs
  from the reported figure the ledger would use. It names the operation, the figure with its source and the
  manifest count, what the ledger counts, and the state of the decision: the ledger keeps the figure until
  a person decides which evidence to use and a second person accepts (:mod:`.decisions`).
* ``source_silent`` — a party or source that gave no figure (recorded as a silent figure).
* ``identity_contradicted`` — identification contradicted the handing party's claim of identity or
  affiliation (remains of the other side's own soldiers must go back through a later operation).

The remains findings compare executed manifest lines with the remains units of the remains app received in
the operation: ``RemainsUnit.bag_number`` against the line's container number, through
``RemainsUnit.batch`` → ``IntakeBatch.operation``; body parts (units with a ``parent``) are not counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homecoming.app.counts import count
from homecoming.app.exchanges.choices import DELIVERED_OUTCOMES, FigureRole
from homecoming.app.exchanges.models import IdentificationResult, ManifestLine, Operation, ReportedFigure
from homecoming.app.remains.models import RemainsUnit

KINDS = (
    "wounded_returned_dead",
    "line_without_remains",
    "remains_without_line",
    "count_disagreement",
    "manifest_disagrees_with_figure",
    "source_silent",
    "identity_contradicted",
)

#: what each kind is called on the pages (the code stays in the API and the CSS class)
KIND_LABELS = {
    "wounded_returned_dead": gettext_lazy("wounded prisoner returned dead"),
    "line_without_remains": gettext_lazy("manifest line without remains"),
    "remains_without_line": gettext_lazy("remains on no manifest line"),
    "count_disagreement": gettext_lazy("counts disagree"),
    "manifest_disagrees_with_figure": gettext_lazy("manifest and figure disagree"),
    "source_silent": gettext_lazy("a source gave no figure"),
    "identity_contradicted": gettext_lazy("identity contradicted"),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    operation: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The kind as the pages name it, in the active language."""
        return str(KIND_LABELS.get(self.kind, self.kind))


@dataclass
class Findings:
    items: list[Finding]
    unavailable: dict[str, str]

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.items if f.kind == kind]

    @property
    def unavailable_shown(self) -> list[tuple[str, str]]:
        """``(kind as the pages name it, why)`` of each kind that could not be checked."""
        return [(str(KIND_LABELS.get(k, k)), why) for k, why in self.unavailable.items()]

    def as_dict(self) -> dict[str, Any]:
        return {"findings": [f.__dict__ for f in self.items], "unavailable": self.unavailable}


def _executed_lines(operations: QuerySet[Operation]) -> QuerySet[ManifestLine]:
    return ManifestLine.objects.filter(
        version__manifest__operation__in=operations,
        version__stage="executed",
        version__superseded_by__isnull=True,
    )


def _remains(operations: QuerySet[Operation], out: list[Finding]) -> None:
    units = RemainsUnit.objects.filter(batch__operation__in=operations, parent__isnull=True)
    received = {
        (op, b.upper()): ref
        for op, b, ref in units.values_list("batch__operation__reference", "bag_number", "reference")
    }
    lines = _executed_lines(operations).exclude(container_number="").filter(outcome__in=DELIVERED_OUTCOMES)
    listed = {
        (op, b.upper()): n
        for op, b, n in lines.values_list(
            "version__manifest__operation__reference", "container_number", "line_no"
        )
    }
    for (op, b), n in sorted(listed.items()):
        if (op, b) not in received:
            out.append(
                Finding(
                    "line_without_remains",
                    op,
                    _(
                        "manifest line %(n)s: bag %(bag)s was listed as handed over but no remains with "
                        "that bag number were received"
                    )
                    % {"n": n, "bag": b},
                    {"bag_number": b, "line_no": n},
                )
            )
    for (op, b), ref in sorted(received.items()):
        if (op, b) not in listed:
            out.append(
                Finding(
                    "remains_without_line",
                    op,
                    _("remains %(ref)s (bag %(bag)s) were received but are on no executed manifest line")
                    % {"ref": ref, "bag": b or "—"},
                    {"bag_number": b, "remains": ref},
                )
            )


def _wounded(operations: QuerySet[Operation], out: list[Finding]) -> None:
    from homecoming.app.captivity.models import RepatriationEligibility
    from homecoming.app.registry.models import Person

    due = set(
        RepatriationEligibility.objects.filter(finding="eligible").values_list("record__person_id", flat=True)
    )
    if not due:
        return
    # whom each line is said to be: the person given on the line, or linked to its claim later
    lines = (
        _executed_lines(operations)
        .annotate(said_to_be=Coalesce("person_id", "link__person_id"))
        .filter(said_to_be__in=due)
    )
    dead_on_line = {
        pid: (op, n)
        for pid, op, n in lines.exclude(container_number="").values_list(
            "said_to_be", "version__manifest__operation__reference", "line_no"
        )
    }
    for pid, (op, n) in sorted(dead_on_line.items()):
        out.append(
            Finding(
                "wounded_returned_dead",
                op,
                _(
                    "a person due for exchange as seriously wounded or sick came back dead (remains on "
                    "manifest line %(n)s)"
                )
                % {"n": n},
                {"person_id": pid, "line_no": n},
            )
        )
    ops = {op.pk: op for op in operations if op.date is not None}
    on_line = dict(lines.values_list("said_to_be", "version__manifest__operation_id"))
    dead = Person.objects.filter(pk__in=due - set(dead_on_line), current_status="confirmed_dead")
    for pid, ref in dead.values_list("pk", "reference"):
        if on_line.get(pid) in ops:
            out.append(
                Finding(
                    "wounded_returned_dead",
                    ops[on_line[pid]].reference,
                    _("%(ref)s, due for exchange as seriously wounded or sick, is now confirmed dead")
                    % {"ref": ref},
                    {"person_id": pid},
                )
            )


def _figures(operations: QuerySet[Operation], out: list[Finding]) -> None:
    groups: dict[tuple[str, str], list[ReportedFigure]] = defaultdict(list)
    figures = ReportedFigure.objects.filter(operation__in=operations, cumulative=False).select_related(
        "operation", "receiving_party", "sending_party", "source_party"
    )
    for f in figures:
        if f.measure == "dead_from_wounded_list" and f.value:
            out.append(
                Finding(
                    "wounded_returned_dead",
                    f.operation.reference,
                    _(
                        "%(n)s of those returned had died in captivity while on the list due for exchange "
                        "(reported by %(source)s)"
                    )
                    % {"n": count(f.value), "source": f.source_name},
                    {"figure": f.pk, "value": f.value},
                )
            )
            continue
        if f.measure != "delivered":
            continue
        if f.qualifier == "silent":
            to = f.receiving_party.name if f.receiving_party else "?"
            out.append(
                Finding(
                    "source_silent",
                    f.operation.reference,
                    _("%(source)s gave no figure for the handover to %(to)s")
                    % {"source": f.source_name, "to": to},
                    {"figure": f.pk},
                )
            )
            continue
        groups[(f.operation.reference, f.receiving_party.code if f.receiving_party else "")].append(f)
    for (op, to), figs in sorted(groups.items()):
        values = {f"{f.source_name} ({f.get_role_display()})": f.value for f in figs}
        exact = {f.value for f in figs if f.qualifier == "exact"}
        if len(exact) > 1:
            shown = "; ".join(f"{k}: {count(v)}" for k, v in values.items())
            out.append(
                Finding(
                    "count_disagreement",
                    op,
                    _("counts of the handover to %(to)s disagree — %(values)s") % {"to": to, "values": shown},
                    {"to": to, "values": values},
                )
            )


def _state_text(state: str) -> str:
    return {
        "undecided": _("the ledger keeps the figure until a person decides which evidence the total uses"),
        "awaiting_review": _(
            "a decision to use %(use)s waits for a second person's review; until then the ledger keeps "
            "the figure"
        ),
        "rejected": _(
            "the last decision (%(use)s) was rejected; the ledger keeps the figure until a new decision"
        ),
        "stale": _(
            "the accepted decision (%(use)s) was made on other evidence (manifest %(m)s, figure %(f)s); "
            "the ledger keeps the figure until a new decision"
        ),
        "decided": _("decided by %(by)s, accepted by %(reviewer)s: the ledger counts %(use)s (%(reason)s)"),
    }[state]


def _use(use: str) -> str:
    return {"manifest": _("the manifest"), "figure": _("the figure")}.get(use, "")


def _ledger(operations: QuerySet[Operation], out: list[Finding]) -> None:
    """Where the executed manifest and the figure the ledger would use disagree (see ``ledger``)."""
    from homecoming.app.exchanges import ledger
    from homecoming.app.exchanges.models import Agreement

    wanted = set(operations.values_list("pk", flat=True))
    agreements = (
        Agreement.objects.filter(operations__in=operations).distinct().select_related("party_a", "party_b")
    )
    for agreement in agreements:
        for s in ledger.compute(agreement).series:
            for d in s.deliveries:
                if not d.disagreement or d.operation_id not in wanted:
                    continue
                decision = d.decision or {}
                state = _state_text(d.decision_state) % {
                    "use": _use(decision.get("use", "")),
                    "m": decision.get("manifest_count"),
                    "f": decision.get("figure_value"),
                    "by": decision.get("decided_by") or "—",
                    "reviewer": decision.get("reviewer") or "—",
                    "reason": decision.get("reason", ""),
                }
                figure = count(d.figure_value)
                if d.figure_qualifier == "lower_bound":
                    figure = _("over %(n)s") % {"n": figure}
                elif d.figure_qualifier == "approximate":
                    figure = _("about %(n)s") % {"n": figure}
                role = dict(FigureRole.choices).get(d.figure_role, d.figure_role)
                message = _(
                    "%(direction)s (%(category)s): %(source)s (%(role)s) reported %(figure)s; the executed "
                    "manifest (version %(version)s) lists %(count)s delivered; the ledger counts %(counted)s"
                    " — %(state)s"
                ) % {
                    "direction": f"{s.sending} → {s.receiving}",
                    "category": s.category,
                    "source": d.figure_source,
                    "role": role,
                    "figure": figure,
                    "version": d.manifest_version,
                    "count": count(d.manifest_count),
                    "counted": count(d.delivered),
                    "state": state,
                }
                out.append(
                    Finding(
                        "manifest_disagrees_with_figure",
                        d.operation,
                        message,
                        {
                            "from": s.sending,
                            "to": s.receiving,
                            "category": s.category,
                            "figure": d.figure_value,
                            "figure_qualifier": d.figure_qualifier,
                            "figure_source": d.figure_source,
                            "manifest_count": d.manifest_count,
                            "manifest_version": d.manifest_version,
                            "counted": d.delivered,
                            "decision_state": d.decision_state,
                            "decision": decision.get("id"),
                        },
                    )
                )


def _identity(operations: QuerySet[Operation], out: list[Finding]) -> None:
    results = IdentificationResult.objects.filter(
        line__version__manifest__operation__in=operations, verdict="contradicts"
    ).select_related("line__version__manifest__operation", "return_operation")
    for r in results:
        line = r.line
        claimed = ", ".join(x for x in (line.claimed_name, line.claimed_affiliation) if x) or "—"
        found = ", ".join(x for x in (r.established_identity, r.established_affiliation) if x)
        back = (
            _("; to be returned through %(op)s") % {"op": r.return_operation.reference}
            if r.return_operation
            else _("; no return operation recorded yet")
        )
        out.append(
            Finding(
                "identity_contradicted",
                line.version.manifest.operation.reference,
                _("line %(n)s (bag %(bag)s): claimed %(claimed)s, identification established %(found)s")
                % {"n": line.line_no, "bag": line.container_number or "—", "claimed": claimed, "found": found}
                + back,
                {"line_id": line.pk, "return_operation": r.return_operation_id},
            )
        )


def for_operations(operations: QuerySet[Operation]) -> Findings:
    """Every finding about these operations.

    Every kind can be checked, so ``unavailable`` is empty; it stays in the API's shape.
    """
    items: list[Finding] = []
    _wounded(operations, items)
    _remains(operations, items)
    _figures(operations, items)
    _ledger(operations, items)
    _identity(operations, items)
    return Findings(items, unavailable={})


def for_operation(operation: Operation) -> Findings:
    return for_operations(Operation.objects.filter(pk=operation.pk))


def for_agreement(agreement: Any) -> Findings:
    return for_operations(Operation.objects.filter(agreement=agreement))
