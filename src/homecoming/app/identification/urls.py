from __future__ import annotations

from django.urls import URLPattern, path

from homecoming.app.identification import notification_views, report_pdf, report_views, screening_views

app_name = "identification"
urlpatterns: list[URLPattern] = [
    path("reports/", report_views.report_list, name="reports"),
    path("reports/new/", report_views.report_new, name="report_new"),
    path("reports/<int:report_id>/", report_views.report_detail, name="report"),
    path("reports/<int:report_id>/propose/", report_views.report_propose, name="report_propose"),
    path("reports/<int:report_id>/revise/", report_views.report_revise, name="report_revise"),
    path("reports/<int:report_id>/sign/", report_views.report_sign, name="report_sign"),
    path("reports/<int:report_id>/return/", report_views.report_return, name="report_return"),
    path("reports/<int:report_id>/override/", report_views.report_override, name="report_override"),
    path("reports/<int:report_id>/print/", report_pdf.report_print, name="report_print"),
    path("reports/<int:report_id>/report.pdf", report_pdf.report_pdf, name="report_pdf"),
    path("notify/", notification_views.notify_list, name="notify"),
    path("notify/<int:notification_id>/", notification_views.notify_detail, name="notification"),
    path("notify/<int:notification_id>/contacts/", notification_views.notify_record, name="notify_record"),
    path("notify/<int:notification_id>/print/", notification_views.notify_print, name="notification_print"),
    path("notify/<int:notification_id>/record.pdf", notification_views.notify_pdf, name="notification_pdf"),
    path("batches/", screening_views.batch_list, name="batches"),
    path("batches/<int:batch_id>/", screening_views.batch_detail, name="batch"),
    path("batches/<int:batch_id>/start", screening_views.batch_start, name="batch_start"),
    path("runs/<int:run_id>/progress", screening_views.run_progress, name="run_progress"),
]
