"""API of the identification report as PDF (Ukrainian or English).

``GET /identification/reports/{id}/pdf?lang=uk|en`` needs ``identification.view_comparisonreport``; the
alleles in its per-marker table need ``genotypes`` as well (others get the per-marker LRs alone). Every
download is audited.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from homecoming.app.identification import report_pdf, reports
from homecoming.app.permissions import require

router = Router(tags=["identification"])


@router.get(
    "/identification/reports/{report_id}/pdf",
    summary="The identification report as PDF",
)
def report_pdf_file(request: HttpRequest, report_id: int, lang: str = "") -> HttpResponse:
    """The report as PDF in ``lang`` (uk or en; default: the ``Accept-Language`` of the request, else uk)."""
    require(request, "identification.view_comparisonreport")
    report = reports.get_report(report_id)
    chosen = report_pdf.language(request)
    out = report_pdf.PRINTED.pdf_response(
        request,
        chosen,
        lambda: report_pdf.report_context(report, request.user, pdf=True),
        reference=report.reference,
        attachment=True,
    )
    report_pdf.audit_reading(request, report, "PDF", chosen)
    return out
