"""The identification report: one template, read as a print view (HTML) or as a PDF (WeasyPrint).

It holds the body (reference, batch, operation, place and dates of recovery), the missing person, the
family's pedigree drawn (as it was when the evidence was computed), the markers with the per-marker
LR table, the model (frequency table with its SHA-256, mutation model, θ), the non-DNA evidence, prior
and posterior, the joint-identification context (the screening run's conclusion about the body, the
other candidates, the other reports about the body or the person), the two signatures and the
provenance.

It is written in the reader's language (``?lang=uk`` or ``?lang=en``; by default the language the
reader's pages are in). Access goes through :mod:`homecoming.app.permissions`: the report needs
``identification.view_comparisonreport``; the alleles in the per-marker table need ``genotypes`` (read
from the stored profiles only then), the person's name ``person``, the pedigree ``families``. Every
reading is audited (which report, which form, whether genotypes were shown).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homecoming.app.audit import services as audit
from homecoming.app.genetics.choices import ConsentScope
from homecoming.app.genetics.frequencies import locus_key
from homecoming.app.genetics.models import FrequencyTable, Profile
from homecoming.app.genetics.pedigree_view import Node, build_pedigree, draw
from homecoming.app.identification import reports
from homecoming.app.identification.models_reports import (
    RULE_CHOICES,
    STATE_CHOICES,
    ComparisonReport,
)
from homecoming.app.identification.rederive import members_at
from homecoming.app.permissions import may, page_requires
from homecoming.app.printed import Printed

__all__ = [
    "LANGUAGES",
    "PRINTED",
    "audit_reading",
    "language",
    "mutation_label",
    "report_context",
    "report_pdf",
    "report_print",
    "scope_label",
]

LANGUAGES = ("uk", "en")
_VIEW = "identification.view_comparisonreport"

FACTORS = {
    "sex": gettext_lazy("sex"),
    "age": gettext_lazy("age"),
    "place_date": gettext_lazy("place and date"),
}
APPARENT_SEX = {
    "male": gettext_lazy("male"),
    "female": gettext_lazy("female"),
    "undetermined": gettext_lazy("undetermined"),
}
SCREEN_CONCLUSIONS = {
    "identified": gettext_lazy("identified"),
    "probable": gettext_lazy("probable"),
    "inconclusive": gettext_lazy("inconclusive"),
    "no_match": gettext_lazy("no match"),
    "excluded": gettext_lazy("excluded"),
}
POSTERIOR_FROM = {
    "DNA LR × non-DNA factors × prior 1/N": gettext_lazy("DNA LR × non-DNA factors × prior 1/N"),
    "DNA LR × prior 1/N": gettext_lazy("DNA LR × prior 1/N"),
    "DNA LR undefined (0/0): no posterior": gettext_lazy("DNA LR undefined (0/0): no posterior"),
    "DNA LR infinite: posterior 1": gettext_lazy("DNA LR infinite: posterior 1"),
    "DNA LR alone (prior 1/N, N = bodies with a profile)": gettext_lazy(
        "DNA LR alone (prior 1/N, N = bodies with a profile)"
    ),
}


MUTATION_MODELS = {
    "stepwise": gettext_lazy("stepwise (by the distance between alleles)"),
    "equal": gettext_lazy("equal (every other allele alike)"),
    "proportional": gettext_lazy("proportional (to allele frequencies)"),
    "onestep": gettext_lazy("one step"),
    "random": gettext_lazy("random"),
    "trivial": gettext_lazy("none (no mutation)"),
    "custom": gettext_lazy("custom matrix"),
}
INPUT_KEYS = {
    "body": gettext_lazy("body"),
    "family": gettext_lazy("family"),
    "other": gettext_lazy("other record"),
}


def scope_label(scope: str) -> str:
    """A consent scope's label in the reader's language (the code if unknown)."""
    return str(dict(ConsentScope.choices).get(scope, scope))


def mutation_label(model: str | None) -> str:
    """A mutation model's label in the reader's language (the code if unknown)."""
    return str(MUTATION_MODELS.get(model or "", model or "")) or "—"


PRINTED = Printed("identification/report_print.html", LANGUAGES, "report")


def language(request: HttpRequest) -> str:
    """``?lang=`` (uk or en), else the language the reader's pages are in, else Ukrainian."""
    return PRINTED.language(request)


def _who(user: Any) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or "").strip() or user.get_username()


def _genotypes(loci: list[dict[str, Any]]) -> dict[str, str]:
    """Locus key -> the alleles used, ``a/b``."""
    return {
        locus_key(str(e.get("locus"))): "/".join(str(a) for a in e.get("used") or [])
        for e in loci
        if e.get("used")
    }


def _per_marker(data: dict[str, Any], genotypes: dict[str, dict[str, str]] | None) -> list[dict[str, Any]]:
    without = {r["marker"]: r["lr"] for r in data.get("per_marker_without_mutation", [])}
    rows = []
    for r in data.get("per_marker", []):
        m = r["marker"]
        rows.append(
            {
                "marker": m,
                "lr": r["lr"],
                "plain": without.get(m, ""),
                "inconsistent": m in data.get("inconsistent", []),
                "unexplained": m in data.get("unexplained", []),
                "genotypes": [g.get(locus_key(m), "—") for g in genotypes.values()] if genotypes else [],
            }
        )
    return rows


def _pedigree(report: ComparisonReport, data: dict[str, Any], computed_at: Any) -> Any:
    family, fam_in = report.family, data.get("inputs", {}).get("family")
    if family is None or not fam_in:
        return None
    members = members_at(family, computed_at)
    typed = set(fam_in.get("profiles", {}))
    nodes = {
        m.code: Node(
            m.code,
            "" if m.relation == "connecting" else str(m.get_relation_display()),
            m.display_name,
            m.code in typed,
            m.code == fam_in.get("missing"),
        )
        for m in members
    }
    return draw(build_pedigree(members), nodes, title=_("Pedigree of %(ref)s") % {"ref": family.reference})


def _joint(report: ComparisonReport) -> dict[str, Any]:
    """The screening run's conclusion about the body, its other candidates, other reports on the same
    body or person."""
    from homecoming.app.identification.models_screening import BodyConclusion, ScreeningCandidate

    conclusion = (
        BodyConclusion.objects.filter(unit=report.unit)
        .select_related("run", "family", "missing")
        .order_by("-run__requested_at", "-id")
        .first()
    )
    candidates = []
    if conclusion is not None:
        candidates = list(
            ScreeningCandidate.objects.filter(run=conclusion.run, unit=report.unit)
            .select_related("family", "missing")
            .order_by("rank")[:10]
        )
    others = ComparisonReport.objects.exclude(pk=report.pk).select_related("unit", "person")
    if report.person_id:
        others = others.filter(unit=report.unit) | others.filter(person_id=report.person_id)
    else:
        others = others.filter(unit=report.unit)
    return {
        "conclusion": conclusion,
        "conclusion_label": SCREEN_CONCLUSIONS.get(conclusion.conclusion, conclusion.conclusion)
        if conclusion
        else "",
        "candidates": candidates,
        "others": list(others.order_by("id")[:20]),
    }


def report_context(report: ComparisonReport, user: Any, *, pdf: bool) -> dict[str, Any]:
    """Everything the template shows, read only as far as ``user`` may see it."""
    ev = report.evidence
    data: dict[str, Any] = ev.data if ev else {}
    show_genotypes = ev is not None and may(user, "genotypes")
    genotypes: dict[str, dict[str, str]] | None = None
    if show_genotypes:
        inputs = data.get("inputs", {})
        refs = {_("body"): inputs.get("body", {}).get("profile")}
        if "other" in inputs:
            refs[_("other record")] = inputs["other"].get("profile")
        for code, used in sorted(inputs.get("family", {}).get("profiles", {}).items()):
            refs[code] = used.get("profile")
        stored = {
            p.reference: p for p in Profile.objects.filter(reference__in=[r for r in refs.values() if r])
        }
        genotypes = {label: _genotypes(stored[r].loci) if r in stored else {} for label, r in refs.items()}
    prov = data.get("provenance", {})
    table_id = prov.get("frequency_table", {}).get("id", "")
    transitions = list(report.transitions.select_related("actor", "evidence").order_by("at", "id"))
    proposed = next((t for t in reversed(transitions) if t.to_state == "proposed"), None)
    rules = dict(RULE_CHOICES)
    overrides = list(ev.overrides.select_related("actor")) if ev else []
    unit = report.unit
    return {
        "report": report,
        "ev": ev,
        "data": data,
        "pdf": pdf,
        "signed": report.signed_by_id is not None,
        "rows": _per_marker(data, genotypes),
        "genotype_columns": list(genotypes) if genotypes else [],
        "show_genotypes": show_genotypes,
        "show_person": may(user, "person"),
        "unit": unit,
        "apparent_sex": APPARENT_SEX.get(unit.apparent_sex, unit.apparent_sex),
        "batch": unit.batch,
        "operation": unit.batch.operation,
        "pedigree": _pedigree(report, data, ev.computed_at) if ev and may(user, "families") else None,
        "may_families": may(user, "families"),
        "frequency_table": FrequencyTable.objects.filter(reference=table_id).first() if table_id else None,
        "mutation": (prov.get("parameters", {}).get("mutation") or {}).get("male"),
        "factors": [
            {**f, "label": FACTORS.get(f.get("name", ""), f.get("name", ""))} for f in data.get("factors", [])
        ],
        "posterior_from": POSTERIOR_FROM.get(data.get("posterior_from", ""), data.get("posterior_from", "")),
        "failed": [
            {"label": rules.get(r, r), "overridden": any(o.rule == r for o in overrides)}
            for r in reports.failed_rules(report)
        ],
        "overrides": [{"label": rules.get(o.rule, o.rule), "o": o} for o in overrides],
        "joint": _joint(report),
        "proposer": _who(report.proposed_by),
        "proposed_at": proposed.at if proposed else None,
        "signer": _who(report.signed_by),
        "states": dict(STATE_CHOICES),
        "transitions": transitions,
        "input_digests": [(str(INPUT_KEYS.get(k, k)), d) for k, d in sorted(prov.get("inputs", {}).items())],
        "scope_label": scope_label(report.scope),
        "mutation_label": mutation_label(
            ((prov.get("parameters", {}).get("mutation") or {}).get("male") or {}).get("model")
        ),
        "person_name": report.person.primary_name() if report.person_id and report.person else "",
    }


def audit_reading(request: HttpRequest, report: ComparisonReport, form: str, lang: str) -> None:
    what = f"identification report ({form}, {lang})"
    if report.evidence is not None and may(request.user, "genotypes"):
        what += " with genotypes"
    audit.record_view(actor=request.user, obj=report, what=what)


def response(request: HttpRequest, report: ComparisonReport, *, pdf: bool) -> HttpResponse:
    """The print view or the PDF of ``report`` for ``request``'s user (audited); a bad ``lang`` is a 400."""
    return PRINTED.response(
        request,
        lambda: report_context(report, request.user, pdf=pdf),
        reference=report.reference,
        pdf=pdf,
        audited=lambda form, lang: audit_reading(request, report, form, lang),
    )


@page_requires(_VIEW)
def report_print(request: HttpRequest, report_id: int) -> HttpResponse:
    """The identification report as a print view (HTML with print CSS)."""
    return response(request, reports.get_report(report_id), pdf=False)


@page_requires(_VIEW)
def report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    """The identification report as PDF (WeasyPrint, the same template)."""
    return response(request, reports.get_report(report_id), pdf=True)
