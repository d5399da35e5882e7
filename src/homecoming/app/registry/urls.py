from django.urls import path

from homecoming.app.registry import duplicate_views, import_views, model_views, views

app_name = "registry"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/import/", import_views.import_list, name="import"),
    path("persons/import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("persons/<int:person_id>/", views.person_detail, name="person"),
    path("persons/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:person_id>/cases/new/", views.case_create, name="case_create"),
    path("persons/<int:person_id>/assertions/new/", views.assertion_create, name="assertion_create"),
    path("persons/<int:person_id>/photos/new/", views.photo_upload, name="photo_upload"),
    path("persons/<int:person_id>/merge/", duplicate_views.merge, name="person_merge"),
    path("persons/<int:person_id>/unmerge/", duplicate_views.unmerge, name="person_unmerge"),
    path("duplicates/", duplicate_views.queue, name="duplicates"),
    path("claims/", views.claims, name="claims"),
    path("duplicates/decide/", duplicate_views.decide, name="duplicates_decide"),
    path("linkage-model/", model_views.model_page, name="linkage_model"),
    path("linkage-model/train/", model_views.train, name="linkage_model_train"),
    path("linkage-model/use/", model_views.use_again, name="linkage_model_use"),
    path("photos/<int:photo_id>/", views.photo_file, name="photo"),
    path("cases/<int:case_id>/transition/", views.case_transition, name="case_transition"),
    path("assertions/<int:assertion_id>/review/", views.assertion_review, name="assertion_review"),
]
