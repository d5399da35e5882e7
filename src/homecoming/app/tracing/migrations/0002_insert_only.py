"""Make the tracing requests' histories insert-only (database triggers): state transitions and releases
refuse every UPDATE and DELETE."""

from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("tracing", "0001_requests"), ("audit", "0002_insert_only")]
    operations = [make_insert_only("tracing_requesttransition", "tracing_release")]
