"""Database triggers that make a table insert-only, on SQLite and PostgreSQL.

Used by the migrations of the audit trail, custody events, every status history and the tables whose
rows are conclusions. An UPDATE or DELETE on such a table fails inside the database, whatever client
issues it.

A few tables hold rows the services legitimately change (a person's fields and derived status, a claim's
review state, a detention's status, an effect's disposition): on those (:data:`AUDITED_UPDATE`) DELETE is
refused as elsewhere, and an UPDATE is accepted only if it is the change the last record of the chain
describes: that record names the row (object type and id) and either the row's ``version`` goes up by
one to the version in the record's ``after``, or only the one column the service changes (a person's
``current_status``, a claim's ``review_state``) changes, to the value in ``after``. The services write
the audit record first, then the row; a bare ``UPDATE`` from a SQL client is refused, a second UPDATE
after the service's is refused (the version already matches), and a client that appends a record of
its own to pass the guard leaves that record in the chain (``audit verify`` compares the row with it).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# table -> (the ``object_type`` of its audit records, the changes the services make to its rows):
# "version" — ``version`` goes up by one and the audit record's ``after`` holds the new version;
# a column name — only that column changes, to the value in the audit record's ``after``.
AUDITED_UPDATE: dict[str, tuple[str, tuple[str, ...]]] = {
    "registry_person": ("registry.person", ("version", "current_status")),
    "registry_statusassertion": ("registry.statusassertion", ("review_state",)),
    "captivity_detentionrecord": ("captivity.detentionrecord", ("version",)),
    "remains_personaleffect": ("remains.personaleffect", ("version",)),
    "genetics_referencefamily": ("genetics.referencefamily", ("version",)),
    "genetics_familymember": ("genetics.familymember", ("version",)),
    "identification_comparisonreport": ("identification.comparisonreport", ("version",)),
    "identification_familynotification": ("identification.familynotification", ("version",)),
}


def _guard(vendor: str, table: str, columns: list[str]) -> str:
    """SQL true when an UPDATE of ``table`` is one the services make, right after its audit record."""
    object_type, changes = AUDITED_UPDATE[table]
    pg = vendor == "postgresql"
    same, differs = ("IS NOT DISTINCT FROM", "IS DISTINCT FROM") if pg else ("IS", "IS NOT")

    def after(key: str, number: bool = False) -> str:
        if pg:
            return f"(a.after->>'{key}')::bigint" if number else f"(a.after->>'{key}')"
        return f"json_extract(a.after, '$.{key}')"

    branches = []
    for change in changes:
        if change == "version":
            branches.append(f"(NEW.version = OLD.version + 1 AND {after('version', True)} = NEW.version)")
        else:
            frozen = " AND ".join(f'NEW."{c}" {same} OLD."{c}"' for c in columns if c != change)
            branches.append(
                f'(NEW."{change}" {differs} OLD."{change}" AND {after(change)} = NEW."{change}" AND {frozen})'
            )
    object_id = "NEW.id::text" if pg else "CAST(NEW.id AS TEXT)"
    own = f"(a.object_type = '{object_type}' AND a.object_id = {object_id} AND ({' OR '.join(branches)}))"
    if table == "captivity_detentionrecord":
        # a health report changes ``seriously_ill``; its record names the report, not the detention (the
        # trail does not say whose health it is): the report must be this detention's, its condition
        # must give the new value, and nothing else may change
        h_id = "h.id::text" if pg else "CAST(h.id AS TEXT)"
        frozen = " AND ".join(f'NEW."{c}" {same} OLD."{c}"' for c in columns if c != "seriously_ill")
        own += (
            " OR (a.object_type = 'captivity.healthreport' "
            "AND EXISTS (SELECT 1 FROM captivity_healthreport h "
            f"WHERE {h_id} = a.object_id AND h.record_id = NEW.id "
            "AND (h.condition = 'serious') = NEW.seriously_ill) "
            f"AND NEW.seriously_ill {differs} OLD.seriously_ill AND {frozen})"
        )
    return (
        "(NEW.id = OLD.id AND EXISTS (SELECT 1 FROM audit_auditrecord a "
        f"WHERE a.seq = (SELECT MAX(seq) FROM audit_auditrecord) AND ({own})))"
    )


_REFUSED_UPDATE = (
    "{table} is insert-only: UPDATE refused (a change must follow its own audit record: "
    "use the service, which writes the record first)"
)


def _sql(vendor: str, table: str, columns: list[str] | None = None) -> tuple[list[str], list[str]]:
    audited = table in AUDITED_UPDATE
    if vendor == "sqlite":
        if audited:
            refuse_update = (
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"WHEN NOT {_guard(vendor, table, columns or [])} "
                f"BEGIN SELECT RAISE(ABORT, '{_REFUSED_UPDATE.format(table=table)}'); END;"
            )
        else:
            refuse_update = (
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is insert-only: rows cannot be updated'); END;"
            )
        create = [
            refuse_update,
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is insert-only: rows cannot be deleted'); END;",
        ]
        drop = [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]
        return create, drop
    if vendor == "postgresql":
        function = "homecoming_insert_only()"
        guard = []
        if audited:
            function = f"homecoming_guard_{table}()"
            guard = [
                f"CREATE OR REPLACE FUNCTION {function} RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF TG_OP = 'UPDATE' AND {_guard(vendor, table, columns or [])} THEN RETURN NEW; END IF; "
                f"IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION '{_REFUSED_UPDATE.format(table=table)}'; END IF; "
                "RAISE EXCEPTION '% is insert-only: % refused', TG_TABLE_NAME, TG_OP; END; $$;"
            ]
        create = [
            "CREATE OR REPLACE FUNCTION homecoming_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is insert-only: % refused', TG_TABLE_NAME, TG_OP; END; $$;",
            *guard,
            f"CREATE TRIGGER {table}_insert_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function};",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION homecoming_insert_only();",
        ]
        drop = [
            f"DROP TRIGGER IF EXISTS {table}_insert_only ON {table};",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        ]
        return create, drop
    raise NotImplementedError(f"insert-only triggers are not written for database vendor {vendor!r}")


def _columns(connection: Any, table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def install(connection: Any, table: str) -> None:
    columns = _columns(connection, table) if table in AUDITED_UPDATE else None
    with connection.cursor() as cursor:
        for statement in _sql(connection.vendor, table, columns)[0]:
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
