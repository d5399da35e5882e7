"""Imported external records are never changed or removed (database triggers)."""

from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_external_records")]
    operations = [make_insert_only("registry_externalrecord")]
