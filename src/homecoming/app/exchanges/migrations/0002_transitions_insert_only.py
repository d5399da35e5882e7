from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("exchanges", "0001_agreements_operations")]

    operations = [make_insert_only("exchanges_agreementtransition", "exchanges_operationtransition")]
