"""The SHA-256 of an imported file's rows as read: the same list in other bytes is refused too.

A nullable column without a default is added in place (SQLite ``ALTER TABLE ADD COLUMN``, PostgreSQL
without rewriting rows), so no row is updated; the insert-only triggers are then installed afresh in case
a backend rebuilt the table.
"""

from typing import Any

from django.db import migrations, models

from homecoming.app.audit import insert_only


def reinstall(apps: Any, schema_editor: Any) -> None:
    insert_only.remove(schema_editor.connection, "audit_importedfile")
    insert_only.install(schema_editor.connection, "audit_importedfile")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_audithead"),
    ]

    operations = [
        migrations.AddField(
            model_name="importedfile",
            name="rows_sha256",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="SHA-256 of the rows as read (cleaned cells): the same list in other bytes",
                max_length=64,
                null=True,
            ),
        ),
        migrations.RunPython(reinstall, reinstall),
    ]
