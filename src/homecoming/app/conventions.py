"""How an app joins the house: it declares its pages, its API router and its permissions on its AppConfig.

Every Homecoming app's ``apps.py`` defines a :class:`HomecomingApp` subclass that sets all four
attributes itself (``None`` where the app has nothing of the kind)::

    class RegistryConfig(HomecomingApp):
        name = "homecoming.app.registry"
        label = "registry"
        verbose_name = "Registry"
        url_prefix = "registry/"                                # pages at /registry/...
        urls = "homecoming.app.registry.urls"                   # their urlpatterns (app_name = label)
        api_router = "homecoming.app.registry.api.router"       # a ninja Router, tags=[label]
        permissions = "homecoming.app.registry.roles.PERMISSIONS"  # {Role: ["registry.view_person", ...]}

The attributes are dotted paths, imported only when the URL map, the API or the role table is
built (an AppConfig is loaded before models, and must not import them). ``app/urls.py``,
``app/api.py`` and ``accounts/roles.py`` read them through the functions below, in the order of
``INSTALLED_APPS``: adding an app to ``INSTALLED_APPS`` is the only list to touch.
``tests/app/test_conventions.py`` checks every installed app against this. The checklist for a
new app is ``docs/development/adding-an-app.md``.

An app may also declare public pages — open without log-in — with ``public_url_prefix`` and
``public_urls`` (the family portal of ``tracing`` at ``/family/``); every other page requires log-in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from ninja import Router

    from homecoming.app.accounts.roles import Role

DECLARED = ("url_prefix", "urls", "api_router", "permissions")


class HomecomingApp(AppConfig):
    """An AppConfig that declares its pages, API router and permissions (see the module docstring)."""

    url_prefix: str | None = None
    urls: str | None = None
    api_router: str | None = None
    permissions: str | None = None
    #: optional: pages open to everyone, without log-in (e.g. the family portal), and their prefix
    public_url_prefix: str | None = None
    public_urls: str | None = None


def homecoming_apps() -> list[HomecomingApp]:
    """The installed Homecoming apps, in the order of ``INSTALLED_APPS``."""
    return [c for c in apps.get_app_configs() if isinstance(c, HomecomingApp)]


def page_urls() -> list[tuple[str, str]]:
    """``(url_prefix, urls module)`` of every app that has pages."""
    return [(c.url_prefix, c.urls) for c in homecoming_apps() if c.url_prefix is not None and c.urls]


def public_page_urls() -> list[tuple[str, str]]:
    """``(public_url_prefix, urls module)`` of every app that has public pages (no log-in)."""
    return [
        (c.public_url_prefix, c.public_urls)
        for c in homecoming_apps()
        if c.public_url_prefix is not None and c.public_urls
    ]


def api_routers() -> list[Router]:
    """The API router of every app that has one."""
    return [import_string(c.api_router) for c in homecoming_apps() if c.api_router]


def app_permissions() -> list[tuple[str, dict[Role, list[str]]]]:
    """``(app label, {role: permissions})`` of every app that grants permissions."""
    out: list[tuple[str, Any]] = []
    for c in homecoming_apps():
        if c.permissions:
            out.append((c.label, import_string(c.permissions)))
    return out
