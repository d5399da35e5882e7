from django.urls import path

from homecoming.app.genetics import family_views, frequency_views, lab_views, views

app_name = "genetics"
urlpatterns = [
    path("", views.index, name="index"),
    path("frequencies/", frequency_views.table_list, name="frequency_tables"),
    path("frequencies/upload", frequency_views.upload, name="frequency_upload"),
    path("frequencies/<int:table_id>/", frequency_views.table_detail, name="frequency_table"),
    path("frequencies/<int:table_id>/activate", frequency_views.activate, name="frequency_activate"),
    path("families/", family_views.family_list, name="families"),
    path("families/new/", family_views.family_create, name="family_create"),
    path("families/export.fam", family_views.family_export, name="family_export"),
    path("families/import/", family_views.family_import, name="family_import"),
    path("families/<int:family_id>/", family_views.family_detail, name="family"),
    path("families/<int:family_id>/relatives/", family_views.family_add_relative, name="family_add"),
    path(
        "families/<int:family_id>/members/<int:member_id>/remove/",
        family_views.family_remove_member,
        name="family_remove",
    ),
    path("families/<int:family_id>/samples/", family_views.family_sample, name="family_sample"),
    path("families/<int:family_id>/consent/", family_views.family_consent, name="family_consent"),
    path("lab-files/", lab_views.lab_file_list, name="lab_files"),
    path("lab-files/upload/", lab_views.upload, name="lab_upload"),
    path("lab-files/<int:lab_file_id>/", lab_views.lab_file_detail, name="lab_file"),
    path("profiles/", lab_views.profile_list, name="profiles"),
    path("profiles/<int:profile_id>/", lab_views.profile_detail, name="profile"),
    path("proposals/", lab_views.proposal_list, name="proposals"),
    path("proposals/<int:proposal_id>/decide/", lab_views.proposal_decide, name="proposal_decide"),
]
