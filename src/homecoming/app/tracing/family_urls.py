"""The family portal's public pages (no log-in), mounted at ``/family/`` (``TracingConfig.public_urls``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from homecoming.app.tracing import family_views

app_name = "family"
urlpatterns: list[URLPattern] = [
    path("", family_views.home, name="home"),
    path("request/", family_views.request_form, name="request"),
    path("request/done/", family_views.request_done, name="request_done"),
    path("status/", family_views.status_form, name="status"),
    path("status/leave/", family_views.status_leave, name="status_leave"),
]
