"""Make the comparison reports' histories insert-only (database triggers).

Evidence versions, transitions and rule overrides refuse every UPDATE and DELETE. Reports and families to
notify are guarded: an UPDATE needs its audit record written first (``version`` up by one, see
homecoming.app.audit.insert_only.AUDITED_UPDATE) and DELETE is refused.
"""

from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("identification", "0003_reports"), ("audit", "0002_insert_only")]
    operations = [
        make_insert_only(
            "identification_reportevidence",
            "identification_reporttransition",
            "identification_ruleoverride",
            "identification_comparisonreport",
            "identification_familynotification",
        )
    ]
