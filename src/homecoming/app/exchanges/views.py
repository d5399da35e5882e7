"""Pages of the exchanges app: agreements (ledger chart, figures, findings, statements) and operations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.app import refusals
from homecoming.app.audit import imported
from homecoming.app.exchanges import decisions, findings, identified, ledger, services
from homecoming.app.exchanges import manifests as manifest_services
from homecoming.app.exchanges.chart import ledger_chart
from homecoming.app.exchanges.choices import AGREEMENT_STATES, OPERATION_STATES
from homecoming.app.exchanges.forms import (
    AgreementForm,
    CategoryForm,
    FigureForm,
    ManifestImportForm,
    OperationForm,
    StatementForm,
    TransitionForm,
)
from homecoming.app.exchanges.models import Agreement, LedgerDecision, ManifestVersion, Operation
from homecoming.app.forms import show_problems
from homecoming.app.permissions import may, page_requires
from homecoming.domain.exchange_states import (
    AGREEMENT_ALLOWED,
    OPERATION_ALLOWED,
    AgreementState,
    OperationState,
)
from homecoming.errors import AlreadyImported, HomecomingError
from homecoming.io.manifests import COLUMN_NAMES, write_manifest
from homecoming.io.tables import check_size


def _labelled(states: list[Any], choices: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    """``(value, label)`` of each state, the label in the active language (the value is posted)."""
    labels = dict(choices)
    return [(str(state), str(labels.get(str(state), state))) for state in states]


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    title: str,
    back: str,
    save: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], HttpResponse],
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except HomecomingError as exc:
            show_problems(form, exc)
        else:
            return done(result)
    return render(request, "exchanges/form.html", {"form": form, "title": title, "back": back})


@page_requires("exchanges.view_agreement")
def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = Agreement.objects.select_related("party_a", "party_b").prefetch_related("categories")
    operations = Operation.objects.select_related("agreement").order_by("-date", "reference")[:50]
    return render(
        request, "exchanges/agreement_list.html", {"agreements": agreements, "operations": operations}
    )


def figure_groups(figures: Any) -> list[dict[str, Any]]:
    """Figures of each (operation, direction) side by side: sender / receiver / each source; disagreements."""
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for f in figures:
        sender = f.sending_party.code if f.sending_party else "?"
        direction = f"{sender} → {f.receiving_party.code if f.receiving_party else '?'}"
        groups[(f.operation.reference if f.operation else "—", direction)].append(f)
    out = []
    for (op, direction), figs in groups.items():
        exact = {f.value for f in figs if f.qualifier == "exact" and f.measure == "delivered"}
        out.append(
            {
                "operation": op,
                "direction": direction,
                "figures": figs,
                "disagree": len(exact) > 1,
                "silent": any(f.qualifier == "silent" for f in figs),
                "one_source": len({f.source_name for f in figs if f.qualifier != "silent"}) == 1,
            }
        )
    return out


@page_requires("exchanges.view_agreement")
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement.objects.select_related("party_a", "party_b"), pk=agreement_id)
    led = ledger.compute(agreement)
    by_category: dict[str, list[ledger.Series]] = defaultdict(list)
    for s in led.series:
        by_category[s.category_name].append(s)
    charts = [
        ledger_chart(series, title=_("%(name)s: delivered against quota") % {"name": name})
        for name, series in by_category.items()
    ]
    figures = agreement.figures.select_related("operation", "sending_party", "receiving_party").order_by(
        "operation__date", "operation__reference", "id"
    )
    state = AgreementState(agreement.state)
    return render(
        request,
        "exchanges/agreement_detail.html",
        {
            "agreement": agreement,
            "ledger": led,
            "charts": charts,
            "evidence": [(s, d) for s in led.series for d in s.deliveries],
            "evidence_open": len(led.disagreements),
            "groups": figure_groups(figures),
            "findings": findings.for_agreement(agreement),
            "identified": identified.remains_identified(agreement),
            "statements": agreement.statements.select_related("party"),
            "operations": agreement.operations.order_by("date", "reference"),
            "transitions": agreement.transitions.all(),
            "next_states": _labelled(sorted(AGREEMENT_ALLOWED[state]), AGREEMENT_STATES),
            "category_form": CategoryForm(),
            "statement_form": StatementForm(),
        },
    )


@page_requires("exchanges.add_agreement")
def agreement_create(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        AgreementForm(request.POST or None),
        _("Record an agreement"),
        "exchanges:agreements",
        lambda d: services.create_agreement(actor=request.user, data=d),
        lambda a: redirect("exchanges:agreement", agreement_id=a.pk),
    )


@page_requires("exchanges.change_agreement")
@require_POST
def category_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=agreement_id)
    return _form_page(
        request,
        CategoryForm(request.POST),
        _("Add a category"),
        "exchanges:agreements",
        lambda d: services.add_category(actor=request.user, agreement=agreement, data=d),
        lambda _r: redirect("exchanges:agreement", agreement_id=agreement.pk),
    )


@page_requires("exchanges.change_agreement")
@require_POST
def statement_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=agreement_id)
    return _form_page(
        request,
        StatementForm(request.POST),
        _("Add a party statement"),
        "exchanges:agreements",
        lambda d: services.add_statement(actor=request.user, agreement=agreement, data=d),
        lambda _r: redirect("exchanges:agreement", agreement_id=agreement.pk),
    )


def _transition(request: HttpRequest, move: Callable[[str, str], Any], back: HttpResponse) -> HttpResponse:
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            move(form.cleaned_data["to_state"], form.cleaned_data["reason"])
        except HomecomingError as exc:
            messages.error(request, refusals.shown(exc))
        else:
            messages.success(request, _("State changed."))
    return back


@page_requires("exchanges.change_agreement")
@require_POST
def agreement_transition(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=agreement_id)
    return _transition(
        request,
        lambda s, r: services.move_agreement(
            actor=request.user, agreement_id=agreement.pk, to_state=s, reason=r
        ),
        redirect("exchanges:agreement", agreement_id=agreement.pk),
    )


@page_requires("exchanges.view_agreement")
def ledger_csv(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=agreement_id)
    response = HttpResponse(ledger.to_csv(ledger.compute(agreement)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ledger-{agreement.reference}.csv"'
    return response


@page_requires("exchanges.view_operation")
def operation_detail(request: HttpRequest, operation_id: int) -> HttpResponse:
    operation = get_object_or_404(
        Operation.objects.select_related("agreement", "party_a", "party_b"), pk=operation_id
    )
    manifests = []
    # whom a line is said to be (a registry person's name) is read only for those who may see persons
    said = ("lines__person__names", "lines__link__person__names") if may(request.user, "person") else ()
    for m in operation.manifests.select_related("sending_party", "receiving_party"):
        versions = list(m.versions.prefetch_related("lines__identifications", *said).order_by("-number"))
        manifests.append({"manifest": m, "versions": versions})
    figures = operation.figures.select_related("operation", "sending_party", "receiving_party")
    state = OperationState(operation.state)
    evidence = []
    if operation.agreement is not None:
        led = ledger.compute(operation.agreement)
        evidence = [(s, d) for s in led.series for d in s.deliveries if d.operation_id == operation.pk]
    return render(
        request,
        "exchanges/operation_detail.html",
        {
            "operation": operation,
            "manifests": manifests,
            "groups": figure_groups(figures),
            "findings": findings.for_operation(operation),
            "evidence": evidence,
            "evidence_open": sum(1 for _s, d in evidence if d.open),
            "transitions": operation.transitions.all(),
            "next_states": _labelled(sorted(OPERATION_ALLOWED[state]), OPERATION_STATES),
            "columns": COLUMN_NAMES,
        },
    )


@page_requires("exchanges.add_operation")
def operation_create(request: HttpRequest) -> HttpResponse:
    initial = {"agreement": request.GET.get("agreement"), "intermediary": "ICRC"}
    form = OperationForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        form,
        _("Plan an operation"),
        "exchanges:agreements",
        lambda d: services.create_operation(actor=request.user, data=d),
        lambda o: redirect("exchanges:operation", operation_id=o.pk),
    )


@page_requires("exchanges.change_operation")
@require_POST
def operation_transition(request: HttpRequest, operation_id: int) -> HttpResponse:
    operation = get_object_or_404(Operation, pk=operation_id)
    return _transition(
        request,
        lambda s, r: services.move_operation(
            actor=request.user, operation_id=operation.pk, to_state=s, reason=r
        ),
        redirect("exchanges:operation", operation_id=operation.pk),
    )


@page_requires("exchanges.add_reportedfigure")
def figure_add(request: HttpRequest, operation_id: int) -> HttpResponse:
    operation = get_object_or_404(Operation, pk=operation_id)
    return _form_page(
        request,
        FigureForm(request.POST or None),
        _("Record a reported figure"),
        "exchanges:agreements",
        lambda d: services.add_figure(actor=request.user, data=dict(d, operation=operation.pk)),
        lambda _f: redirect("exchanges:operation", operation_id=operation.pk),
    )


@page_requires("exchanges.add_manifestversion")
def manifest_import(request: HttpRequest, operation_id: int) -> HttpResponse:
    operation = get_object_or_404(Operation, pk=operation_id)

    def save(d: dict[str, Any]) -> dict[str, Any]:
        upload = d["file"]
        check_size(upload.name, upload.size)  # before the upload is read into memory
        try:
            return manifest_services.import_manifest(
                actor=request.user,
                operation=operation,
                sending=d["sending"],
                receiving=d["receiving"],
                stage=d["stage"],
                name=upload.name,
                data=upload.read(),
                reason=d["reason"],
                dry_run=d["dry_run"],
            )
        except AlreadyImported as exc:
            raise imported.in_words(exc) from None

    def done(result: dict[str, Any]) -> HttpResponse:
        if result["dry_run"]:
            messages.success(
                request, _("The file is clean: %(n)d lines; nothing was imported.") % {"n": result["lines"]}
            )
        else:
            messages.success(
                request,
                _("Imported %(n)d lines as version %(v)d.") % {"n": result["lines"], "v": result["version"]},
            )
            for f in findings.for_operation(operation).of_kind("manifest_disagrees_with_figure"):
                messages.warning(request, f.message)
        return redirect("exchanges:operation", operation_id=operation.pk)

    form = ManifestImportForm(request.POST or None, request.FILES or None, operation=operation)
    return _form_page(request, form, _("Import a manifest version"), "exchanges:agreements", save, done)


@page_requires("exchanges.view_manifest")
def version_export(request: HttpRequest, version_id: int, fmt: str) -> HttpResponse:
    version = get_object_or_404(ManifestVersion, pk=version_id)
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


@page_requires("exchanges.add_ledgerdecision")
@require_POST
def ledger_decide(request: HttpRequest, operation_id: int) -> HttpResponse:
    """Choose the evidence one disputed count uses; it applies once a second person accepts it."""
    operation = get_object_or_404(Operation, pk=operation_id)
    try:
        decisions.decide(
            actor=request.user,
            operation_id=operation.pk,
            receiving=request.POST.get("receiving", ""),
            category=request.POST.get("category", ""),
            use=request.POST.get("use", ""),
            reason=request.POST.get("reason", ""),
        )
    except HomecomingError as exc:
        messages.error(request, refusals.shown(exc))
    else:
        messages.success(request, _("Decision recorded; it applies once a second person accepts it."))
    return redirect("exchanges:operation", operation_id=operation.pk)


@page_requires("exchanges.review_ledgerdecision")
@require_POST
def ledger_review(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = get_object_or_404(LedgerDecision, pk=decision_id)
    try:
        decisions.review(
            actor=request.user,
            decision_id=decision.pk,
            verdict=request.POST.get("verdict", ""),
            note=request.POST.get("note", ""),
        )
    except HomecomingError as exc:
        messages.error(request, refusals.shown(exc))
    else:
        messages.success(request, _("Review recorded."))
    return redirect("exchanges:operation", operation_id=decision.operation_id)


@page_requires("exchanges.view_operation")
def operation_list(request: HttpRequest) -> HttpResponse:
    """Operations, by date: those still being worked on (the default), or those in one state, in pages."""
    from django.core.paginator import Paginator
    from django.utils.http import urlencode

    from homecoming.app import worklists
    from homecoming.app.exchanges.choices import OPERATION_STATES

    state = request.GET.get("state", "")
    known = [value for value, _label in OPERATION_STATES]
    if state in known:
        chosen: tuple[str, ...] = (state,)
    elif state == "all":
        chosen = tuple(known)
    else:
        state, chosen = "", worklists.OPERATIONS_OPEN
    rows = worklists.operations(chosen)
    page = Paginator(rows, worklists.PAGE_ROWS).get_page(request.GET.get("page"))
    ctx = {
        "page": page,
        "state": state,
        "states": OPERATION_STATES,
        "keep": urlencode({"state": state} if state else {}),
    }
    return render(request, "exchanges/operation_list.html", ctx)


@page_requires("exchanges.view_operation", "exchanges.view_reportedfigure")
def disagreement_list(request: HttpRequest) -> HttpResponse:
    """Every disagreement between the counts of the operations (reported figures, manifests), in pages."""
    from django.core.paginator import Paginator

    from homecoming.app import worklists
    from homecoming.app.exchanges.models import Operation

    rows = worklists.disagreements()
    ids = dict(
        Operation.objects.filter(reference__in={f.operation for f in rows}).values_list("reference", "pk")
    )
    page = Paginator([(f, ids.get(f.operation)) for f in rows], worklists.PAGE_ROWS).get_page(
        request.GET.get("page")
    )
    return render(request, "exchanges/disagreement_list.html", {"page": page, "keep": ""})
