from __future__ import annotations

from django.urls import URLPattern, path

from homecoming.app.messaging import views

app_name = "messaging"
urlpatterns: list[URLPattern] = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:message_id>/", views.message, name="message"),
]
