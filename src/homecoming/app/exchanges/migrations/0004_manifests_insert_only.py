from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("exchanges", "0003_manifests_figures")]

    operations = [make_insert_only("exchanges_manifestversion", "exchanges_manifestline",
                                   "exchanges_identificationresult")]
