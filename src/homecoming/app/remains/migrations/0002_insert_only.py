"""Make the history tables of this app insert-only (database triggers)."""

from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("remains", "0001_intake_units_custody")]
    operations = [make_insert_only("remains_custodyevent", "remains_unittransition", "remains_unitlink")]
