"""Make the history tables of this app insert-only (database triggers)."""

from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [make_insert_only("audit_auditrecord")]
