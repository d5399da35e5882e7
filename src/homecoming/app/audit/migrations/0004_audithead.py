"""Signed heads of the audit chain (issue 10, item 7); the table is insert-only."""

from django.db import migrations, models

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_imported_files")]

    operations = [
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.BigIntegerField(db_index=True)),
                ("hash", models.CharField(max_length=64)),
                ("created", models.DateTimeField()),
                ("signature", models.CharField(max_length=128)),
                ("public_key", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "signed audit head", "ordering": ["seq", "id"]},
        ),
        make_insert_only("audit_audithead"),
    ]
