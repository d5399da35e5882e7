"""Make the outbox's delivery attempts insert-only (database triggers refuse every UPDATE and DELETE)."""

from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_outbox"), ("audit", "0002_insert_only")]
    operations = [make_insert_only("messaging_messageattempt")]
