"""Make the genetics histories and conclusions insert-only (database triggers).

Profiles, lab files, frequency tables and their activations, consent events, elimination matches,
re-association proposals and decisions refuse every UPDATE and DELETE. Reference families and their
members are guarded: an UPDATE needs its audit record written first (``version`` up by one, see
homecoming.app.audit.insert_only.AUDITED_UPDATE) and DELETE is refused.
"""

from django.db import migrations

from homecoming.app.audit.insert_only import make_insert_only


class Migration(migrations.Migration):
    dependencies = [("genetics", "0001_profiles_families_frequencies"), ("audit", "0002_insert_only")]
    operations = [
        make_insert_only(
            "genetics_frequencytable",
            "genetics_frequencytableactivation",
            "genetics_labfile",
            "genetics_consentevent",
            "genetics_profile",
            "genetics_eliminationmatch",
            "genetics_reassociationproposal",
            "genetics_proposaldecision",
            "genetics_referencesample",
            "genetics_referencefamily",
            "genetics_familymember",
        )
    ]
