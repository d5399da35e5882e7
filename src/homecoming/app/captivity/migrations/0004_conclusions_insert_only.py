"""Make the tables whose rows are conclusions insert-only (issue 10, item 6).

Rows the services change are guarded: an UPDATE needs its audit record written first (see
homecoming.app.audit.insert_only.AUDITED_UPDATE); the others refuse every UPDATE and DELETE.
"""

from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("captivity", "0003_health_and_eligibility_insert_only"), ("audit", "0002_insert_only")]
    operations = [make_insert_only("captivity_detentionrecord", "captivity_capturecard")]
