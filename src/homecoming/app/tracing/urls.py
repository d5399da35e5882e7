from __future__ import annotations

from django.urls import URLPattern, path

from homecoming.app.tracing import views

app_name = "tracing"
urlpatterns: list[URLPattern] = [
    path("requests/", views.queue, name="queue"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/link/", views.link, name="link"),
    path("requests/<int:request_id>/merge/", views.merge, name="merge"),
    path("requests/<int:request_id>/assign/", views.assign, name="assign"),
    path("requests/<int:request_id>/transition/", views.transition, name="transition"),
    path("requests/<int:request_id>/release/", views.release, name="release"),
    path("requests/<int:request_id>/notes/", views.note, name="note"),
    path("requests/<int:request_id>/confirm/", views.confirm, name="confirm"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]
