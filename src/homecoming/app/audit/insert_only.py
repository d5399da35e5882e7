"""Database triggers that make a table insert-only, on SQLite and PostgreSQL.

Used by the migrations of the audit trail, custody events and every status history. An UPDATE or
DELETE on such a table fails inside the database, whatever client issues it.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _sql(vendor: str, table: str) -> tuple[list[str], list[str]]:
    if vendor == "sqlite":
        create = [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is insert-only: rows cannot be updated'); END;",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is insert-only: rows cannot be deleted'); END;",
        ]
        drop = [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]
        return create, drop
    if vendor == "postgresql":
        create = [
            "CREATE OR REPLACE FUNCTION homecoming_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is insert-only: % refused', TG_TABLE_NAME, TG_OP; END; $$;",
            f"CREATE TRIGGER {table}_insert_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION homecoming_insert_only();",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION homecoming_insert_only();",
        ]
        drop = [
            f"DROP TRIGGER IF EXISTS {table}_insert_only ON {table};",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        ]
        return create, drop
    raise NotImplementedError(f"insert-only triggers are not written for database vendor {vendor!r}")


def install(connection: Any, table: str) -> None:
    with connection.cursor() as cursor:
        for statement in _sql(connection.vendor, table)[0]:
            cursor.execute(statement)


def remove(connection: Any, table: str) -> None:
    with connection.cursor() as cursor:
        for statement in _sql(connection.vendor, table)[1]:
            cursor.execute(statement)


def make_insert_only(*tables: str) -> migrations.RunPython:
    """A migration operation that installs the triggers on ``tables`` (and removes them on reverse)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        for table in tables:
            install(schema_editor.connection, table)

    def backward(apps: Any, schema_editor: Any) -> None:
        for table in tables:
            remove(schema_editor.connection, table)

    return migrations.RunPython(forward, backward)
