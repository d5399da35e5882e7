"""Linkage models, possible duplicates and list-row links are never changed or removed (database triggers)."""

from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_linkage_models")]
    operations = [
        make_insert_only("registry_linkagemodel"),
        make_insert_only("registry_possibleduplicate"),
        make_insert_only("registry_listrowlink"),
    ]
