from django.urls import path

from homecoming.app.genetics import frequency_views, views

app_name = "genetics"
urlpatterns = [
    path("", views.index, name="index"),
    path("frequencies/", frequency_views.table_list, name="frequency_tables"),
    path("frequencies/upload", frequency_views.upload, name="frequency_upload"),
    path("frequencies/<int:table_id>/", frequency_views.table_detail, name="frequency_table"),
    path("frequencies/<int:table_id>/activate", frequency_views.activate, name="frequency_activate"),
]
