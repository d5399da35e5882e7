"""A signed identification with a family to notify, built in the browser server's own database.

The browser tests talk to a ``homecoming serve`` subprocess with its own database, so the state cannot be
made with pytest-django's test database. This module is run by them as a script, with the server's
environment (``python tests/app/browser/identified_world.py``): it loads Django as the server does and
builds, with the services and the builders of the report tests (``tests/app/identification/
report_world.py``: a father and a sister typed, a body that is their son), nothing mocked:

a registry person (written in Ukrainian) with a missing case, the person's reference family, a profiled
body, and the comparison report identifying the body as the person — drafted by an analyst, proposed and
signed by a reviewer — which puts the family on the liaison's "families to notify". It prints one line of
JSON: the person, the case and the notification. All names are synthetic.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[2]
SURNAME = "Перепеличенко"  # the same in Russian and Ukrainian
GIVEN_UK, PATRONYMIC_UK = "Андрій", "Миколайович"
BIRTH = "1992-04-03"


def build(password: str) -> dict[str, object]:
    """The person, case and family to notify; the liaison ``notify-liaison`` logs in with ``password``."""
    from homecoming.app.accounts.roles import Role
    from homecoming.app.accounts.services import create_user
    from homecoming.app.identification import reports
    from homecoming.app.identification.models_reports import FamilyNotification
    from homecoming.app.registry import services as registry

    sys.path.insert(0, str(TESTS))
    from app.identification import report_world as w

    def user(role: str, name: str, secret: str = w.PASSWORD) -> object:
        return create_user(username=name, password=secret, role=Role(role), check_password=False)

    liaison = user("family_liaison", "notify-liaison", password)
    registrar = user("registrar", "notify-registrar")
    analyst = user("dna_analyst", "notify-analyst")
    examiner = user("forensic_examiner", "notify-examiner")
    reviewer = user("identification_reviewer", "notify-reviewer")
    person = registry.create_person(
        actor=registrar,
        data={"sex": "male", "birth_date": BIRTH, "power": "UA"},
        names=[{"family_name": SURNAME, "given_name": GIVEN_UK, "patronymic": PATRONYMIC_UK}],
    )
    case = registry.open_case(actor=registrar, person=person, data={"circumstances": "synthetic"})
    genos = w.trio(seed=23)
    w.family(liaison, person, genos)
    unit = w.body(examiner, genos["body"], bag="BAG-NOTIFY-1")
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    notification = FamilyNotification.objects.get(report=report)
    return {
        "person_id": person.pk,
        "person": person.reference,
        "case": case.reference,
        "notification_id": notification.pk,
        "liaison": "notify-liaison",
    }


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.app.settings")
    django.setup()
    print(json.dumps(build(sys.argv[1])))


if __name__ == "__main__":
    main()
