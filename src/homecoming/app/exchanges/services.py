"""Services of the exchanges app: every change validated, written and audited in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from django.db import transaction

from homecoming.app.audit import services as audit
from homecoming.app.exchanges import choices as c
from homecoming.app.exchanges.models import (
    Agreement,
    AgreementCategory,
    AgreementTransition,
    Operation,
    OperationTransition,
    Party,
    PartyStatement,
    ReportedFigure,
)
from homecoming.app.fields import required
from homecoming.app.lookup import by_id
from homecoming.domain.exchange_states import check_agreement_transition, check_operation_transition
from homecoming.errors import NotFound, Problem, ValidationError

_user = audit.user_or_none
_Moved = TypeVar("_Moved", Agreement, Operation)


def _choice(data: Mapping[str, Any], name: str, cls: Any) -> list[Problem]:
    value = data.get(name)
    if value in (None, "") or value in cls.values:
        return []
    return [
        Problem(
            name, f"is not a known {name.replace('_', ' ')}", value, "use one of: " + ", ".join(cls.values)
        )
    ]


def _fields(model: Any, data: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
    return {n: data[n] for n in names if n in data and data[n] is not None}


def party(code: str) -> Party:
    """The party with this code (UA, RU); NotFound names the known codes."""
    found = Party.objects.filter(code=str(code).upper()).first()
    if found is None:
        known = ", ".join(Party.objects.values_list("code", flat=True)) or "none yet"
        raise NotFound(
            f"no party with code {code!r}", field="party", value=code, hint=f"known parties: {known}"
        )
    return found


@transaction.atomic
def ensure_party(*, actor: Any, code: str, name: str, body: str = "") -> Party:
    """The party with ``code``, created (and audited) when it does not exist yet."""
    found = Party.objects.filter(code=code.upper()).first()
    if found is not None:
        return found
    if not name.strip():
        raise ValidationError.from_problems([Problem("name", "is required", name, "give the party's name")])
    created = Party.objects.create(code=code.upper(), name=name, body=body)
    audit.record(actor=actor, action="create", obj=created, after=audit.snapshot(created))
    return created


def get_agreement(agreement_id: int) -> Agreement:
    return by_id(
        Agreement.objects.select_related("party_a", "party_b"),
        agreement_id,
        what="agreement",
        field="agreement",
    )


def get_operation(operation_id: int) -> Operation:
    return by_id(
        Operation.objects.select_related("party_a", "party_b", "agreement"),
        operation_id,
        what="operation",
        field="operation",
    )


_AGREEMENT_FIELDS = (
    "reference",
    "title",
    "intermediary",
    "date",
    "date_qualifier",
    "date_note",
    "place",
    "notes",
)


@transaction.atomic
def create_agreement(*, actor: Any, data: Mapping[str, Any]) -> Agreement:
    """A draft agreement between ``party_a`` and ``party_b`` (party codes)."""
    problems = required(data, ("reference", "title", "party_a", "party_b"), "agreement")
    problems += _choice(data, "date_qualifier", c.DateQualifier)
    if data.get("reference") and Agreement.objects.filter(reference=data["reference"]).exists():
        problems.append(
            Problem("reference", "is already used", data["reference"], "choose another reference")
        )
    if data.get("party_a") and data.get("party_a") == data.get("party_b"):
        problems.append(Problem("party_b", "is the same as party A", data["party_b"], "name the other party"))
    if problems:
        raise ValidationError.from_problems(problems, "the agreement")
    agreement = Agreement.objects.create(
        party_a=party(data["party_a"]),
        party_b=party(data["party_b"]),
        created_by=_user(actor),
        **_fields(Agreement, data, _AGREEMENT_FIELDS),
    )
    audit.record(actor=actor, action="create", obj=agreement, after=audit.snapshot(agreement))
    AgreementTransition.objects.create(agreement=agreement, to_state=agreement.state, actor=_user(actor))
    return agreement


@transaction.atomic
def add_category(*, actor: Any, agreement: Agreement, data: Mapping[str, Any]) -> AgreementCategory:
    """A category with its quota rule; n-for-n and minimum need a quota, unilateral a giving party."""
    problems = required(data, ("code", "name", "rule"), "category")
    problems += _choice(data, "rule", c.QuotaRule) + _choice(data, "unit", c.Unit)
    rule, quota = data.get("rule"), data.get("quota")
    if rule in (c.QuotaRule.n_for_n, c.QuotaRule.minimum) and not quota:
        problems.append(
            Problem("quota", f"is required for the rule {rule}", quota, "give the count, e.g. 6000")
        )
    if rule == c.QuotaRule.unilateral and not data.get("giving_party"):
        problems.append(
            Problem("giving_party", "is required for a unilateral category", None, "give UA or RU")
        )
    if data.get("code") and agreement.categories.filter(code=data["code"]).exists():
        problems.append(
            Problem("code", "is already a category of this agreement", data["code"], "use another code")
        )
    if problems:
        raise ValidationError.from_problems(problems, "the category")
    giving = party(data["giving_party"]) if data.get("giving_party") else None
    category = AgreementCategory.objects.create(
        agreement=agreement,
        giving_party=giving,
        **_fields(AgreementCategory, data, ("code", "name", "unit", "rule", "quota", "criterion")),
    )
    audit.record(actor=actor, action="add_category", obj=agreement, after=audit.snapshot(category))
    return category


@transaction.atomic
def add_statement(*, actor: Any, agreement: Agreement, data: Mapping[str, Any]) -> PartyStatement:
    """What one party says the agreement is."""
    problems = required(data, ("party", "characterisation", "text"), "statement")
    problems += _choice(data, "characterisation", c.Characterisation)
    if problems:
        raise ValidationError.from_problems(problems, "the statement")
    statement = PartyStatement.objects.create(
        agreement=agreement,
        party=party(data["party"]),
        **_fields(
            PartyStatement, data, ("characterisation", "text", "speaker", "source", "stated_on", "date_note")
        ),
    )
    audit.record(actor=actor, action="add_statement", obj=agreement, after=audit.snapshot(statement))
    return statement


def _move(
    model: type[_Moved],
    transition: type[AgreementTransition] | type[OperationTransition],
    check: Callable[..., None],
    *,
    actor: Any,
    pk: int,
    to_state: str,
    reason: str,
) -> _Moved:
    """Lock the agreement or operation, check the move, save it, write its transition row and audit it.

    The caller holds the transaction. ``model`` names both the NotFound field and the transition's
    foreign key (``agreement`` or ``operation``).
    """
    what = model._meta.model_name
    found = by_id(model.objects.select_for_update(), pk, what=what, field=what)
    check(found.state, to_state, reason=reason)
    before = found.state
    found.state = to_state
    found.save(update_fields=["state"])
    transition.objects.create(
        **{what: found}, from_state=before, to_state=to_state, actor=_user(actor), reason=reason
    )
    audit.record(
        actor=actor,
        action="transition",
        obj=found,
        before={"state": before},
        after={"state": to_state},
        reason=reason,
    )
    return found


@transaction.atomic
def move_agreement(*, actor: Any, agreement_id: int, to_state: str, reason: str = "") -> Agreement:
    """Move an agreement to another state (rules in ``domain.exchange_states``); transition row + audit."""
    return _move(
        Agreement,
        AgreementTransition,
        check_agreement_transition,
        actor=actor,
        pk=agreement_id,
        to_state=to_state,
        reason=reason,
    )


_OPERATION_FIELDS = (
    "reference",
    "kind",
    "stage",
    "date",
    "date_qualifier",
    "date_note",
    "place",
    "place_undisclosed",
    "intermediary",
    "notes",
)


@transaction.atomic
def create_operation(*, actor: Any, data: Mapping[str, Any]) -> Operation:
    """A planned operation; its parties come from the agreement unless ``party_a``/``party_b`` are given."""
    problems = required(data, ("reference", "kind"), "operation")
    problems += _choice(data, "kind", c.OperationKind) + _choice(data, "date_qualifier", c.DateQualifier)
    if data.get("reference") and Operation.objects.filter(reference=data["reference"]).exists():
        problems.append(
            Problem("reference", "is already used", data["reference"], "choose another reference")
        )
    agreement = get_agreement(int(data["agreement"])) if data.get("agreement") else None
    if agreement is None and not (data.get("party_a") and data.get("party_b")):
        problems.append(
            Problem(
                "party_a",
                "is required without an agreement",
                data.get("party_a"),
                "give the agreement or both party codes",
            )
        )
    if data.get("date_qualifier") == c.DateQualifier.unknown and data.get("date"):
        problems.append(
            Problem(
                "date",
                "is given but the date is marked unknown",
                str(data["date"]),
                "clear the date or mark it approximate or assumed",
            )
        )
    if problems:
        raise ValidationError.from_problems(problems, "the operation")
    a = party(data["party_a"]) if data.get("party_a") else agreement.party_a  # type: ignore[union-attr]
    b = party(data["party_b"]) if data.get("party_b") else agreement.party_b  # type: ignore[union-attr]
    operation = Operation.objects.create(
        agreement=agreement,
        party_a=a,
        party_b=b,
        created_by=_user(actor),
        **_fields(Operation, data, _OPERATION_FIELDS),
    )
    audit.record(actor=actor, action="create", obj=operation, after=audit.snapshot(operation))
    OperationTransition.objects.create(operation=operation, to_state=operation.state, actor=_user(actor))
    return operation


@transaction.atomic
def move_operation(*, actor: Any, operation_id: int, to_state: str, reason: str = "") -> Operation:
    """Move an operation to another state; one transition row + audit."""
    return _move(
        Operation,
        OperationTransition,
        check_operation_transition,
        actor=actor,
        pk=operation_id,
        to_state=to_state,
        reason=reason,
    )


_FIGURE_FIELDS = (
    "measure",
    "unit",
    "value",
    "qualifier",
    "cumulative",
    "role",
    "source_kind",
    "source_name",
    "reported_on",
    "date_note",
    "reliability",
    "quote",
)


@transaction.atomic
def add_figure(*, actor: Any, data: Mapping[str, Any]) -> ReportedFigure:
    """A reported count (value, qualifier, source, date, reliability) about an operation or an agreement."""
    problems = required(data, ("source_kind", "source_name"), "figure")
    for name, cls in (
        ("qualifier", c.Qualifier),
        ("role", c.FigureRole),
        ("source_kind", c.SourceKind),
        ("reliability", c.Reliability),
        ("unit", c.Unit),
        ("measure", c.Measure),
    ):
        problems += _choice(data, name, cls)
    if not data.get("operation") and not data.get("agreement"):
        problems.append(
            Problem(
                "operation",
                "is required (or agreement)",
                None,
                "say which operation or agreement the figure is about",
            )
        )
    silent = data.get("qualifier") == c.Qualifier.silent
    if silent and data.get("value") is not None:
        problems.append(
            Problem("value", "must be empty when the source is silent", data["value"], "clear it")
        )
    if not silent and data.get("value") in (None, ""):
        problems.append(Problem("value", "is required", None, "give the count, or mark the source silent"))
    if isinstance(data.get("reported_on"), date) and data["reported_on"] > date.today():
        problems.append(
            Problem("reported_on", "is in the future", str(data["reported_on"]), "check the date")
        )
    if problems:
        raise ValidationError.from_problems(problems, "the figure")
    operation = get_operation(int(data["operation"])) if data.get("operation") else None
    agreement = (
        get_agreement(int(data["agreement"]))
        if data.get("agreement")
        else (operation.agreement if operation else None)
    )
    category = None
    if data.get("category"):
        codes = list(agreement.categories.values_list("code", flat=True)) if agreement else []
        category = agreement.categories.filter(code=data["category"]).first() if agreement else None
        if category is None:
            raise ValidationError(
                f"category: {data['category']!r} is not a category of the agreement",
                field="category",
                value=data["category"],
                hint=("use one of: " + ", ".join(codes)) if codes else "give the figure's agreement first",
            )
    refs = {
        k: party(data[k]) if data.get(k) else None
        for k in ("sending_party", "receiving_party", "source_party")
    }
    figure = ReportedFigure.objects.create(
        operation=operation,
        agreement=agreement,
        category=category,
        created_by=_user(actor),
        **refs,
        **_fields(ReportedFigure, data, _FIGURE_FIELDS),
    )
    audit.record(actor=actor, action="create", obj=figure, after=audit.snapshot(figure))
    return figure
