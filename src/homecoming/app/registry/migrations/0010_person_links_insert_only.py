"""Decisions that two persons are, or are not, the same are never changed or removed (database triggers)."""

from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_person_links")]
    operations = [make_insert_only("registry_personlink")]
