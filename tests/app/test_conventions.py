"""Every installed Homecoming app follows the convention of ``homecoming.app.conventions``.

Each declares, on its own AppConfig, its pages (``url_prefix``, ``urls``), its API router and the
permissions it grants to each role; the URL map, the API and the role table are built from these
and from nothing else (docs/development/adding-an-app.md).
"""

from __future__ import annotations

import ast
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.urls import resolve
from django.utils.module_loading import import_string
from ninja import Router

from homecoming.app import conventions
from homecoming.app.accounts.roles import Role, all_role_permissions
from homecoming.app.api import api

APP_DIR = Path(conventions.__file__).parent
OURS = [c for c in apps.get_app_configs() if c.name.startswith("homecoming.")]
IDS = [c.label for c in OURS]


def _declared(config: Any) -> dict[str, Any]:
    """The convention's attributes as the app's own class sets them (inherited defaults do not count)."""
    own = type(config).__dict__
    return {name: own[name] for name in conventions.DECLARED if name in own}


def test_every_app_of_the_repository_is_installed_as_a_homecoming_app() -> None:
    on_disk = {p.parent.name for p in APP_DIR.glob("*/apps.py")}
    assert on_disk == {c.label for c in OURS}
    assert all(isinstance(c, conventions.HomecomingApp) for c in OURS)
    assert [c.label for c in conventions.homecoming_apps()] == [c.label for c in OURS]


@pytest.mark.parametrize("config", OURS, ids=IDS)
def test_each_app_declares_pages_router_and_permissions_itself(config: Any) -> None:
    declared = _declared(config)
    missing = [name for name in conventions.DECLARED if name not in declared]
    assert not missing, f"{config.name}.apps declares no {', '.join(missing)} (None if it has none)"


@pytest.mark.parametrize("config", OURS, ids=IDS)
def test_the_declared_pages_are_the_apps_urls_under_its_label(config: Any) -> None:
    if config.urls is None:
        assert config.url_prefix is None
        return
    assert config.urls == f"{config.name}.urls"
    assert config.url_prefix == f"{config.label}/"
    module = import_module(config.urls)
    assert module.app_name == config.label, "the URL names are reversed as '<label>:<name>'"
    for pattern in module.urlpatterns:
        if not pattern.pattern.regex.groups:  # a path without parameters: it resolves to the app
            assert resolve(f"/{config.url_prefix}{pattern.pattern}").namespace == config.label


@pytest.mark.parametrize("config", OURS, ids=IDS)
def test_the_declared_router_is_mounted_and_tagged_with_the_label(config: Any) -> None:
    if config.api_router is None:
        return
    assert config.api_router == f"{config.name}.api.router"
    router = import_string(config.api_router)
    assert isinstance(router, Router)
    assert router.tags == [config.label], "test_api_errors finds an endpoint's app by its tag"
    assert router in [r for _prefix, r in api._routers]


@pytest.mark.django_db
@pytest.mark.parametrize("config", OURS, ids=IDS)
def test_the_declared_permissions_are_the_apps_own_and_exist(config: Any) -> None:
    from django.contrib.auth.models import Permission

    if config.permissions is None:
        return
    assert config.permissions == f"{config.name}.roles.PERMISSIONS"
    grants = import_string(config.permissions)
    existing = {
        f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")
    }
    for role, perms in grants.items():
        assert isinstance(role, Role)
        foreign = [p for p in perms if p.split(".")[0] != config.label]
        assert not foreign, f"{config.label} grants {role} permissions of other apps: {foreign}"
        unknown = [p for p in perms if p not in existing]
        assert not unknown, f"{config.label} grants {role} permissions that do not exist: {unknown}"


def test_the_role_table_is_what_the_apps_grant() -> None:
    table = all_role_permissions()
    assert set(table) == set(Role)
    assert table[Role.admin] == []
    for label, grants in conventions.app_permissions():
        for role, perms in grants.items():
            assert set(perms) <= set(table[role]), f"{label}'s grants to {role} are missing"
    assert {p.split(".")[0] for perms in table.values() for p in perms} <= {c.label for c in OURS}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_no_app_imports_the_api_that_mounts_it() -> None:
    """``app/api.py`` imports the apps' routers; the apps import ``app/permissions.py``, not it."""
    offenders = [
        str(path.relative_to(APP_DIR))
        for config in OURS
        for path in (APP_DIR / config.label).rglob("*.py")
        if "homecoming.app.api" in _imports(path)
    ]
    assert not offenders


# What the wiring may import from an app: the home page view, the API tokens that authenticate, the
# Role type (for annotations only).
_WIRING = {
    "urls.py": {"homecoming.app.registry", "homecoming.app.registry.views"},
    "api.py": {"homecoming.app.accounts.models", "homecoming.app.accounts.models.ApiToken"},
    "accounts/roles.py": set(),
    "conventions.py": {"homecoming.app.accounts.roles", "homecoming.app.accounts.roles.Role"},
}


@pytest.mark.parametrize("name", sorted(_WIRING))
def test_the_wiring_names_no_app_by_hand(name: str) -> None:
    """The URL map, the API and the role table find the apps through INSTALLED_APPS only."""
    named = {
        module
        for module in _imports(APP_DIR / name)
        for label in IDS
        if module.startswith(f"homecoming.app.{label}") and module not in _WIRING[name]
    }
    assert not named, f"app/{name} imports {sorted(named)}"
