"""URL map: pages, the JSON API under /api/v1, the admin."""

from django.contrib import admin
from django.urls import include, path

from homecoming.app.api import api
from homecoming.app.registry import views as registry_views

urlpatterns = [
    path("", registry_views.dashboard, name="dashboard"),
    path("accounts/", include("homecoming.app.accounts.urls")),
    path("registry/", include("homecoming.app.registry.urls")),
    path("captivity/", include("homecoming.app.captivity.urls")),
    path("exchanges/", include("homecoming.app.exchanges.urls")),
    path("remains/", include("homecoming.app.remains.urls")),
    path("audit/", include("homecoming.app.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
