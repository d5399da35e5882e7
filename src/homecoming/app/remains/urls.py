from django.urls import path

from homecoming.app.remains import handover_views, unit_views, views

app_name = "remains"
urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("find/", views.find, name="find"),
    path("units/", views.unit_list, name="units"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<int:batch_id>/scan/", views.scan, name="scan"),
    path("batches/<int:batch_id>/import/", views.import_manifest, name="import"),
    path("batches/<int:batch_id>/export.<str:fmt>", views.export_batch, name="export"),
    path("batches/<int:batch_id>/handover/", views.handover_batch, name="handover"),
    path("batches/<int:batch_id>/handover.pdf", views.handover_batch, {"pdf": True}, name="handover_pdf"),
    path("operations/<int:operation_id>/handover/", views.handover_operation, name="handover_operation"),
    path(
        "operations/<int:operation_id>/handover.pdf",
        views.handover_operation,
        {"pdf": True},
        name="handover_operation_pdf",
    ),
    path("units/<int:unit_id>/", unit_views.unit_detail, name="unit"),
    path("units/<int:unit_id>/transition/", unit_views.unit_transition, name="unit_transition"),
    path("units/<int:unit_id>/recovery/", unit_views.unit_recovery, name="unit_recovery"),
    path("units/<int:unit_id>/custody/", unit_views.unit_custody, name="unit_custody"),
    path("units/<int:unit_id>/link/", unit_views.unit_link, name="unit_link"),
    path("units/<int:unit_id>/split/", unit_views.split, name="split"),
    path("units/<int:unit_id>/examinations/new/", unit_views.examination_create, name="examination_create"),
    path("units/<int:unit_id>/samples/new/", unit_views.sample_create, name="sample_create"),
    path("units/<int:unit_id>/effects/new/", unit_views.effect_create, name="effect_create"),
    path("examinations/<int:exam_id>/", unit_views.examination_detail, name="examination"),
    path("samples/<int:sample_id>/", unit_views.sample_detail, name="sample"),
    path("effects/<int:effect_id>/", unit_views.effect_detail, name="effect"),
    path("effect-photos/<int:photo_id>/", unit_views.effect_photo, name="effect_photo"),
    path("family-handovers/", handover_views.handover_list, name="family_handovers"),
    path("family-handovers/<int:handover_id>/", handover_views.handover_detail, name="family_handover"),
    path(
        "family-handovers/<int:handover_id>/print/",
        handover_views.handover_print,
        name="family_handover_print",
    ),
    path(
        "family-handovers/<int:handover_id>/handover.pdf",
        handover_views.handover_pdf,
        name="family_handover_pdf",
    ),
    path("units/<int:unit_id>/family-handover/", handover_views.handover_new, name="family_handover_new"),
    path("<str:kind>/<int:pk>/custody/", unit_views.object_custody, name="object_custody"),
]
