"""Make the tables whose rows are conclusions insert-only (issue 10, item 6).

Rows the services change are guarded: an UPDATE needs its audit record written first (see
homecoming.app.audit.insert_only.AUDITED_UPDATE); the others refuse every UPDATE and DELETE.
"""

from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_person_search_covering_index"), ("audit", "0002_insert_only")]
    operations = [make_insert_only("registry_person", "registry_statusassertion", "registry_enquirer")]
