from django.urls import path

from homecoming.app.exchanges import link_views, views

app_name = "exchanges"
urlpatterns = [
    path("", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:agreement_id>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:agreement_id>/categories/", views.category_add, name="category_add"),
    path("agreements/<int:agreement_id>/statements/", views.statement_add, name="statement_add"),
    path(
        "agreements/<int:agreement_id>/transition/", views.agreement_transition, name="agreement_transition"
    ),
    path("agreements/<int:agreement_id>/ledger.csv", views.ledger_csv, name="ledger_csv"),
    path("operations/", views.operation_list, name="operations"),
    path("operations/disagreements/", views.disagreement_list, name="disagreements"),
    path("operations/new/", views.operation_create, name="operation_create"),
    path("operations/<int:operation_id>/", views.operation_detail, name="operation"),
    path(
        "operations/<int:operation_id>/transition/", views.operation_transition, name="operation_transition"
    ),
    path("operations/<int:operation_id>/figures/new/", views.figure_add, name="figure_add"),
    path("operations/<int:operation_id>/manifests/import/", views.manifest_import, name="manifest_import"),
    path("operations/<int:operation_id>/ledger-decisions/", views.ledger_decide, name="ledger_decide"),
    path("ledger-decisions/<int:decision_id>/review/", views.ledger_review, name="ledger_review"),
    path("versions/<int:version_id>/export.<str:fmt>", views.version_export, name="version_export"),
    path("versions/<int:version_id>/link/", link_views.link_version, name="version_link"),
]
