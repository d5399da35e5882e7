"""Make the screening results insert-only (database triggers).

A run's candidates and body conclusions are written once, in the transaction that ends the run, and
never changed; cached family tables are written once under their key. Every UPDATE and DELETE of them
is refused.
"""

from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("identification", "0004_reports_insert_only"), ("audit", "0002_insert_only")]
    operations = [
        make_insert_only(
            "identification_screeningcandidate",
            "identification_bodyconclusion",
            "identification_familytablerow",
        )
    ]
