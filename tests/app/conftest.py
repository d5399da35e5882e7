"""Fixtures for the web-app tests: a database that may be flushed despite insert-only tables.

``flushable_db`` gives a test real transactions (several connections may see each other's commits, as
in production). After such a test Django empties every table; the insert-only triggers would refuse
that, so they are taken off for the flush and put back afterwards — on every table that has them,
found in the database's own trigger catalogue (new apps need not register here).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

_CATALOGUE = {
    "sqlite": "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
    "AND (name LIKE '%\\_no\\_update' ESCAPE '\\' OR name LIKE '%\\_no\\_delete' ESCAPE '\\')",
    "postgresql": "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    "WHERE NOT t.tgisinternal "
    "AND (t.tgname LIKE '%\\_insert\\_only' OR t.tgname LIKE '%\\_no\\_truncate')",
}


def insert_only_tables(connection: Any) -> list[str]:
    """Every table that carries the insert-only triggers of ``homecoming.app.audit.insert_only``."""
    with connection.cursor() as cursor:
        cursor.execute(_CATALOGUE[connection.vendor])
        return sorted(row[0] for row in cursor.fetchall())


@pytest.fixture(autouse=True)
def _language_of_the_settings() -> Iterator[None]:
    """Each test starts in the settings' language: a page request made by a Ukrainian user leaves
    Ukrainian active in the thread (LocaleMiddleware), and a later test calling a service directly in the
    same worker would read its messages in Ukrainian."""
    from django.utils import translation

    translation.activate(settings_language())
    yield
    translation.activate(settings_language())


def settings_language() -> str:
    from django.conf import settings

    return str(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _static_root(settings: Any, tmp_path: Any) -> None:
    """Whitenoise warns (an error under pytest) when STATIC_ROOT does not exist, as on a fresh clone."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.fixture(autouse=True)
def _reinstall_insert_only(django_db_blocker: Any) -> Iterator[list[str]]:
    """Autouse, so it is set up before any database fixture and torn down after the flush.

    Does nothing unless ``flushable_db`` took triggers off.
    """
    removed: list[str] = []
    yield removed
    if not removed:
        return
    from django.db import connection

    from homecoming.app.audit import insert_only

    with django_db_blocker.unblock():
        for table in removed:
            insert_only.install(connection, table)
        connection.close()


@pytest.fixture
def flushable_db(_reinstall_insert_only: list[str], transactional_db: None) -> Iterator[None]:
    """A transactional test database whose insert-only tables can still be emptied afterwards."""
    from django.db import connection

    from homecoming.app.audit import insert_only

    tables = insert_only_tables(connection)
    assert "audit_auditrecord" in tables, f"the trigger catalogue query found only {tables}"
    yield
    for table in tables:
        insert_only.remove(connection, table)
        _reinstall_insert_only.append(table)
