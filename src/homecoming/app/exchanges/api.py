"""API endpoints of the exchanges app: agreements, operations, manifests, figures, ledger, findings."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from homecoming.app.exchanges import decisions, findings, ledger, linking, services
from homecoming.app.exchanges import manifests as manifest_services
from homecoming.app.exchanges.models import (
    Agreement,
    LedgerDecision,
    LineLink,
    ManifestLine,
    ManifestVersion,
    Operation,
    ReportedFigure,
)
from homecoming.app.exchanges.schemas import (
    AgreementCategoryIn,
    AgreementCategoryOut,
    AgreementIn,
    AgreementOut,
    ConsistencyFindingsOut,
    IdentificationResultIn,
    IdentificationResultOut,
    LedgerDecisionIn,
    LedgerDecisionOut,
    LedgerReviewIn,
    LinkManifestIn,
    LinkManifestOut,
    ManifestOut,
    ManifestVersionIn,
    OperationIn,
    OperationOut,
    PartyStatementIn,
    PartyStatementOut,
    ReportedFigureIn,
    ReportedFigureOut,
    StateMoveIn,
)
from homecoming.app.lookup import by_id
from homecoming.app.permissions import may, require
from homecoming.io.manifests import ManifestRow, write_manifest

router = Router(tags=["exchanges"])


def agreement_out(a: Agreement) -> dict[str, Any]:
    data = {
        f: getattr(a, f)
        for f in (
            "id",
            "reference",
            "title",
            "intermediary",
            "date",
            "date_qualifier",
            "date_note",
            "place",
            "state",
            "notes",
        )
    }
    data.update(
        party_a=a.party_a.code,
        party_b=a.party_b.code,
        categories=list(a.categories.all()),
        transitions=list(a.transitions.all()),
        statements=[dict(statement_fields(s)) for s in a.statements.select_related("party")],
    )
    return data


def statement_fields(s: Any) -> dict[str, Any]:
    return {
        "id": s.pk,
        "party": s.party.code,
        "characterisation": s.characterisation,
        "text": s.text,
        "speaker": s.speaker,
        "source": s.source,
        "stated_on": s.stated_on,
        "date_note": s.date_note,
    }


def figure_out(f: ReportedFigure) -> dict[str, Any]:
    data = {
        k: getattr(f, k)
        for k in (
            "id",
            "operation_id",
            "agreement_id",
            "value",
            "qualifier",
            "cumulative",
            "measure",
            "role",
            "unit",
            "source_kind",
            "source_name",
            "reported_on",
            "date_note",
            "reliability",
            "quote",
        )
    }
    data["sending_party"] = f.sending_party.code if f.sending_party else None
    data["receiving_party"] = f.receiving_party.code if f.receiving_party else None
    return data


def operation_out(o: Operation) -> dict[str, Any]:
    data = {
        f: getattr(o, f)
        for f in (
            "id",
            "reference",
            "kind",
            "agreement_id",
            "stage",
            "date",
            "date_qualifier",
            "date_note",
            "place",
            "place_undisclosed",
            "intermediary",
            "state",
            "notes",
        )
    }
    data.update(
        party_a=o.party_a.code,
        party_b=o.party_b.code,
        transitions=list(o.transitions.all()),
        figures=[figure_out(f) for f in o.figures.select_related("sending_party", "receiving_party")],
    )
    return data


def manifests_out(o: Operation, user: Any) -> list[dict[str, Any]]:
    """The manifests of ``o``; a line's ``eligibility_basis`` (health data) blank unless ``user`` may see
    "health"."""
    health = may(user, "health")
    out = []
    for m in o.manifests.select_related("sending_party", "receiving_party"):
        versions = []
        for v in m.versions.prefetch_related("lines__link").order_by("number"):
            current = not ManifestVersion.objects.filter(supersedes=v).exists()
            versions.append(
                {
                    "id": v.pk,
                    "number": v.number,
                    "stage": v.stage,
                    "supersedes_id": v.supersedes_id,
                    "reason": v.reason,
                    "created": v.created,
                    "current": current,
                    "lines": [_line_out(line, health) for line in v.lines.all()],
                }
            )
        out.append(
            {
                "id": m.pk,
                "sending": m.sending_party.code,
                "receiving": m.receiving_party.code,
                "versions": versions,
            }
        )
    return out


def _line_out(line: ManifestLine, health: bool) -> ManifestLine:
    if not health:
        line.eligibility_basis = ""  # the in-memory instance only, never saved
    try:
        line.linked_person_id = line.link.person_id  # type: ignore[attr-defined]
    except LineLink.DoesNotExist:
        line.linked_person_id = None  # type: ignore[attr-defined]
    return line


@router.get("/exchanges/agreements", response=list[AgreementOut], summary="Agreements")
def list_agreements(request: HttpRequest) -> list[dict[str, Any]]:
    require(request, "exchanges.view_agreement")
    return [agreement_out(a) for a in Agreement.objects.select_related("party_a", "party_b")]


@router.post("/exchanges/agreements", response={201: AgreementOut}, summary="Record an agreement (draft)")
def create_agreement(request: HttpRequest, payload: AgreementIn) -> Any:
    actor = require(request, "exchanges.add_agreement")
    return Status(201, agreement_out(services.create_agreement(actor=actor, data=payload.dict())))


@router.get("/exchanges/agreements/{agreement_id}", response=AgreementOut, summary="An agreement")
def get_agreement(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    require(request, "exchanges.view_agreement")
    return agreement_out(services.get_agreement(agreement_id))


@router.post(
    "/exchanges/agreements/{agreement_id}/categories",
    response={201: AgreementCategoryOut},
    summary="Add a category with its quota rule",
)
def add_category(request: HttpRequest, agreement_id: int, payload: AgreementCategoryIn) -> Any:
    actor = require(request, "exchanges.change_agreement")
    agreement = services.get_agreement(agreement_id)
    return Status(201, services.add_category(actor=actor, agreement=agreement, data=payload.dict()))


@router.post(
    "/exchanges/agreements/{agreement_id}/statements",
    response={201: PartyStatementOut},
    summary="Add a party's statement about the agreement",
)
def add_statement(request: HttpRequest, agreement_id: int, payload: PartyStatementIn) -> Any:
    actor = require(request, "exchanges.change_agreement")
    agreement = services.get_agreement(agreement_id)
    statement = services.add_statement(actor=actor, agreement=agreement, data=payload.dict())
    return Status(201, statement_fields(statement))


@router.post(
    "/exchanges/agreements/{agreement_id}/transitions",
    response=AgreementOut,
    summary="Move an agreement to another state",
)
def move_agreement(request: HttpRequest, agreement_id: int, payload: StateMoveIn) -> dict[str, Any]:
    actor = require(request, "exchanges.change_agreement")
    services.move_agreement(
        actor=actor, agreement_id=agreement_id, to_state=payload.to_state, reason=payload.reason
    )
    return agreement_out(services.get_agreement(agreement_id))


@router.get(
    "/exchanges/agreements/{agreement_id}/ledger",
    response=dict[str, Any],
    summary="Fulfilment ledger: quota against delivered, each way, over time",
)
def get_ledger(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    require(request, "exchanges.view_agreement")
    return ledger.compute(services.get_agreement(agreement_id)).as_dict()


@router.get("/exchanges/agreements/{agreement_id}/ledger.csv", summary="Fulfilment ledger as CSV")
def get_ledger_csv(request: HttpRequest, agreement_id: int) -> HttpResponse:
    require(request, "exchanges.view_agreement")
    agreement = services.get_agreement(agreement_id)
    response = HttpResponse(ledger.to_csv(ledger.compute(agreement)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ledger-{agreement.reference}.csv"'
    return response


@router.get(
    "/exchanges/agreements/{agreement_id}/findings",
    response=ConsistencyFindingsOut,
    summary="Consistency findings of the agreement's operations",
)
def agreement_findings(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    require(request, "exchanges.view_agreement")
    return findings.for_agreement(services.get_agreement(agreement_id)).as_dict()


@router.get("/exchanges/operations", response=list[OperationOut], summary="Operations")
def list_operations(request: HttpRequest) -> list[dict[str, Any]]:
    require(request, "exchanges.view_operation")
    return [operation_out(o) for o in Operation.objects.select_related("party_a", "party_b")]


@router.post("/exchanges/operations", response={201: OperationOut}, summary="Plan an operation")
def create_operation(request: HttpRequest, payload: OperationIn) -> Any:
    actor = require(request, "exchanges.add_operation")
    return Status(201, operation_out(services.create_operation(actor=actor, data=payload.dict())))


@router.get(
    "/exchanges/operations/{operation_id}", response=OperationOut, summary="An operation and its figures"
)
def get_operation(request: HttpRequest, operation_id: int) -> dict[str, Any]:
    require(request, "exchanges.view_operation")
    return operation_out(services.get_operation(operation_id))


@router.post(
    "/exchanges/operations/{operation_id}/transitions",
    response=OperationOut,
    summary="Move an operation to another state",
)
def move_operation(request: HttpRequest, operation_id: int, payload: StateMoveIn) -> dict[str, Any]:
    actor = require(request, "exchanges.change_operation")
    services.move_operation(
        actor=actor, operation_id=operation_id, to_state=payload.to_state, reason=payload.reason
    )
    return operation_out(services.get_operation(operation_id))


@router.get(
    "/exchanges/operations/{operation_id}/manifests",
    response=list[ManifestOut],
    summary="Manifests of an operation, both directions, every version",
)
def list_manifests(request: HttpRequest, operation_id: int) -> list[dict[str, Any]]:
    require(request, "exchanges.view_manifest")
    return manifests_out(services.get_operation(operation_id), request.user)


@router.post(
    "/exchanges/operations/{operation_id}/manifests",
    response={201: list[ManifestOut]},
    summary="Add a manifest version (supersedes the current one, with a reason)",
)
def add_manifest_version(request: HttpRequest, operation_id: int, payload: ManifestVersionIn) -> Any:
    actor = require(request, "exchanges.add_manifestversion")
    operation = services.get_operation(operation_id)
    rows = [
        ManifestRow(**dict(line.dict(), line_no=line.line_no or i))
        for i, line in enumerate(payload.lines, start=1)
    ]
    manifest_services.add_manifest_version(
        actor=actor,
        operation=operation,
        sending=payload.sending,
        receiving=payload.receiving,
        stage=payload.stage,
        rows=rows,
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201, manifests_out(operation, request.user))


@router.get("/exchanges/versions/{version_id}/export", summary="A manifest version as CSV or XLSX")
def export_version(request: HttpRequest, version_id: int, fmt: str = "csv") -> HttpResponse:
    require(request, "exchanges.view_manifest")
    version = by_id(ManifestVersion, version_id, what="manifest version", field="version")
    kind = "xlsx" if fmt == "xlsx" else "csv"
    content = write_manifest(
        manifest_services.export_rows(version, health=may(request.user, "health")), fmt=kind
    )
    types = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(content, content_type=types[kind])
    response["Content-Disposition"] = f'attachment; filename="manifest-{version.pk}-v{version.number}.{kind}"'
    return response


@router.post(
    "/exchanges/versions/{version_id}/link",
    response={200: LinkManifestOut, 201: LinkManifestOut},
    summary="Link a manifest version's claimed identities to the registry (preview with dry_run)",
    description="Every line with a claimed name and no registry person is scored by the registry's linkage "
    "model: a match is linked to its person, an uncertain line only to the candidate a decision names, "
    "a line with no candidate stays unlinked (not in the registry). One transaction, audited. A link "
    "records whom the claim names ('said to be'), never an identification. A decision that is not one "
    "of the line's candidates is refused (422, every such line named) and nothing is linked.",
)
def link_version(request: HttpRequest, version_id: int, payload: LinkManifestIn) -> Any:
    actor = require(request, "exchanges.add_linelink")
    require(request, "person")
    result = linking.link_manifest(
        actor=actor, version_id=version_id, decisions=payload.decisions, dry_run=payload.dry_run
    )
    return Status(200 if payload.dry_run else 201, linking.summary(result))


@router.get(
    "/exchanges/operations/{operation_id}/findings",
    response=ConsistencyFindingsOut,
    summary="Consistency findings of an operation",
)
def operation_findings(request: HttpRequest, operation_id: int) -> dict[str, Any]:
    require(request, "exchanges.view_operation")
    return findings.for_operation(services.get_operation(operation_id)).as_dict()


@router.post(
    "/exchanges/figures",
    response={201: ReportedFigureOut},
    summary="Record a reported figure",
)
def add_figure(request: HttpRequest, payload: ReportedFigureIn) -> Any:
    actor = require(request, "exchanges.add_reportedfigure")
    return Status(201, figure_out(services.add_figure(actor=actor, data=payload.dict())))


@router.post(
    "/exchanges/lines/{line_id}/identifications",
    response={201: IdentificationResultOut},
    summary="Record what identification established about a manifest line",
)
def add_identification(request: HttpRequest, line_id: int, payload: IdentificationResultIn) -> Any:
    actor = require(request, "exchanges.add_identificationresult")
    result = manifest_services.record_identification(actor=actor, line_id=line_id, data=payload.dict())
    return Status(201, result)


def decision_out(d: LedgerDecision) -> dict[str, Any]:
    review = d.reviews.select_related("reviewer").first()
    return {
        "id": d.pk,
        "operation": d.operation.reference,
        "receiving": d.receiving_party.code,
        "category": d.category.code,
        "use": d.use,
        "manifest_count": d.manifest_count,
        "figure_value": d.figure_value,
        "reason": d.reason,
        "decided_at": d.decided_at,
        "decided_by": d.decided_by.get_username() if d.decided_by else "",
        "verdict": review.verdict if review else "",
        "reviewer": review.reviewer.get_username() if review and review.reviewer else "",
    }


@router.post(
    "/exchanges/operations/{operation_id}/ledger-decisions",
    response={201: LedgerDecisionOut},
    summary="Decide which evidence (manifest or figure) the ledger counts where they disagree",
    description="The ledger keeps the reported figure until a decision, accepted by a second person, "
    "chooses the manifest. 409 when there is no disagreement or a decision waits for review.",
)
def decide(request: HttpRequest, operation_id: int, payload: LedgerDecisionIn) -> Any:
    actor = require(request, "exchanges.add_ledgerdecision")
    decision = decisions.decide(actor=actor, operation_id=operation_id, **payload.dict())
    return Status(201, decision_out(decision))


@router.post(
    "/exchanges/ledger-decisions/{decision_id}/review",
    response={201: LedgerDecisionOut},
    summary="Accept or reject a ledger decision (by someone other than who made it)",
)
def review_decision(request: HttpRequest, decision_id: int, payload: LedgerReviewIn) -> Any:
    actor = require(request, "exchanges.review_ledgerdecision")
    result = decisions.review(actor=actor, decision_id=decision_id, **payload.dict())
    return Status(201, decision_out(result.decision))
