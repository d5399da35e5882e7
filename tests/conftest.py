"""Suite-wide fixtures: users with roles, an API client with a token, a temporary media folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from typing import Any

import pytest

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests need Debian's Chromium; PostgreSQL-only tests need DATABASE_URL=postgres://…

    PostgreSQL-only tests belong to the PostgreSQL pass of ``make test``; the SQLite pass leaves them
    out (deselected, not skipped). Without Chromium, browser tests are skipped with a reason outside
    CI; with CI=true a missing Chromium is an error and nothing is skipped.
    """
    ci = os.environ.get("CI", "").lower() == "true"
    if not ON_POSTGRES:
        postgres_only = [item for item in items if "postgres" in item.keywords]
        if postgres_only:
            config.hook.pytest_deselected(items=postgres_only)
            items[:] = [item for item in items if "postgres" not in item.keywords]
    for item in items:
        if "browser" in item.keywords and not BROWSER:
            if ci:
                raise pytest.UsageError("CI=true but Chromium is not installed: apt-get install chromium")
            item.add_marker(pytest.mark.skip(reason="Chromium not installed (apt-get install chromium)"))


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IDENTIFICATION_TABLE_PACKS = str(tmp_path / "family-tables")


@pytest.fixture(autouse=True)
def _api_rate_limit(settings: Any) -> None:
    """Counters start empty in every test, and the limits are out of the way of tests that send many API
    requests with one token or open many pages as one user; tests/app/test_api_limits.py and
    tests/app/test_page_limits.py set the limit they test."""
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT = (100_000, 60)
    settings.PAGE_RATE_LIMIT = (100_000, 60)


@pytest.fixture(autouse=True)
def _second_factor_optional(settings: Any) -> None:
    """Tests log users in with ``force_login`` (no authenticator): the mandatory second factor of
    ``settings.TOTP_REQUIRED`` is off, except in the tests that ask for it with ``totp_required``
    (tests/app/accounts/test_second_factor.py)."""
    settings.TOTP_REQUIRED = []


@pytest.fixture
def totp_required(settings: Any) -> list[str]:
    """The production list of who must use an authenticator (``HOMECOMING_TOTP_REQUIRED``'s default)."""
    from homecoming.app import settings as production

    settings.TOTP_REQUIRED = list(production.TOTP_REQUIRED)
    return list(settings.TOTP_REQUIRED)


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    from homecoming.app.accounts.roles import Role
    from homecoming.app.accounts.services import create_user

    def make(role: str, username: str | None = None) -> Any:
        return create_user(
            username=username or f"{role}-user",
            password="correct horse battery 9",
            role=Role(role),
            check_password=False,
        )

    return make


@pytest.fixture
def registrar(make_user: Callable[..., Any]) -> Any:
    return make_user("registrar")


@pytest.fixture
def reviewer(make_user: Callable[..., Any]) -> Any:
    return make_user("identification_reviewer", "reviewer")


@pytest.fixture
def auditor(make_user: Callable[..., Any]) -> Any:
    return make_user("auditor")


@pytest.fixture
def api(db: None) -> Callable[[Any], Any]:
    """``api(user)`` → a test client whose requests carry the user's bearer token."""
    from django.test import Client

    from homecoming.app.accounts.models import ApiToken

    def client_for(user: Any) -> Any:
        _, token = ApiToken.issue(user, "test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


@pytest.fixture
def person(registrar: Any) -> Any:
    from homecoming.app.registry import services

    return services.create_person(
        actor=registrar,
        data={"sex": "male", "birth_date": "1991-03", "service_number": "A123456", "power": "UA"},
        names=[{"family_name": "Шевченко", "given_name": "Олександр", "patronymic": "Петрович"}],
    )
