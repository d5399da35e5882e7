"""Health reports and Art. 110 decisions are histories too: insert-only (a new report supersedes)."""

from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("captivity", "0002_insert_only")]
    operations = [make_insert_only("captivity_healthreport", "captivity_repatriationeligibility")]
