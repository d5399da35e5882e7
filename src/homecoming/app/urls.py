"""URL map: the home page, each installed app's pages (and public pages), the API under /api/v1, the admin.

The apps' pages are those they declare (``url_prefix`` and ``urls`` on their AppConfig, see
``homecoming.app.conventions``), in the order of ``INSTALLED_APPS``.
"""

from django.contrib import admin
from django.urls import include, path

from homecoming.app.api import api
from homecoming.app.conventions import page_urls, public_page_urls
from homecoming.app.registry import views as registry_views

handler403 = "homecoming.app.error_pages.permission_denied"
handler404 = "homecoming.app.error_pages.page_not_found"
handler500 = "homecoming.app.security.server_error"

urlpatterns = [
    path("", registry_views.dashboard, name="dashboard"),
    *(path(prefix, include(module)) for prefix, module in page_urls()),
    *(path(prefix, include(module)) for prefix, module in public_page_urls()),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
