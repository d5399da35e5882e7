"""A partial covering index for person search on PostgreSQL.

Search finds the candidate ids by name keys, then needs the first 50 of them in reference order, with
the birth-date and status filters. Reading that from the heap costs one random page per candidate (a
common family name has thousands); this index answers it with an index-only scan. PostgreSQL only (the
model does not declare it: SQLite has no INCLUDE and needs no help at test sizes).
"""

from typing import Any

from django.db import migrations

INDEX = "person_search_cover"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_person (id) "
            "INCLUDE (reference, birth_from, birth_to, current_status) WHERE NOT purged"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_insert_only")]

    operations = [migrations.RunPython(create, drop)]
